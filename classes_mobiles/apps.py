from django.apps import AppConfig


class ClassesMobilesConfig(AppConfig):
    name = "classes_mobiles"
    verbose_name = "Référentiel (territoire, comptes, campagnes)"

    def ready(self):
        # The sliding session's receiver of user_logged_in (a login saves the session already).
        from classes_mobiles import middleware_prive  # noqa: F401
