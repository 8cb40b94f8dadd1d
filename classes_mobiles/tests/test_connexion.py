"""Login protection (django-axes, per account and address), sessions, and the rate-limited password reset."""

import datetime
import time

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from classes_mobiles.comptes import adresse_client
from classes_mobiles.enums import Role
from classes_mobiles.middleware_prive import CLE_DERNIERE_SAUVEGARDE
from classes_mobiles.tests.factories import MOT_DE_PASSE, UtilisateurFactory

pytestmark = pytest.mark.django_db

BLOQUEE = "Connexion temporairement bloquée"


@pytest.fixture(autouse=True)
def _trois_essais(settings):
    settings.AXES_FAILURE_LIMIT = 3


def connexion(client, email, mot_de_passe, adresse="192.0.2.10", url=None, **entetes):
    return client.post(
        url or reverse("connexion"), {"username": email, "password": mot_de_passe}, REMOTE_ADDR=adresse, **entetes
    )


def echouer(client, email, fois=3, **kwargs):
    for _ in range(fois):
        reponse = connexion(client, email, "faux", **kwargs)
        assert reponse.status_code in (200, 429)
    return reponse


def test_le_couple_compte_adresse_est_bloque_en_francais(client):
    user = UtilisateurFactory()
    echouer(client, user.email)
    # Even the right password is refused while the pair is locked, on a French page in the site's layout.
    reponse = connexion(client, user.email, MOT_DE_PASSE)
    assert reponse.status_code == 429
    page = reponse.content.decode()
    assert BLOQUEE in page and 'lang="fr"' in page and "fr-header" in page
    assert "_auth_user_id" not in client.session


def test_une_adresse_ne_bloque_pas_les_autres_comptes(client):
    victime, autre = UtilisateurFactory(), UtilisateurFactory()
    echouer(client, victime.email)
    # From the same address another account still logs in (behind a proxy, that address is everyone's)…
    assert connexion(client, autre.email, MOT_DE_PASSE).status_code == 302
    # …and the locked account still logs in from elsewhere.
    client.logout()
    assert connexion(client, victime.email, MOT_DE_PASSE, adresse="198.51.100.7").status_code == 302


def test_l_adresse_electronique_est_comptee_sans_casse_ni_espaces(client):
    user = UtilisateurFactory()
    for variante in (user.email.upper(), f" {user.email} ", user.email.capitalize()):
        connexion(client, variante, "faux")
    assert connexion(client, user.email, MOT_DE_PASSE).status_code == 429


def test_se_connecter_a_son_compte_ne_remet_pas_a_zero_les_autres(client):
    victime, attaquant = UtilisateurFactory(), UtilisateurFactory()
    echouer(client, victime.email, fois=2)
    assert connexion(client, attaquant.email, MOT_DE_PASSE).status_code == 302
    client.logout()
    connexion(client, victime.email, "faux")
    assert connexion(client, victime.email, MOT_DE_PASSE).status_code == 429


def test_une_connexion_reussie_remet_a_zero_son_propre_compteur(client):
    user = UtilisateurFactory()
    echouer(client, user.email, fois=2)
    assert connexion(client, user.email, MOT_DE_PASSE).status_code == 302
    client.logout()
    echouer(client, user.email, fois=2)
    assert connexion(client, user.email, MOT_DE_PASSE).status_code == 302


def test_la_connexion_a_l_administration_est_protegee(client):
    admin = UtilisateurFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    echouer(client, admin.email, url=url)
    reponse = connexion(client, admin.email, MOT_DE_PASSE, url=url)
    assert reponse.status_code == 429 and BLOQUEE in reponse.content.decode()
    assert client.get("/admin/").status_code == 302
    # Failures on the admin login count for the site's login too: one counter per pair.
    assert connexion(client, admin.email, MOT_DE_PASSE).status_code == 429


