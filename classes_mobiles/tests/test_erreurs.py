"""Error pages: French, in the DSFR layout, with a way back; the 500 page survives a broken context."""

from html import unescape

import pytest
from django.template import loader
from django.test import Client

from classes_mobiles.tests import factories

pytestmark = pytest.mark.django_db


def processeur_en_panne(request):
    raise RuntimeError("processeur de contexte en panne")


def _page_erreur(reponse, statut, titre):
    assert reponse.status_code == statut
    html = unescape(reponse.content.decode())
    assert '<html lang="fr"' in html
    assert 'class="fr-header"' in html and 'class="fr-footer"' in html
    assert f"<h1>{titre}</h1>" in html
    assert f"Erreur {statut}" in html
    assert 'class="fr-btn" href="/">Page d\'accueil</a>' in html
    for anglais in ("Not Found", "Forbidden", "Bad Request", "Server Error", "CSRF verification failed"):
        assert anglais not in html
    return html


def test_404_en_francais_avec_retour(client):
    html = _page_erreur(client.get("/nulle-part/"), 404, "Page non trouvée")
    assert "Page d'accueil" in html
    assert "Revenir à la page précédente" not in html


def test_404_propose_la_page_precedente_du_site(client):
    html = _page_erreur(client.get("/nulle-part/", HTTP_REFERER="http://testserver/ecoles/"), 404, "Page non trouvée")
    assert 'href="http://testserver/ecoles/">Revenir à la page précédente' in html


def test_404_ne_renvoie_pas_vers_un_autre_site(client):
    html = _page_erreur(
        client.get("/nulle-part/", HTTP_REFERER="https://ailleurs.example/piege"), 404, "Page non trouvée"
    )
    assert "ailleurs.example" not in html


def test_404_connecte_garde_le_menu(client):
    user = factories.UtilisateurFactory(cpd=True)
    client.force_login(user)
    html = _page_erreur(client.get("/campagnes/00000000-0000-0000-0000-000000000000/"), 404, "Page non trouvée")
    assert 'aria-label="Menu principal"' in html
    assert "Se déconnecter" in html


def test_403_role_en_francais(client):
    client.force_login(factories.UtilisateurFactory(enseignant=True))
    html = _page_erreur(client.get("/ecoles/"), 403, "Accès refusé")
    assert "Cette page n'est pas accessible avec votre rôle." in html


def test_400_en_francais(client):
    _page_erreur(client.get("/", HTTP_HOST="hote-inconnu.example"), 400, "Requête incorrecte")


def test_echec_csrf_en_francais():
    client = Client(enforce_csrf_checks=True)
    html = _page_erreur(client.post("/connexion/", {"username": "a@b.fr", "password": "x"}), 403, "Formulaire expiré")
    assert "Rechargez la page" in html


@pytest.mark.urls("classes_mobiles.tests.urls_erreurs")
def test_500_en_francais():
    client = Client(raise_request_exception=False)
    html = _page_erreur(client.get("/panne/"), 500, "Erreur inattendue")
    assert "dsfr.min.css" in html


@pytest.mark.urls("classes_mobiles.tests.urls_erreurs")
def test_500_sans_contexte_de_requete(settings):
    """A failing context processor (session, database…) does not stop the 500 page."""
    moteur = {**settings.TEMPLATES[0]}
    moteur["OPTIONS"] = {
        **moteur["OPTIONS"],
        "context_processors": [*moteur["OPTIONS"]["context_processors"], f"{__name__}.processeur_en_panne"],
    }
    settings.TEMPLATES = [moteur]
    client = Client(raise_request_exception=False)
    _page_erreur(client.get("/panne/"), 500, "Erreur inattendue")


@pytest.mark.urls("classes_mobiles.tests.urls_erreurs")
def test_500_meme_si_son_gabarit_echoue(monkeypatch):
    def en_panne(*args, **kwargs):
        raise RuntimeError("gabarit en panne")

    monkeypatch.setattr(loader, "render_to_string", en_panne)
    client = Client(raise_request_exception=False)
    reponse = client.get("/panne/")
    assert reponse.status_code == 500
    html = reponse.content.decode()
    assert '<html lang="fr">' in html and "<h1>Erreur inattendue</h1>" in html
    assert '<a href="/">Retour à l\'accueil</a>' in html
