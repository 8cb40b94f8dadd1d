"""The one e-mail API: outbox written in the transaction, sent once committed, retried, never escaped."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError
from post_office.models import STATUS, Email

from classes_mobiles import celery_app, courriels, tasks
from classes_mobiles.tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db
RACINE = Path(__file__).resolve().parents[2]
GABARIT = "candidatures/email/invitation"


class BackendEnPanne(BaseEmailBackend):
    """An SMTP server that hangs up: every sending fails."""

    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connexion fermée par le serveur")


@pytest.fixture
def taches_immediates(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def contexte_invitation(nom="École « Les Tilleuls »"):
    from classes_mobiles.tests.factories import EcoleFactory

    return {"ecole": EcoleFactory(nom=nom), "campagne": None, "auteur": UtilisateurFactory(ien=True)}


def test_ecrit_dans_la_boite_d_envoi_et_envoie_apres_commit(taches_immediates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        courriel = courriels.envoyer(["lea@ac-exemple.fr", "", "lea@ac-exemple.fr"], GABARIT, contexte_invitation())
        assert Email.objects.get().status == STATUS.queued  # in the outbox, in this transaction
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(rappels) == 1
    courriel.refresh_from_db()
    assert courriel.status == STATUS.sent
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lea@ac-exemple.fr"]


def test_rien_n_est_ecrit_ni_envoye_si_la_transaction_est_annulee(
    taches_immediates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            courriels.envoyer(["lea@ac-exemple.fr"], GABARIT, contexte_invitation())
            raise RuntimeError("la modification échoue")
    assert not Email.objects.exists()
    assert mail.outbox == []


def test_sans_destinataire_rien_n_est_ecrit():
    assert courriels.envoyer(["", None], GABARIT, {}) is None
    assert not Email.objects.exists()


def test_le_texte_n_est_pas_echappe_et_le_sujet_tient_sur_une_ligne():
    sujet, corps, html = courriels.rendre(GABARIT, contexte_invitation('L\'école <Jean> & "Cie"\r\nBcc: x@y.fr'))
    assert sujet == '[Classes mobiles] Invitation à présenter une candidature — L\'école <Jean> & "Cie" Bcc: x@y.fr'
    assert "\r" not in sujet and "\n" not in sujet
    assert 'L\'école <Jean> & "Cie"' in corps
    assert "&#x27;" not in corps and "&lt;" not in corps and "&amp;" not in corps
    assert html == ""  # this template has no HTML version


def test_sujet_tronque_et_sans_caractere_nul():
    assert courriels.une_ligne("a\x00b\t c\r\n" + "x" * 400) == ("ab c " + "x" * 400)[:249] + "…"


def test_un_echec_d_envoi_est_reessaye_puis_part(settings, taches_immediates, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = f"{__name__}.BackendEnPanne"
    with django_capture_on_commit_callbacks(execute=True):
        courriel = courriels.envoyer(["lea@ac-exemple.fr"], GABARIT, contexte_invitation())
    courriel.refresh_from_db()
    assert courriel.status == STATUS.requeued and courriel.number_of_retries == 1
    assert courriel.logs.get().exception_type == "SMTPServerDisconnected"  # visible in the admin
    assert tasks.envoyer_courriels() == 0  # not due yet: retried after RETRY_INTERVAL

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Email.objects.update(scheduled_time=timezone.now() - datetime.timedelta(seconds=1))
    assert tasks.envoyer_courriels() == 1  # the beat job's next run
    courriel.refresh_from_db()
    assert courriel.status == STATUS.sent and len(mail.outbox) == 1


def test_abandon_apres_le_nombre_maximal_d_essais(settings):
    settings.EMAIL_BACKEND = f"{__name__}.BackendEnPanne"
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 1}
    courriel = courriels.envoyer(["lea@ac-exemple.fr"], GABARIT, contexte_invitation())
    for _ in range(2):
        Email.objects.update(scheduled_time=None)
        tasks.envoyer_courriels()
    courriel.refresh_from_db()
    assert courriel.status == STATUS.failed and courriel.logs.count() == 2


def test_un_seul_envoi_a_la_fois():
    courriels.envoyer(["lea@ac-exemple.fr"], GABARIT, contexte_invitation())
    from django.core.cache import cache

    cache.add(tasks.VERROU_COURRIELS, True, 60)  # another worker is sending
    assert tasks.envoyer_courriels() == 0 and mail.outbox == []
    cache.delete(tasks.VERROU_COURRIELS)
    assert tasks.envoyer_courriels() == 1 and len(mail.outbox) == 1


def test_courtier_indisponible_la_demande_d_envoi_ne_leve_pas(monkeypatch, caplog):
    def courtier_en_panne():
        raise OperationalError("Error 111 connecting to 127.0.0.1:6391. Connection refused.")

    monkeypatch.setattr(tasks.envoyer_courriels, "delay", courtier_en_panne)
    courriels.demander_envoi()
    assert "courtier de tâches indisponible" in caplog.text


def test_la_boite_d_envoi_est_visible_dans_l_admin(client):
    courriels.envoyer(["lea@ac-exemple.fr"], GABARIT, contexte_invitation())
    client.force_login(UtilisateurFactory(admin=True, is_staff=True, is_superuser=True))
    reponse = client.get("/admin/post_office/email/")
    assert reponse.status_code == 200
    assert "lea@ac-exemple.fr" in reponse.content.decode()


def test_le_beat_envoie_la_boite_d_envoi_chaque_minute(settings):
    tache = settings.CELERY_BEAT_SCHEDULE["courriels-en-attente"]
    assert tache["task"] == tasks.envoyer_courriels.name and tache["schedule"] <= 60


def test_site_url_obligatoire_en_production():
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "DEBUG"}}
    env.update(SECRET_KEY="cle-de-test-production-assez-longue-0123456789", DJANGO_SETTINGS_MODULE="")
    code = "import classes_mobiles.settings"
    resultat = subprocess.run([sys.executable, "-c", code], cwd=RACINE, env=env, capture_output=True, text=True)
    assert resultat.returncode != 0 and "SITE_URL doit être défini" in resultat.stderr
    env["SITE_URL"] = "https://classes-mobiles.ac-exemple.fr/"
    resultat = subprocess.run(
        [sys.executable, "-c", code + "; print(classes_mobiles.settings.SITE_URL)"],
        cwd=RACINE, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert resultat.stdout.strip() == "https://classes-mobiles.ac-exemple.fr"


def test_make_run_passe_l_adresse_reelle_du_serveur():
    resultat = subprocess.run(
        ["make", "-n", "run", "PORT=8123", "HOST=127.0.0.1"], cwd=RACINE, capture_output=True, text=True, check=True
    )
    ligne = next(ligne for ligne in resultat.stdout.splitlines() if "runserver" in ligne)
    assert "SITE_URL=${SITE_URL:-http://127.0.0.1:8123}" in ligne and ligne.endswith("runserver 127.0.0.1:8123")