def test_l_en_tete_du_proxy_est_ignore_sans_proxy_de_confiance(client, settings):
    settings.PROXY_DE_CONFIANCE = 0
    user = UtilisateurFactory()
    # An attacker writing a new X-Forwarded-For each time is still one address.
    for n in range(3):
        connexion(client, user.email, "faux", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    reponse = connexion(client, user.email, MOT_DE_PASSE, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert reponse.status_code == 429


def test_derriere_un_proxy_de_confiance_l_adresse_vient_de_l_en_tete(client, settings):
    settings.PROXY_DE_CONFIANCE = 1
    user = UtilisateurFactory()
    proxy = "10.0.0.2"
    # The client's address is the right-most one, appended by our proxy; what the client wrote left of it is ignored.
    for n in range(3):
        connexion(client, user.email, "faux", adresse=proxy, HTTP_X_FORWARDED_FOR=f"198.18.0.{n}, 203.0.113.5")
    assert connexion(client, user.email, MOT_DE_PASSE, adresse=proxy,
                     HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429  # fmt: skip
    # Everyone else behind the same proxy logs in.
    reponse = connexion(client, user.email, MOT_DE_PASSE, adresse=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert reponse.status_code == 302


def test_adresse_client(rf, settings):
    requete = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5, 10.0.0.1")
    settings.PROXY_DE_CONFIANCE = 0
    assert adresse_client(requete) == "10.0.0.2"
    settings.PROXY_DE_CONFIANCE = 1
    assert adresse_client(requete) == "10.0.0.1"
    settings.PROXY_DE_CONFIANCE = 2
    assert adresse_client(requete) == "203.0.113.5"
    # A header shorter than the proxy chain, or not an address: the connection's address.
    settings.PROXY_DE_CONFIANCE = 4
    assert adresse_client(requete) == "10.0.0.2"
    settings.PROXY_DE_CONFIANCE = 1
    assert adresse_client(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")) == "10.0.0.2"
    # No address at all (a request built by code): None, which the database's address column accepts.
    assert adresse_client(rf.get("/", REMOTE_ADDR="")) is None


# --- Sessions ------------------------------------------------------------------------------------------------


def test_session_d_une_journee_de_travail(client, settings):
    user = UtilisateurFactory()
    page = client.get(reverse("connexion")).content.decode()
    assert "Ordinateur partagé : me déconnecter à la fermeture du navigateur" in page
    connexion(client, user.email, MOT_DE_PASSE)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE == 10 * 3600


def test_ordinateur_partage_deconnecte_a_la_fermeture(client, settings):
    user = UtilisateurFactory()
    client.post(
        reverse("connexion"),
        {"username": user.email, "password": MOT_DE_PASSE, "ordinateur_partage": "on"},
        REMOTE_ADDR="192.0.2.10",
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert client.session.get_expire_at_browser_close()
    # The server still ends it after a working day of inactivity.
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert client.get(reverse("accueil")).status_code == 200


def expiration(cle, dans=None):
    if dans is not None:
        Session.objects.filter(session_key=cle).update(expire_date=timezone.now() + dans)
    return Session.objects.get(session_key=cle).expire_date - timezone.now()


def test_l_expiration_glisse_avec_l_activite(client, settings):
    user = UtilisateurFactory()
    connexion(client, user.email, MOT_DE_PASSE)
    cle = client.cookies[settings.SESSION_COOKIE_NAME].value
    # The last save was a while ago and the session has one hour left: a request gives it a working day again.
    session = client.session
    session[CLE_DERNIERE_SAUVEGARDE] = int(time.time()) - settings.SESSION_RAFRAICHISSEMENT - 1
    session.save()
    expiration(cle, dans=datetime.timedelta(hours=1))
    assert client.get(reverse("accueil")).status_code == 200
    assert expiration(cle) > datetime.timedelta(hours=9, minutes=59)
    # Within the refresh interval, a request writes nothing (no database write per page).
    expiration(cle, dans=datetime.timedelta(hours=1))
    assert client.get(reverse("accueil")).status_code == 200
    assert expiration(cle) < datetime.timedelta(hours=1)


def test_une_session_inactive_depuis_une_journee_est_terminee(client, settings):
    user = UtilisateurFactory()
    connexion(client, user.email, MOT_DE_PASSE)
    expiration(client.cookies[settings.SESSION_COOKIE_NAME].value, dans=-datetime.timedelta(seconds=1))
    reponse = client.get(reverse("accueil"))
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("connexion"))


# --- Password reset ------------------------------------------------------------------------------------------

TROP = "Trop de demandes de réinitialisation"


def demander_lien(client, email, adresse="192.0.2.10"):
    return client.post(reverse("mot_de_passe_oubli"), {"email": email}, REMOTE_ADDR=adresse)


def test_le_lien_part_par_une_tache_apres_la_validation(client, django_capture_on_commit_callbacks):
    user = UtilisateurFactory()
    with django_capture_on_commit_callbacks() as rappels:
        reponse = demander_lien(client, user.email.upper())
    assert reponse.status_code == 302 and reponse.url == reverse("password_reset_done")
    # Nothing was sent during the request: one task is queued for when the transaction commits.
    assert mail.outbox == [] and len(rappels) == 1
    rappels[0]()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert "/mot-de-passe/nouveau/" in mail.outbox[0].body and "http://" in mail.outbox[0].body


def test_sans_compte_la_reponse_est_la_meme(client, django_capture_on_commit_callbacks):
    """An unknown address gets the same answer and the same queued task; the worker then sends nothing."""
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        reponse = demander_lien(client, "personne@inconnu.fr")
    assert reponse.status_code == 302 and reponse.url == reverse("password_reset_done")
    assert len(rappels) == 1 and mail.outbox == []


def test_reinitialisation_limitee_par_compte(client, settings, django_capture_on_commit_callbacks):
    settings.REINITIALISATION_MAX_PAR_COMPTE = 3
    user = UtilisateurFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            assert demander_lien(client, user.email, adresse=f"198.51.100.{n}").status_code == 302
        # A fourth request for the same account, even from yet another address, is refused in French.
        reponse = demander_lien(client, user.email, adresse="198.51.100.99")
    assert reponse.status_code == 429 and TROP in reponse.content.decode()
    assert len(mail.outbox) == 3
    # Another account is not affected.
    assert demander_lien(client, UtilisateurFactory().email, adresse="198.51.100.99").status_code == 302


def test_reinitialisation_limitee_par_adresse(client, settings):
    settings.REINITIALISATION_MAX_PAR_ADRESSE = 5
    for n in range(5):
        assert demander_lien(client, f"essai{n}@exemple.fr").status_code == 302
    reponse = demander_lien(client, "essai-suivant@exemple.fr")
    assert reponse.status_code == 429 and TROP in reponse.content.decode()
    # Another address still may ask.
    assert demander_lien(client, "essai-suivant@exemple.fr", adresse="198.51.100.1").status_code == 302
