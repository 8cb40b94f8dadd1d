"""No-store on what a signed-in user sees and on every file; the accounts' admin list in constant queries."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import FileResponse, HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classes_mobiles.enums import Role
from classes_mobiles.middleware_prive import PasDeCacheMiddleware
from classes_mobiles.tests.factories import EcoleFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


def sans_cache(reponse):
    return "no-store" in reponse.get("Cache-Control", "")


@pytest.mark.parametrize(
    "role,adresse",
    [
        (Role.ENSEIGNANT, "/"),
        (Role.ENSEIGNANT, "/candidatures/mes-candidatures/"),
        (Role.COMMISSION, "/candidatures/liste/"),
        (Role.DASEN, "/accessibilite/"),
        (Role.ADMIN, "/admin/"),
    ],
)
def test_pages_connectees_en_no_store(client, role, adresse):
    extra = {"is_staff": True, "is_superuser": True} if role == Role.ADMIN else {}
    client.force_login(UtilisateurFactory(role=role, **extra))
    reponse = client.get(adresse)
    assert reponse.status_code == 200, adresse
    assert sans_cache(reponse) and "private" in reponse["Cache-Control"]


def test_pages_publiques_sans_no_store(client):
    reponse = client.get(reverse("accessibilite"))
    assert reponse.status_code == 200 and not sans_cache(reponse)


@pytest.mark.parametrize(
    "reponse",
    [
        lambda: FileResponse(io.BytesIO(b"%PDF"), as_attachment=True, filename="pv.pdf"),
        lambda: FileResponse(io.BytesIO(b"%PDF"), filename="pv.pdf"),  # inline
        lambda: HttpResponse(b"a;b", headers={"Content-Disposition": 'attachment; filename="x.csv"'}),
    ],
)
def test_tout_fichier_en_no_store_meme_anonyme(rf, reponse):
    requete = rf.get("/")
    requete.user = AnonymousUser()
    assert sans_cache(PasDeCacheMiddleware(lambda r: reponse())(requete))


def test_liste_des_comptes_de_l_admin_en_requetes_constantes(client):
    client.force_login(UtilisateurFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    adresse = reverse("admin:classes_mobiles_utilisateur_changelist")

    def requetes():
        with CaptureQueriesContext(connection) as contexte:
            assert client.get(adresse).status_code == 200
        return len(contexte)

    requetes()
    for _ in range(3):
        UtilisateurFactory(ien=True)
        UtilisateurFactory(ecole=EcoleFactory())
    peu = requetes()
    for _ in range(15):
        UtilisateurFactory(ien=True)
        UtilisateurFactory(ecole=EcoleFactory())
    assert requetes() == peu
