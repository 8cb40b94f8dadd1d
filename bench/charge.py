"""Load test (`make bench`, issue 10 point 12 and issue 11 points 11–12): gunicorn with 2 workers on 127.0.0.1,
PostgreSQL with the department-scale data (≈1,400 schools, a commission session of 150 candidatures).

Pages: the IEN's candidature list (« À examiner »), the commission session, the repérage (as the CPD: the whole
department). Each is timed alone (one client, sequential requests: median) next to its floor view (bench/banc/urls.py:
one query for the same rows, a trivial template) through the same server; then 20 clients load the three pages in
turn for 20 s (throughput, p50, p95 per page). Targets, as ratios of this run (the machine is shared and noisy):
- throughput ≥ 0.9 × the CPU limit (cores ÷ one request's mean time, alone, through the same server);
- a page's median alone ≤ 1.5 × its floor's (list, repérage), ≤ 3 × (commission session).

DATABASE_URL: PostgreSQL (default postgres://postgres@127.0.0.1:5432/classes_mobiles_bench, created when missing;
its data is kept between runs). BENCH_PORT: the server's port (default 8077). Exits non-zero when a target is missed.
"""

import http.client
import io
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/classes_mobiles_bench")
if not os.environ["DATABASE_URL"].startswith("postgres"):
    sys.exit("bench/charge.py mesure PostgreSQL : DATABASE_URL doit être une URL postgres://")
STATIQUES = tempfile.mkdtemp(prefix="classes-mobiles-bench-static-")
ENV_SERVEUR = {
    "DEBUG": "0",
    "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40),
    "ALLOW_HTTP": "1",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SITE_URL": f"http://127.0.0.1:{os.environ.get('BENCH_PORT', '8077')}",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "LOG_LEVEL": "WARNING",
    "STATIC_ROOT": STATIQUES,
    "DJANGO_SETTINGS_MODULE": "classes_mobiles.settings",
}
os.environ.update(ENV_SERVEUR)
PORT = int(os.environ.get("BENCH_PORT", "8077"))
CLIENTS, DUREE_S, TRAVAILLEURS = 20, 20, 2
ECHAUFFEMENT, MESURES = 5, 25
CIBLE_DEBIT = 0.9


def creer_base():
    import psycopg2
    from dj_database_url import parse

    conf = parse(os.environ["DATABASE_URL"])
    liaison = psycopg2.connect(
        dbname="postgres", user=conf["USER"], host=conf["HOST"], port=conf["PORT"], password=conf["PASSWORD"]
    )
    liaison.autocommit = True
    with liaison.cursor() as curseur:
        curseur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [conf["NAME"]])
        if not curseur.fetchone():
            curseur.execute(f'CREATE DATABASE "{conf["NAME"]}"')
    liaison.close()


creer_base()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from candidatures.models import Candidature, SessionCommission  # noqa: E402
from classes_mobiles.demo import DOMAINE  # noqa: E402
from classes_mobiles.models import Campagne, Ecole, Utilisateur  # noqa: E402

NB_SESSION = 150


def preparer():
    """The department-scale data once (kept in the database between runs), and a session of 150 candidatures."""
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    if Ecole.objects.count() < 1000:
        # The territory, campaigns and accounts of the demo; the bench makes its own candidatures (the demo's walk
        # the workflow at today's date, which the bench does not need).
        with mock.patch("candidatures.demo.creer_candidatures_demo"):
            call_command("demo_data", echelle="departement", stdout=io.StringIO())
    campagne = Campagne.objects.courante()
    session = (
        SessionCommission.objects.filter(campagne=campagne)
        .annotate(n=Count("candidatures"))
        .filter(n__gte=NB_SESSION)
        .order_by("-n")
        .first()
    )
    if session is None:
        sys.path.insert(0, str(RACINE / "bench"))
        from pages import preparer as preparer_pages  # the same data as bench/pages.py

        _, session = preparer_pages()
    return session


