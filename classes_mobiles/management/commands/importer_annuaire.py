import argparse
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from classes_mobiles.annuaire import AnnuaireInvalide, importer_annuaire


def _entier_positif(valeur):
    try:
        nombre = int(valeur)
    except ValueError:
        nombre = 0
    if nombre < 1:
        raise argparse.ArgumentTypeError(f"« {valeur} » n'est pas un nombre entier positif")
    return nombre


class Command(BaseCommand):
    help = (
        "Importe les écoles publiques ouvertes du département depuis l'export CSV de l'annuaire de l'éducation "
        "(data.education.gouv.fr, jeu fr-en-annuaire-education, séparateur « ; »)."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path, help="fichier CSV de l'annuaire de l'éducation")
        parser.add_argument(
            "--departement",
            default=settings.DEPARTEMENT_CODE,
            help=f"code du département à importer (par défaut {settings.DEPARTEMENT_CODE})",
        )
        parser.add_argument("--dry-run", action="store_true", help="simule l'import sans rien enregistrer")
        parser.add_argument("--limit", type=_entier_positif, default=None, help="ne lit que les N premières lignes")

    def handle(self, *args, fichier, departement, dry_run, limit, **options):
        try:
            rapport = importer_annuaire(fichier, departement=departement, dry_run=dry_run, limite=limit)
        except AnnuaireInvalide as exc:
            raise CommandError(f"Import annulé, rien n'a été enregistré. {exc}") from exc
        for ligne in rapport.lignes():
            self.stdout.write(ligne)
        if rapport.rejetees:
            self.stdout.write(
                self.style.WARNING(f"{len(rapport.rejetees)} lignes rejetées : voir les motifs ci-dessus.")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Import terminé."))
