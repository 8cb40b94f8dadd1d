import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "classes_mobiles.settings")

app = Celery("classes_mobiles")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(related_name="tasks_documents")
app.autodiscover_tasks(related_name="tasks_comptes")
