"""With the broker down an action succeeds at once and its e-mail waits in the outbox; it leaves once the
broker is back. The broker is a private redis-server on 127.0.0.1:6391 that this test starts and stops."""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core import mail
from django.urls import reverse
from kombu import pools
from post_office.models import STATUS, Email

from candidatures.enums import Etat
from candidatures.tests.factories import CandidatureFactory
from classes_mobiles import celery_app, tasks
from classes_mobiles.tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db
PORT = 6391
URL = f"redis://127.0.0.1:{PORT}/13"


def port_ouvert():
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", PORT)) == 0


@pytest.fixture
def courtier_prive(monkeypatch):
    """Celery, not eager, pointed at the private port; the test starts redis-server there when it wants."""
    if port_ouvert():
        pytest.skip(f"Le port {PORT} est déjà occupé.")
    for cle, valeur in {"broker_url": URL, "result_backend": URL, "task_always_eager": False}.items():
        monkeypatch.setitem(celery_app.conf, cle, valeur)

    def oublier_connexions():
        # Celery keeps a connection pool per app and kombu one per URL: drop them so that the URL in force is used.
        pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    oublier_connexions()
    serveurs = []

    def demarrer():
        if not shutil.which("redis-server"):
            pytest.skip("redis-server absent")
        serveurs.append(
            subprocess.Popen(
                ["redis-server", "--bind", "127.0.0.1", "--port", str(PORT), "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
            )
        )
        for _ in range(100):
            if port_ouvert():
                return redis.Redis.from_url(URL)
            time.sleep(0.05)
        pytest.fail("redis-server n'a pas démarré")

    yield demarrer
    oublier_connexions()
    for serveur in serveurs:
        serveur.terminate()
        serveur.wait(10)


def test_les_delais_du_courtier_et_du_backend_sont_d_environ_une_seconde():
    conf = celery_app.conf
    assert conf.broker_connection_timeout <= 1
    assert conf.broker_transport_options["socket_connect_timeout"] <= 1
    assert conf.broker_transport_options["max_retries"] <= 1
    assert conf.task_publish_retry_policy["max_retries"] <= 1
    assert conf.task_publish_retry_policy["interval_max"] <= 0.5
    assert conf.redis_socket_connect_timeout <= 1
    assert conf.result_backend_transport_options["retry_policy"]["max_retries"] <= 1
    assert tasks.envoyer_courriels.ignore_result  # publishing it never touches the result backend


def test_autoriser_sans_courtier_reussit_et_le_courriel_part_au_retour(
    client, courtier_prive, django_capture_on_commit_callbacks
):
    candidature = CandidatureFactory(soumise=True)
    directeur = UtilisateurFactory(directeur=True, ecole=candidature.ecole)
    ien = UtilisateurFactory(ien=True, circonscription=candidature.ecole.circonscription)
    client.force_login(directeur)

    # Broker down: the action succeeds, its e-mail waits in the outbox.
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("candidatures:transition", args=[candidature.uuid, "autoriser"]))
    assert reponse.status_code == 302
    candidature.refresh_from_db()
    assert candidature.etat == Etat.AUTORISEE
    courriel = Email.objects.get()
    assert courriel.status == STATUS.queued and sorted(courriel.to) == sorted([candidature.enseignant.email, ien.email])
    assert mail.outbox == []

    # Broker back: asking for the sending reaches it (the on-commit hook and the beat job both do this)…
    client_redis = courtier_prive()
    tasks.envoyer_courriels.delay()
    assert client_redis.llen("celery") == 1
    # …and the worker that takes the message sends the outbox.
    tasks.envoyer_courriels.apply()
    courriel.refresh_from_db()
    assert courriel.status == STATUS.sent
    assert len(mail.outbox) == 1 and "autorisée" in mail.outbox[0].subject
