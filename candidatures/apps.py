from django.apps import AppConfig


class CandidaturesConfig(AppConfig):
    name = "candidatures"

    def ready(self):
        from . import documents  # noqa: F401  (registers the commission minutes generator)
