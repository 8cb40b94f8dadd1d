"""A production server (issue 10, point 12): documented variables, check --deploy, health URL, logs printed once."""

import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

from classes_mobiles.enums import Role
from classes_mobiles.tests.factories import UtilisateurFactory

RACINE = Path(__file__).resolve().parents[2]
URL_SANTE = "/sante/"


def _section_production():
    readme = (RACINE / "README.md").read_text()
    debut = readme.index("\n## Production")
    fin = readme.find("\n## ", debut + 1)
    return readme[debut : fin if fin != -1 else None]


def variables_de_production():
    """The example block of the README's "Production" section (lines VAR=value)."""
    for bloc in re.findall(r"```sh\n(.*?)```", _section_production(), re.S):
        lignes = [ligne for ligne in bloc.splitlines() if ligne and not ligne.startswith("#")]
        if lignes and all(re.fullmatch(r"[A-Z_]+=\S*", ligne) for ligne in lignes):
            return dict(ligne.split("=", 1) for ligne in lignes)
    raise AssertionError("Le README n'a pas de bloc d'exemple VARIABLE=valeur dans sa section « Production ».")


def test_le_readme_documente_chaque_variable_lue_par_les_reglages():
    reglages = (RACINE / "classes_mobiles" / "settings.py").read_text()
    lues = set(
        re.findall(r"""(?:env_\w+|os\.environ\.get|os\.environ\[|getenv)\(?\s*["']([A-Z][A-Z0-9_]+)["']""", reglages)
    )
    assert {"SECRET_KEY", "MEDIA_ROOT", "LOG_LEVEL", "SECURE_SSL_REDIRECT"} <= lues  # the pattern finds them
    section = _section_production()
    oubliees = sorted(v for v in lues if f"`{v}`" not in section)
    assert not oubliees, f"Variables lues par settings.py absentes de la section « Production » du README : {oubliees}"


def test_check_deploy_ne_signale_rien_avec_les_variables_documentees(tmp_path):
    # Only the documented variables: nothing from the test process (DEBUG, DJANGO_ALLOW_ASYNC_UNSAFE…).
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(variables_de_production())
    # The documented values, on this machine's services: a database that exists here, a throwaway media folder.
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        SECRET_KEY="".join(chr(0x41 + (i * 7) % 26) + str(i % 10) for i in range(40)),
    )
    sortie = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert sortie.returncode == 0, sortie.stdout + sortie.stderr
    assert "System check identified no issues" in sortie.stdout, sortie.stdout + sortie.stderr


# --- Logs: each line once ----------------------------------------------------------------------------------------


def _gestionnaires(nom):
    """Handlers that write a record of logger `nom` (walking up while propagate is set); pytest's own aside."""
    journal, trouves = logging.getLogger(nom), []
    while journal:
        trouves += [
            h
            for h in journal.handlers
            if not type(h).__module__.startswith("_pytest") and not isinstance(h, logging.NullHandler)
        ]
        if not journal.propagate:
            break
        journal = journal.parent
    return trouves


@pytest.mark.parametrize("nom", ["django.request", "django.security.csrf", "celery.app.trace", "classes_mobiles"])
def test_chaque_journal_passe_par_un_seul_gestionnaire(nom):
    assert len(_gestionnaires(nom)) == 1


def test_une_ligne_de_journal_n_est_ecrite_qu_une_fois_en_developpement_comme_en_production(tmp_path):
    """Django's default config adds a console handler on "django" in DEBUG, on top of the root one."""
    for debug in ("1", "0"):
        env = {**os.environ, "DEBUG": debug, "SECRET_KEY": "s" * 60, "DATABASE_URL": f"sqlite:///{tmp_path}/l.db"}
        code = "import logging; logging.getLogger('django.request').warning('ligne-unique-1234')"
        sortie = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code], cwd=RACINE, env=env, capture_output=True, text=True
        )
        assert (sortie.stdout + sortie.stderr).count("ligne-unique-1234") == 1, (debug, sortie.stderr)


