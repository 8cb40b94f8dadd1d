"""Server-time benchmark of the key instruction pages at department scale (`make bench`).

A throwaway SQLite database under /tmp (or DATABASE_URL when set) gets the department-scale demo data plus
300 candidatures of the current campaign in various states, ~150 of them in one commission session. Each page
is requested 3 times to warm up, then 30 times with django.test.Client; the median and p95 server time (ms)
and the SQL query count are printed, next to the floor view's median (bench/banc/urls.py: one query for the same
rows, a trivial template) and their ratio: targets ≤ 1.5× for the list and the repérage (≈1,400 schools, issue 11
point 11), ≤ 3× for the commission session (150 candidatures, point 12). Exits non-zero when one is missed.
"""

import datetime
import io
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from banc.environnement import preparer  # noqa: E402 (bench/ is the script's folder)

BASE_TEMPORAIRE = preparer("bench")
# DEBUG off: the hashed static files of production, collected into a throwaway folder.
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="classes-mobiles-bench-static-"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# The app's URLs plus the floor views (one query for the same rows, a trivial template): bench/banc/urls.py.
settings.ROOT_URLCONF = "bench.banc.urls"

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from candidatures.enums import Etat  # noqa: E402
from candidatures.models import Candidature, SessionCommission  # noqa: E402
from candidatures.tests.masse import creer_candidatures  # noqa: E402
from classes_mobiles.demo import DOMAINE  # noqa: E402
from classes_mobiles.models import Campagne, Ecole, Periode, Utilisateur  # noqa: E402

NB_CANDIDATURES = 300
ECHAUFFEMENT, MESURES = 3, 30


def preparer():
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    # The territory, campaigns and accounts of the demo; the bench makes its own candidatures (the demo's walk
    # the workflow at today's date, which the bench does not need).
    with mock.patch("candidatures.demo.creer_candidatures_demo"):
        call_command("demo_data", echelle="departement", stdout=io.StringIO())
    campagne = Campagne.objects.courante()
    periodes = list(Periode.objects.filter(campagne=campagne))
    if not periodes:
        # No school calendar loaded (calendar module or its data unavailable): five plain periods.
        debut = int(campagne.annee_scolaire[:4])
        for n, (mois_debut, mois_fin) in enumerate([(9, 10), (11, 12), (1, 2), (3, 4), (5, 6)], start=1):
            annee = debut if mois_debut >= 9 else debut + 1
            Periode.objects.create(
                campagne=campagne,
                numero=n,
                libelle=f"Période {n}",
                date_debut=datetime.date(annee, mois_debut, 1),
                date_fin=datetime.date(annee, mois_fin, 28),
            )
        periodes = list(Periode.objects.filter(campagne=campagne))
    ien = Utilisateur.objects.get(email=f"ien@{DOMAINE}")
    session = SessionCommission.objects.create(
        campagne=campagne, date=datetime.date.today() + datetime.timedelta(days=21), lieu="DSDEN"
    )
    session.membres.set(Utilisateur.objects.filter(email__in=[f"commission@{DOMAINE}", f"cpd@{DOMAINE}"]))
    # The IEN's schools weigh three times (so that his "À examiner" list is well filled), then one school in ten
    # of the rest of the department.
    siennes = list(Ecole.objects.filter(circonscription=ien.circonscription).order_by("uai"))
    ecoles = siennes * 3 + [e for e in Ecole.objects.order_by("uai")[::10] if e not in siennes]
    if Candidature.objects.filter(campagne=campagne).count() < NB_CANDIDATURES:
        creer_candidatures(campagne, ecoles, periodes, NB_CANDIDATURES, session=session)
    return campagne, session


def mesurer(client, adresse):
    for _ in range(ECHAUFFEMENT):
        assert client.get(adresse).status_code == 200, adresse
    durees = []
    for _ in range(MESURES):
        debut = time.perf_counter()
        reponse = client.get(adresse)
        durees.append((time.perf_counter() - debut) * 1000)
        assert reponse.status_code == 200, adresse
    with CaptureQueriesContext(connection) as requetes:
        client.get(adresse)
    durees.sort()
    p95 = durees[math.ceil(0.95 * len(durees)) - 1]
    return statistics.median(durees), p95, len(requetes)


def main():
    try:
        campagne, session = preparer()
        ien = Utilisateur.objects.get(email=f"ien@{DOMAINE}")
        nb_session = session.candidatures.count()
        print(
            f"Données : {Ecole.objects.count()} écoles, {Candidature.objects.count()} candidatures "
            f"({Candidature.objects.filter(campagne=campagne).count()} dans la campagne courante, "
            f"{nb_session} dans la session de commission, "
            f"{Candidature.objects.visibles_par(ien).filter(etat=Etat.AUTORISEE).count()} à examiner par l'IEN)."
        )
        # (label, account, page, its floor, target ratio page ÷ floor or None)
        pages = [
            ("IEN « À examiner »", "ien", reverse("candidatures:a_examiner"), "/banc/plancher/liste/", 1.5),
            (
                "Session de commission",
                "commission",
                reverse("candidatures:session_detail", args=[session.uuid]),
                f"/banc/plancher/session/{session.uuid}/",
                3.0,
            ),
            ("Décisions du DASEN", "dasen", reverse("candidatures:decisions", args=[session.uuid]), None, None),
            ("Repérage (CPD)", "cpd", reverse("candidatures:reperage"), "/banc/plancher/reperage/", 1.5),
        ]
        echecs = []
        print(
            f"\n{'Page':<24} {'médiane (ms)':>13} {'p95 (ms)':>9} {'SQL':>4} {'plancher (ms)':>14} {'ratio':>7} {'cible':>6}"
        )
        for libelle, compte, adresse, plancher, cible in pages:
            client = Client()
            client.force_login(Utilisateur.objects.get(email=f"{compte}@{DOMAINE}"))
            mediane, p95, nb_requetes = mesurer(client, adresse)
            ligne = f"{libelle:<24} {mediane:>13.1f} {p95:>9.1f} {nb_requetes:>4}"
            if plancher:
                mediane_plancher = mesurer(client, plancher)[0]
                ratio = mediane / mediane_plancher
                ok = ratio <= cible
                ligne += f" {mediane_plancher:>14.1f} {ratio:>6.2f}× {'≤ ' + str(cible):>6} {'OK' if ok else 'ÉCHEC'}"
                if not ok:
                    echecs.append(f"{libelle} : {ratio:.2f} × son plancher (cible ≤ {cible})")
            print(ligne)
        if echecs:
            print("\nÉCHEC : " + " ; ".join(echecs))
            return 1
        print("\nOK : chaque page dans sa cible par rapport à son plancher.")
        return 0
    finally:
        if BASE_TEMPORAIRE is not None:
            connection.close()
            for suffixe in ("", "-wal", "-shm"):
                Path(f"{BASE_TEMPORAIRE}{suffixe}").unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