def cookie_de_session(email):
    """A signed-in session as a login would leave it (no login signal: nothing to throttle here)."""
    utilisateur = Utilisateur.objects.get(email=email)
    session = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    session[SESSION_KEY] = str(utilisateur.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = utilisateur.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def requete(liaison, adresse, cookie):
    debut = time.perf_counter()
    liaison.request("GET", adresse, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    reponse = liaison.getresponse()
    corps = reponse.read()
    duree = time.perf_counter() - debut
    if reponse.status != 200:
        raise RuntimeError(f"{adresse} : HTTP {reponse.status} {corps[:200]!r}")
    return duree


def seul(adresse, cookie):
    """Median time (s) of one request at a time, on a kept-alive connection."""
    liaison = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    for _ in range(ECHAUFFEMENT):
        requete(liaison, adresse, cookie)
    durees = [requete(liaison, adresse, cookie) for _ in range(MESURES)]
    liaison.close()
    return statistics.median(durees)


def charge(pages):
    """CLIENTS threads request the pages in turn for DUREE_S seconds; returns the durations per page."""
    durees = {libelle: [] for libelle, _, _ in pages}
    erreurs = []
    fin = time.perf_counter() + DUREE_S

    def client(numero):
        liaison = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        i = numero
        while time.perf_counter() < fin:
            libelle, adresse, cookie = pages[i % len(pages)]
            try:
                durees[libelle].append(requete(liaison, adresse, cookie))
            except Exception as erreur:  # reported below; the run goes on
                erreurs.append(str(erreur))
                liaison.close()
                liaison = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            i += 1
        liaison.close()

    fils = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    debut = time.perf_counter()
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    return durees, time.perf_counter() - debut, erreurs


def centile(valeurs, p):
    valeurs = sorted(valeurs)
    return valeurs[max(0, math.ceil(p * len(valeurs)) - 1)]


def demarrer_serveur():
    journal = open(Path(STATIQUES) / "gunicorn.log", "w")  # noqa: SIM115 (closed with the server)
    processus = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "bench.banc.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(TRAVAILLEURS),
            "--log-level",
            "warning",
        ],
        cwd=RACINE,
        env={**os.environ, **ENV_SERVEUR},
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    for _ in range(200):
        try:
            liaison = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            liaison.request("GET", "/sante/", headers={"Host": "127.0.0.1"})
            if liaison.getresponse().status in (200, 503):
                return processus, journal
        except OSError:
            time.sleep(0.1)
        if processus.poll() is not None:
            break
    processus.kill()
    journal.close()
    sys.exit("gunicorn n'a pas démarré : " + (Path(STATIQUES) / "gunicorn.log").read_text())


def main():
    session = preparer()
    nb_session = session.candidatures.count()
    cookies = {compte: cookie_de_session(f"{compte}@{DOMAINE}") for compte in ("ien", "commission", "cpd")}
    print(
        f"Données (PostgreSQL) : {Ecole.objects.count()} écoles, {Candidature.objects.count()} candidatures, "
        f"{nb_session} dans la session de commission."
    )
    connection.close()
    pages = [
        (
            "Liste « À examiner » (IEN)",
            reverse("candidatures:a_examiner"),
            cookies["ien"],
            "/banc/plancher/liste/",
            1.5,
        ),
        (
            "Session de commission",
            reverse("candidatures:session_detail", args=[session.uuid]),
            cookies["commission"],
            f"/banc/plancher/session/{session.uuid}/",
            3.0,
        ),
        ("Repérage (CPD)", reverse("candidatures:reperage"), cookies["cpd"], "/banc/plancher/reperage/", 1.5),
    ]
    processus, journal = demarrer_serveur()
    echecs = []
    try:
        print(f"\ngunicorn, {TRAVAILLEURS} workers, 127.0.0.1:{PORT} ; une requête à la fois (médiane de {MESURES}) :")
        print(f"{'Page':<30} {'page (ms)':>10} {'plancher (ms)':>14} {'ratio':>7} {'cible':>7}")
        seuls = []
        for libelle, adresse, cookie, plancher, cible in pages:
            t_page, t_plancher = seul(adresse, cookie), seul(plancher, cookie)
            seuls.append(t_page)
            ratio = t_page / t_plancher
            ok = ratio <= cible
            if not ok:
                echecs.append(f"{libelle} : {ratio:.2f} × le plancher (cible ≤ {cible})")
            print(
                f"{libelle:<30} {1000 * t_page:>10.1f} {1000 * t_plancher:>14.1f} {ratio:>6.2f}× "
                f"{'≤ ' + str(cible) + '×':>7} {'OK' if ok else 'ÉCHEC'}"
            )
        coeurs = min(os.cpu_count() or 1, TRAVAILLEURS)
        limite = coeurs / statistics.mean(seuls)
        durees, ecoule, erreurs = charge([(libelle, adresse, cookie) for libelle, adresse, cookie, _, _ in pages])
        total = sum(len(d) for d in durees.values())
        debit = total / ecoule
        print(f"\nCharge : {CLIENTS} clients pendant {DUREE_S} s, les trois pages tour à tour :")
        print(f"{'Page':<30} {'requêtes':>9} {'p50 (ms)':>9} {'p95 (ms)':>9}")
        for libelle, valeurs in durees.items():
            if valeurs:
                print(
                    f"{libelle:<30} {len(valeurs):>9} {1000 * centile(valeurs, 0.5):>9.1f} "
                    f"{1000 * centile(valeurs, 0.95):>9.1f}"
                )
        ok = debit >= CIBLE_DEBIT * limite and not erreurs
        print(
            f"Débit : {debit:.1f} requêtes/s ; limite CPU {coeurs} cœurs ÷ {1000 * statistics.mean(seuls):.1f} ms = "
            f"{limite:.1f} requêtes/s ; ratio {debit / limite:.2f} (cible ≥ {CIBLE_DEBIT}) {'OK' if ok else 'ÉCHEC'}"
        )
        if erreurs:
            print(f"{len(erreurs)} erreur(s), dont : {erreurs[0]}")
            echecs.append(f"{len(erreurs)} requête(s) en erreur")
        if debit < CIBLE_DEBIT * limite:
            echecs.append(f"débit {debit / limite:.2f} × la limite CPU (cible ≥ {CIBLE_DEBIT})")
    finally:
        processus.terminate()
        processus.wait(30)
        journal.close()
    if echecs:
        print("\nÉCHEC : " + " ; ".join(echecs))
        return 1
    print("\nOK : toutes les cibles de charge sont atteintes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