def test_le_worker_garde_la_configuration_de_django():
    """Celery's setup_logging signal has a receiver: the worker keeps the one root handler of LOGGING."""
    from celery.signals import setup_logging

    from classes_mobiles.celery import app

    racine = logging.getLogger()
    avant = list(racine.handlers)
    try:
        app.log.setup_logging_subsystem(loglevel="INFO")
        assert setup_logging.receivers
        assert len(_gestionnaires("celery.app.trace")) == 1
        assert len(_gestionnaires("celery.task")) == 1
    finally:
        racine.handlers = avant


# --- Health URL ----------------------------------------------------------------------------------------------------


def test_l_url_de_sante_est_nommee():
    assert reverse("sante") == URL_SANTE


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, *Role])
def test_sante_sans_broker_configure_repond_200_a_tous(client, role):
    if role is not None:
        client.force_login(UtilisateurFactory(role=role))
    reponse = client.get(URL_SANTE)
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/json"
    donnees = reponse.json()
    assert donnees["statut"] == "ok"
    assert donnees["base_de_donnees"] == {"ok": True}
    assert donnees["broker"]["ok"] and donnees["workers"]["ok"]
    assert "no-cache" in reponse["Cache-Control"]


@pytest.mark.django_db
def test_sante_refuse_les_ecritures(client):
    assert client.post(URL_SANTE).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_sante_base_injoignable_503_sans_fuite(client, monkeypatch):
    from django.db import connection

    def panne(*args, **kwargs):
        raise OperationalError('could not connect to server: password "secret-base" host=10.0.0.9')

    monkeypatch.setattr(connection, "cursor", panne)
    reponse = client.get(URL_SANTE)
    assert reponse.status_code == 503
    donnees = reponse.json()
    assert donnees["statut"] == "erreur" and donnees["base_de_donnees"]["ok"] is False
    assert "secret-base" not in reponse.content.decode() and "10.0.0.9" not in reponse.content.decode()


def _port_libre():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker(tmp_path):
    """A private redis-server on a free loopback port, stopped at the end."""
    port = _port_libre()
    processus = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://:mot-de-passe-secret@127.0.0.1:{port}/0"
    processus.terminate()
    processus.wait(10)


def _avec_broker(settings, url):
    from classes_mobiles.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url
    settings.SANTE_DELAI = 0.5
    app.conf.broker_url = url


@pytest.fixture
def conf_celery():
    from classes_mobiles.celery import app

    avant = app.conf.broker_url
    yield
    app.conf.broker_url = avant


@pytest.mark.django_db
def test_sante_broker_injoignable_503_sans_fuite(client, settings, conf_celery):
    _avec_broker(settings, f"redis://:mot-de-passe-secret@127.0.0.1:{_port_libre()}/0")
    debut = time.monotonic()
    reponse = client.get(URL_SANTE)
    assert time.monotonic() - debut < 5
    assert reponse.status_code == 503
    donnees = reponse.json()
    assert donnees["base_de_donnees"]["ok"] and not donnees["broker"]["ok"] and not donnees["workers"]["ok"]
    assert "mot-de-passe-secret" not in reponse.content.decode()


@pytest.mark.django_db
def test_sante_broker_sans_worker_503(client, settings, conf_celery, broker):
    # redis-server without a password accepts any AUTH-less client; the URL's password is only there to check leaks.
    _avec_broker(settings, broker.replace(":mot-de-passe-secret@", ""))
    reponse = client.get(URL_SANTE)
    assert reponse.status_code == 503
    donnees = reponse.json()
    assert donnees["broker"] == {"ok": True}
    assert donnees["workers"]["ok"] is False and donnees["workers"]["nombre"] == 0


@pytest.mark.django_db
def test_sante_avec_un_vrai_worker_200(client, settings, conf_celery, broker, tmp_path):
    url = broker.replace(":mot-de-passe-secret@", "")
    env = {
        **os.environ,
        "CELERY_BROKER_URL": url,
        "CELERY_RESULT_BACKEND": url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "classes_mobiles", "worker", "--concurrency=1", "-n", "sante@%h"],
        cwd=RACINE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _avec_broker(settings, url)
        settings.SANTE_DELAI = 1
        for _ in range(60):
            reponse = client.get(URL_SANTE)
            if reponse.status_code == 200:
                break
            time.sleep(0.5)
        assert reponse.status_code == 200, json.dumps(reponse.json())
        assert reponse.json()["workers"] == {"ok": True, "nombre": 1}
    finally:
        worker.terminate()
        worker.wait(20)
