from django.conf import settings
from django.core.management.base import BaseCommand

from classes_mobiles.demo import DOMAINE, MOT_DE_PASSE_DEMO, creer_departement

ECHELLES = {
    # name: (circonscriptions, schools, campaigns)
    "demo": (4, 40, 1),
    "departement": (35, 1400, 10),
}


class Command(BaseCommand):
    help = "Crée un département de démonstration (noms inventés) et un compte par rôle."

    def add_arguments(self, parser):
        parser.add_argument("--echelle", choices=sorted(ECHELLES), default="demo", help="volume de données")

    def handle(self, *args, echelle, **options):
        nb_circos, nb_ecoles, nb_campagnes = ECHELLES[echelle]
        # The demo's workflow steps would otherwise print one e-mail each on the console.
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        comptes = creer_departement(nb_circos, nb_ecoles, nb_campagnes, sortie=self.stdout.write)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Comptes de démonstration (mot de passe : {MOT_DE_PASSE_DEMO})"))
        for user in comptes:
            self.stdout.write(f"  {user.get_role_display():<55} {user.email:<40} {user.perimetre_libelle}")
        self.stdout.write(f"  (toutes les adresses sont en @{DOMAINE})")
