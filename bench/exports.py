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
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

BASE_TEMPORAIRE = None
if not os.environ.get("DATABASE_URL"):
    BASE_TEMPORAIRE = Path(tempfile.gettempdir()) / f"classes-mobiles-bench-exports-{os.getpid()}.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{BASE_TEMPORAIRE}"
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("ALLOW_HTTP", "1")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DJANGO_SETTINGS_MODULE"] = "classes_mobiles.settings"

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from candidatures.models import Candidature  # noqa: E402
from candidatures.tests.masse import creer_candidatures  # noqa: E402
from candidatures.views import CHAMPS_EXPORT  # noqa: E402
from classes_mobiles.demo import DOMAINE  # noqa: E402
from classes_mobiles.models import Campagne, Ecole, Periode, Utilisateur  # noqa: E402

NB_CANDIDATURES = 2500
MESURES = {"csv": 15, "xlsx": 5, "ods": 3}
CIBLE = 1.5


def preparer():
    call_command("migrate", verbosity=0, interactive=False)
    call_command("demo_data", stdout=io.StringIO())
    campagne = Campagne.objects.courante()
    periodes = list(Periode.objects.filter(campagne=campagne)) or [None]
    manque = NB_CANDIDATURES - Candidature.objects.count()
    if manque > 0:
        ecoles = list(Ecole.objects.order_by("uai"))
        creer_candidatures(campagne, ecoles, [p for p in periodes if p] or [], manque, debut=10_000)
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


def notre_export(client, format_export):
    reponse = client.get(reverse("candidatures:liste"), {"export": format_export})
    assert reponse.status_code == 200, reponse.status_code
    contenu = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    return len(contenu)


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
        client.force_login(Utilisateur.objects.get(email=f"commission@{DOMAINE}"))
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
