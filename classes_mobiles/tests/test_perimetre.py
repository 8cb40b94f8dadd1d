"""Territorial scoping: every role, in and out of its territory."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from classes_mobiles.enums import Role
from classes_mobiles.models import Circonscription, Commune, Ecole, Utilisateur
from classes_mobiles.tests.factories import CampagneFactory, EcoleFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

ROLES_DEPARTEMENT = [Role.CPD, Role.COMMISSION, Role.DASEN, Role.DSI, Role.ADMIN]


@pytest.fixture
def territoire():
    """Two circonscriptions X and Y, two schools in X (A, B) and one in Y (C)."""
    a = EcoleFactory()
    b = EcoleFactory(circonscription=a.circonscription)
    c = EcoleFactory()
    return {"X": a.circonscription, "Y": c.circonscription, "A": a, "B": b, "C": c}


def _user(role, t):
    if role in (Role.ENSEIGNANT, Role.DIRECTEUR):
        return UtilisateurFactory(role=role, ecole=t["A"])
    if role in (Role.IEN, Role.ERUN):
        return UtilisateurFactory(role=role, circonscription=t["X"])
    return UtilisateurFactory(role=role)


@pytest.mark.parametrize("role", [Role.ENSEIGNANT, Role.DIRECTEUR])
def test_roles_d_ecole_ne_voient_que_leur_ecole(role, territoire):
    user = _user(role, territoire)
    assert list(Ecole.objects.visibles_par(user)) == [territoire["A"]]
    assert list(Circonscription.objects.visibles_par(user)) == [territoire["X"]]
    assert list(Commune.objects.visibles_par(user)) == [territoire["A"].commune]


@pytest.mark.parametrize("role", [Role.IEN, Role.ERUN])
def test_roles_de_circonscription(role, territoire):
    user = _user(role, territoire)
    assert set(Ecole.objects.visibles_par(user)) == {territoire["A"], territoire["B"]}
    assert list(Circonscription.objects.visibles_par(user)) == [territoire["X"]]
    autre = UtilisateurFactory(role=Role.DIRECTEUR, ecole=territoire["C"])
    collegue = UtilisateurFactory(role=Role.DIRECTEUR, ecole=territoire["B"])
    visibles = set(Utilisateur.objects.visibles_par(user))
    assert collegue in visibles and autre not in visibles


@pytest.mark.parametrize("role", ROLES_DEPARTEMENT)
def test_roles_departementaux_voient_tout(role, territoire):
    user = _user(role, territoire)
    assert Ecole.objects.visibles_par(user).count() == 3


def test_anonyme_et_compte_inactif_ne_voient_rien(territoire):
    from django.contrib.auth.models import AnonymousUser

    assert not Ecole.objects.visibles_par(AnonymousUser()).exists()
    inactif = UtilisateurFactory(role=Role.DASEN, is_active=False)
    assert not Ecole.objects.visibles_par(inactif).exists()


@pytest.mark.parametrize("role", list(Role))
def test_fiche_ecole_par_role_et_territoire(client, role, territoire):
    user = _user(role, territoire)
    client.force_login(user)
    dans = client.get(reverse("ecole_detail", args=[territoire["A"].uai]))
    assert dans.status_code == 200
    assert territoire["A"].nom in dans.content.decode()
    hors = client.get(reverse("ecole_detail", args=[territoire["C"].uai]))
    if role in ROLES_DEPARTEMENT:
        assert hors.status_code == 200
    else:
        assert hors.status_code == 404, "hors territoire : 404, jamais les données d'un autre"


def test_fiche_ecole_anonyme_redirige_vers_la_connexion(client, territoire):
    reponse = client.get(reverse("ecole_detail", args=[territoire["A"].uai]))
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("connexion"))


def test_liste_des_ecoles_interdite_a_l_enseignant(client, territoire):
    client.force_login(_user(Role.ENSEIGNANT, territoire))
    assert client.get(reverse("ecole_liste")).status_code == 403


def test_liste_des_ecoles_d_un_ien_ne_montre_pas_l_autre_circonscription(client, territoire):
    client.force_login(_user(Role.IEN, territoire))
    contenu = client.get(reverse("ecole_liste")).content.decode()
    assert territoire["A"].nom in contenu and territoire["B"].nom in contenu
    assert territoire["C"].nom not in contenu


def test_liste_des_ecoles_nombre_de_requetes_constant(client):
    user = UtilisateurFactory(role=Role.DASEN)
    client.force_login(user)
    url = reverse("ecole_liste")

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(url).status_code == 200
        return len(requetes)

    EcoleFactory.create_batch(5)
    peu = compter()
    EcoleFactory.create_batch(120)
    beaucoup = compter()
    assert peu == beaucoup
    assert client.get(url, {"page": 3}).status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_accueil_de_chaque_role(client, role, territoire):
    user = _user(role, territoire)
    CampagneFactory(active=True)
    client.force_login(user)
    contenu = client.get(reverse("accueil")).content.decode()
    assert escape(user.get_role_display()) in contenu


def test_pages_publiques_obligatoires(client):
    for nom in ["accessibilite", "mentions_legales", "donnees_personnelles", "connexion"]:
        reponse = client.get(reverse(nom))
        assert reponse.status_code == 200
    assert "partiellement conforme" in client.get(reverse("accessibilite")).content.decode()


def test_campagne_par_uuid(client):
    campagne = CampagneFactory()
    client.force_login(UtilisateurFactory(role=Role.ENSEIGNANT))
    assert client.get(reverse("campagne_detail", args=[campagne.uuid])).status_code == 200
    assert client.get(reverse("campagne_liste")).status_code == 200
