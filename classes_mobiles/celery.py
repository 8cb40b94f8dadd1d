import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "classes_mobiles.settings")

app = Celery("classes_mobiles")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(related_name="tasks_documents")
app.autodiscover_tasks(related_name="tasks_comptes")


@setup_logging.connect
def journalisation_django(**kwargs):
    """The worker and beat keep Django's LOGGING (one handler, on the root logger) instead of adding Celery's own
    handler to the root: each line is printed once. Levels come from LOG_LEVEL / CELERY_LOG_LEVEL, not --loglevel."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
