import pytest
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


def test_deconnexion_en_post(client):
    client.force_login(UtilisateurFactory())
    assert client.post(reverse("deconnexion")).status_code == 302
    assert client.get(reverse("accueil")).status_code == 302


def test_un_enseignant_sans_ecole_est_refuse_par_la_base():
    with pytest.raises(IntegrityError):
        Utilisateur.objects.create_user("sans-ecole@ac-exemple.fr", "x", role=Role.ENSEIGNANT)


def test_admin_django_reserve_aux_administrateurs(client):
    client.force_login(UtilisateurFactory(role=Role.DASEN))
    assert client.get("/admin/").status_code == 302
    client.force_login(UtilisateurFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200
