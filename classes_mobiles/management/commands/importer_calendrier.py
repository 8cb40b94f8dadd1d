from django.core.management.base import BaseCommand, CommandError

from classes_mobiles.calendrier import ErreurCalendrier, charger_depuis_paquet, importer_calendrier


class Command(BaseCommand):
    help = (
        "Importe le calendrier scolaire officiel (jeu « fr-en-calendrier-scolaire », export CSV ou JSON) "
        "ou, avec --depuis-paquet, les vacances connues du paquet vacances-scolaires-france."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", nargs="?", help="export CSV (séparateur « ; ») ou JSON du jeu de données")
        parser.add_argument("--annee", help="n'importer que cette année scolaire, par exemple 2025-2026")
        parser.add_argument(
            "--depuis-paquet", metavar="ANNEE", help="charger l'année (zones A, B, C) depuis vacances-scolaires-france"
        )
        parser.add_argument("--dry-run", action="store_true", help="afficher le rapport sans rien enregistrer")

    def handle(self, *args, fichier, annee, depuis_paquet, dry_run, **options):
        if bool(fichier) == bool(depuis_paquet):
            raise CommandError("Indiquez soit un fichier, soit --depuis-paquet ANNEE.")
        try:
            if depuis_paquet:
                rapport = charger_depuis_paquet(depuis_paquet, simulation=dry_run)
            else:
                rapport = importer_calendrier(fichier, annee, simulation=dry_run)
        except FileNotFoundError as erreur:
            raise CommandError(f"Fichier introuvable : {fichier}") from erreur
        except ErreurCalendrier as erreur:
            raise CommandError(f"Rien n'a été importé. {erreur}") from erreur
        for ligne in rapport.lignes_rapport():
            self.stdout.write(ligne)
