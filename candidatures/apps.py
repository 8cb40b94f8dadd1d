from django.apps import AppConfig


class CandidaturesConfig(AppConfig):
    name = "candidatures"

    def ready(self):
        from . import documents, notices  # noqa: F401  (register the minutes, receipt and notice generators)
