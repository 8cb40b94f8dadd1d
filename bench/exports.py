"""Benchmark of the candidature exports (issue 11, point 13): 2,500 candidatures, CSV / XLSX / ODS.

Run standalone: `.venv/bin/python bench/exports.py` (a throwaway SQLite database under /tmp, or DATABASE_URL).

For each format, two timings in the same run (the machine is shared and noisy, so the target is a ratio):
- "notre export": the export view through django.test.Client, as the commission (scoping, filters, the
  eligibility flags, formula neutralisation, the whole response read, the CSV stream included);
- "plancher": one query fetching the same columns of the same rows (values_list), then the format's library
  alone writing them (csv.writer, tablib's XLSX, tablib's ODS — the libraries our helper uses).
Timed in turns, median of a few runs each; prints both, their ratio and the target (≤ 1.5). Exits non-zero when one format
misses it.
"""

import csv
import io
import statistics
import sys
import time
from pathlib import Path

from banc.environnement import preparer  # noqa: E402 (bench/ is the script's folder)

BASE_TEMPORAIRE = preparer("bench-exports")

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from candidatures.enums import Etat  # noqa: E402
from candidatures.models import Candidature  # noqa: E402
from candidatures.tests.factories import SessionCommissionFactory  # noqa: E402
from candidatures.tests.masse import creer_candidatures  # noqa: E402
from candidatures.views import CHAMPS_EXPORT  # noqa: E402
from classes_mobiles.enums import Role  # noqa: E402
from classes_mobiles.models import Utilisateur  # noqa: E402
from classes_mobiles.tests.factories import (  # noqa: E402
    CampagneFactory,
    CirconscriptionFactory,
    CommuneFactory,
    EcoleFactory,
    PeriodeFactory,
    UtilisateurFactory,
)

NB_CANDIDATURES = 2500
NB_ECOLES, NB_CIRCONSCRIPTIONS = 400, 30
COMPTE = "commission-bench@exemple.fr"
MESURES = {"csv": 15, "xlsx": 5, "ods": 3}
CIBLE = 1.5


def preparer():
    """A department in a few seconds (factories, then bulk_create), independent of the demo data."""
    call_command("migrate", verbosity=0, interactive=False)
    if Candidature.objects.count() < NB_CANDIDATURES:
        campagne = CampagneFactory()
        periodes = [PeriodeFactory(campagne=campagne, numero=n, libelle=f"Période {n}") for n in range(1, 6)]
        circonscriptions = [CirconscriptionFactory() for _ in range(NB_CIRCONSCRIPTIONS)]
        ecoles = [
            EcoleFactory(circonscription=circonscriptions[i % NB_CIRCONSCRIPTIONS], commune=CommuneFactory())
            for i in range(NB_ECOLES)
        ]
        # Earlier accepted candidatures, so that the eligibility flags have something to find.
        for annee in ("2022-2023", "2023-2024"):
            ancienne = CampagneFactory(annee_scolaire=annee, active=False)
            creer_candidatures(
                ancienne,
                ecoles[::5],
                [PeriodeFactory(campagne=ancienne)],
                NB_ECOLES // 5,
                etats=[Etat.ACCEPTEE],
                session=SessionCommissionFactory(campagne=ancienne),
            )
        creer_candidatures(
            campagne, ecoles, periodes, NB_CANDIDATURES, session=SessionCommissionFactory(campagne=campagne)
        )
        UtilisateurFactory(email=COMPTE, role=Role.COMMISSION)
    return Candidature.objects.count()


def plancher(format_export):
    """One query for the same rows, then the library alone."""
    # The exported columns as stored (codes, not labels; first name and name apart; no flags): what the export
    # shows, without the work that makes it readable.
    lignes = list(
        Candidature.objects.order_by("ecole__circonscription__nom", "ecole__nom", "pk").values_list(*CHAMPS_EXPORT[:16])
    )
    if format_export == "csv":
        tampon = io.StringIO()
        ecrivain = csv.writer(tampon, delimiter=";")
        ecrivain.writerow(CHAMPS_EXPORT[:16])
        ecrivain.writerows(lignes)
        return len(tampon.getvalue())
    return len(tablib.Dataset(*lignes, headers=CHAMPS_EXPORT[:16]).export(format_export))


def notre_export(client, format_export, lignes=False):
    reponse = client.get(reverse("candidatures:liste"), {"export": format_export})
    assert reponse.status_code == 200, reponse.status_code
    contenu = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    return len(contenu.splitlines()) if lignes else len(contenu)


def mesurer(client, format_export, fois):
    """Medians (ms) of our export and of its floor, timed in turns so that the machine's load weighs on both."""
    notre_export(client, format_export)  # warm-up
    plancher(format_export)
    notre, base = [], []
    for _ in range(fois):
        for fonction, args, durees in (
            (notre_export, (client, format_export), notre),
            (plancher, (format_export,), base),
        ):
            debut = time.perf_counter()
            fonction(*args)
            durees.append((time.perf_counter() - debut) * 1000)
    return statistics.median(notre), statistics.median(base)


def main():
    try:
        nombre = preparer()
        client = Client()
        client.force_login(Utilisateur.objects.get(email=COMPTE))
        lignes_csv = notre_export(client, "csv", lignes=True)
        assert lignes_csv == nombre + 1, (lignes_csv, nombre)  # both sides export the same rows
        print(f"Exports de {nombre} candidatures (médiane en ms ; cible : notre export ≤ {CIBLE} × le plancher).")
        print(f"{'Format':<7} {'notre export':>13} {'plancher':>10} {'ratio':>7} {'cible':>7}  résultat")
        echecs = 0
        for format_export, fois in MESURES.items():
            notre, base = mesurer(client, format_export, fois)
            ratio = notre / base
            ok = ratio <= CIBLE
            echecs += not ok
            print(
                f"{format_export.upper():<7} {notre:>13.1f} {base:>10.1f} {ratio:>7.2f} {CIBLE:>7.2f}  "
                f"{'OK' if ok else 'ÉCHEC'}"
            )
        return 1 if echecs else 0
    finally:
        if BASE_TEMPORAIRE is not None:
            connection.close()
            for suffixe in ("", "-wal", "-shm"):
                Path(f"{BASE_TEMPORAIRE}{suffixe}").unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
