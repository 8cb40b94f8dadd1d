from django.apps import AppConfig


class ClassesMobilesConfig(AppConfig):
    name = "classes_mobiles"
    verbose_name = "Référentiel (territoire, comptes, campagnes)"
