"""WSGI entry point of the load test (bench/charge.py): the app as in production, plus the floor views of
bench/banc/urls.py. Never used outside `make bench`."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "classes_mobiles.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

settings.ROOT_URLCONF = "bench.banc.urls"
application = get_wsgi_application()
