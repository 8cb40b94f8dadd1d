"""The outbox task carried by a real broker to a real worker in CI (see .ci/run)."""

import os
import time

import pytest
from django.core import mail
from django.db import transaction
from post_office.models import STATUS

from classes_mobiles import celery_app, courriels


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="CELERY_BROKER_URL non défini : pas de worker")
def test_la_boite_d_envoi_est_envoyee_par_un_vrai_worker(monkeypatch):
    """Committed outbox row → task through the broker → a separate worker process sends it."""
    from classes_mobiles.tests.factories import EcoleFactory, UtilisateurFactory

    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    contexte = {"ecole": EcoleFactory(), "campagne": None, "auteur": UtilisateurFactory(ien=True)}
    with transaction.atomic():
        courriel = courriels.envoyer(["dsi@ac-exemple.fr"], "candidatures/email/invitation", contexte)
    for _ in range(300):
        courriel.refresh_from_db()
        if courriel.status == STATUS.sent and courriel.logs.exists():  # status, then log line: wait for both
            break
        time.sleep(0.1)
    else:
        pytest.fail("Aucun worker Celery n'a envoyé la boîte d'envoi en 30 s (lancer `make worker`).")
    assert mail.outbox == []  # sent by the worker's own process, not this one
    assert courriel.logs.get().status == STATUS.sent
