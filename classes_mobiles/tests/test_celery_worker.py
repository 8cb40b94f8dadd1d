"""The e-mail task: queued on commit only, and carried by a real broker to a real worker in CI."""

import contextlib
import os

import pytest
from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.core import mail
from django.db import transaction

from classes_mobiles import celery_app
from classes_mobiles.tasks import envoyer_email, programmer_email


@pytest.fixture
def taches_immediates(monkeypatch):
    # Eager whatever the environment: these tests read mail.outbox in this process.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.mark.django_db
def test_programmer_email_envoie_seulement_apres_commit(taches_immediates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        programmer_email("Candidature transmise", "Votre candidature a été transmise.", ["lea@ac-exemple.fr", ""])
        assert mail.outbox == []
    assert len(rappels) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Candidature transmise"
    assert mail.outbox[0].to == ["lea@ac-exemple.fr"]


@pytest.mark.django_db
def test_programmer_email_rien_si_la_transaction_est_annulee(taches_immediates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        with contextlib.suppress(RuntimeError), transaction.atomic():
            programmer_email("Sujet", "Corps", ["lea@ac-exemple.fr"])
            raise RuntimeError("annulation")
    assert rappels == []
    assert mail.outbox == []


@pytest.mark.worker
@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="CELERY_BROKER_URL non défini : pas de worker")
def test_envoyer_email_par_un_vrai_worker(monkeypatch):
    """The task goes through the broker and a separate worker process sends the mail (see .ci/run)."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    resultat = envoyer_email.delay("Test du worker", "Corps du message.", ["dsi@ac-exemple.fr"])
    try:
        assert resultat.get(timeout=30) == 1
    except CeleryTimeoutError:
        pytest.fail("Aucun worker Celery n'a traité la tâche en 30 s (lancer `make worker`).")
    assert resultat.successful()
    assert mail.outbox == []  # sent by the worker's own process, not this one
