from django.apps import AppConfig


class PretsConfig(AppConfig):
    name = "prets"
