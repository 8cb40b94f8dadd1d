"""The project's URLs plus a view that fails, to reach the 500 page (tests only)."""

from django.urls import path

from classes_mobiles.urls import handler400, handler403, handler404, handler500  # noqa: F401
from classes_mobiles.urls import urlpatterns as urlpatterns_projet


def vue_en_panne(request):
    raise RuntimeError("panne simulée")


urlpatterns = [path("panne/", vue_en_panne), *urlpatterns_projet]
