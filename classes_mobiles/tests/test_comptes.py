import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils.html import escape

from classes_mobiles.enums import Role
from classes_mobiles.models import Utilisateur
from classes_mobiles.tests.factories import MOT_DE_PASSE, UtilisateurFactory

pytestmark = pytest.mark.django_db


def test_connexion_par_adresse_electronique(client):
    user = UtilisateurFactory(role=Role.IEN)
    reponse = client.post(reverse("connexion"), {"username": user.email, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302 and reponse.url == reverse("accueil")
    accueil = client.get(reverse("accueil")).content.decode()
    assert escape(user.get_role_display()) in accueil and user.circonscription.nom in accueil


def test_mauvais_mot_de_passe_message_francais(client):
    user = UtilisateurFactory()
    reponse = client.post(reverse("connexion"), {"username": user.email, "password": "faux"})
    assert reponse.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in reponse.content.decode()


def test_tentatives_limitees(client, settings):
    settings.LOGIN_MAX_TENTATIVES = 3
    user = UtilisateurFactory()
    for _ in range(3):
        client.post(reverse("connexion"), {"username": user.email, "password": "faux"})
    # Even the right password is refused while the account is throttled.
    reponse = client.post(reverse("connexion"), {"username": user.email, "password": MOT_DE_PASSE})
    assert reponse.status_code == 200
    assert "Trop de tentatives de connexion" in reponse.content.decode()


def test_deconnexion_en_post(client):
    client.force_login(UtilisateurFactory())
    assert client.post(reverse("deconnexion")).status_code == 302
    assert client.get(reverse("accueil")).status_code == 302


def test_reinitialisation_du_mot_de_passe_par_courriel(client):
    user = UtilisateurFactory()
    reponse = client.post(reverse("mot_de_passe_oubli"), {"email": user.email})
    assert reponse.status_code == 302
    assert len(mail.outbox) == 1 and user.email in mail.outbox[0].to
    assert "/mot-de-passe/nouveau/" in mail.outbox[0].body


def test_un_enseignant_sans_ecole_est_refuse_par_la_base():
    with pytest.raises(IntegrityError):
        Utilisateur.objects.create_user("sans-ecole@ac-exemple.fr", "x", role=Role.ENSEIGNANT)


def test_admin_django_reserve_aux_administrateurs(client):
    client.force_login(UtilisateurFactory(role=Role.DASEN))
    assert client.get("/admin/").status_code == 302
    client.force_login(UtilisateurFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200
