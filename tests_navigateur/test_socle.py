"""Socle journeys in Chromium: each role signs in, sees its home page and menu pages, all accessible."""

import pytest
from playwright.sync_api import expect

from classes_mobiles.enums import ROLES_CIRCONSCRIPTION, ROLES_ECOLE, Role
from classes_mobiles.tests import factories
from tests_navigateur.outils import se_connecter, verifier_accessibilite, verifier_aucune_requete_externe

pytestmark = pytest.mark.navigateur

PAGES_PIED = [
    ("Accessibilité : partiellement conforme", "/accessibilite/", "Déclaration d'accessibilité"),
    ("Mentions légales", "/mentions-legales/", "Mentions légales"),
    ("Données personnelles", "/donnees-personnelles/", "Données personnelles"),
]


def _compte(role):
    circo = factories.CirconscriptionFactory(nom="Val de Canche")
    ecole = factories.EcoleFactory(nom="École élémentaire Les Tilleuls", circonscription=circo)
    factories.DiagnosticFactory(ecole=ecole)
    campagne = factories.CampagneFactory(nom="Classes mobiles 2025-2026")
    factories.PeriodeFactory(campagne=campagne, numero=1)
    user = factories.UtilisateurFactory(
        **{role.value: True},
        ecole=ecole if role in ROLES_ECOLE else None,
        circonscription=circo if role in ROLES_CIRCONSCRIPTION else None,
    )
    return user, ecole, campagne


def _titre(page):
    return page.get_by_role("heading", level=1).inner_text().strip()


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_parcours_par_role(page, live_server, requetes, role):
    user, ecole, campagne = _compte(role)

    page.goto("/connexion/")
    assert _titre(page) == "Connexion"
    verifier_accessibilite(page, "page de connexion")

    se_connecter(page, user.email, factories.MOT_DE_PASSE)
    page.wait_for_url(f"{live_server.url}/")
    assert _titre(page) == f"Bonjour {user.prenom}"
    en_tete = page.locator("#utilisateur-connecte")
    assert user.get_role_display() in en_tete.inner_text()
    verifier_accessibilite(page, f"accueil ({role.value})")

    menu = page.get_by_role("navigation", name="Menu principal")
    libelles = [lien.strip() for lien in menu.get_by_role("link").all_inner_texts()]
    assert libelles[:1] == ["Accueil"]
    assert ("Écoles" in libelles) is (role != Role.ENSEIGNANT)
    assert "Campagnes" in libelles

    if "Écoles" in libelles:
        menu.get_by_role("link", name="Écoles").click()
        page.wait_for_url("**/ecoles/")
        assert _titre(page) == "Écoles"
        verifier_accessibilite(page, f"liste des écoles ({role.value})")
        page.get_by_role("link", name=ecole.nom).click()
        page.wait_for_url(f"**/ecoles/{ecole.uai}/")
        assert _titre(page) == ecole.nom
        verifier_accessibilite(page, f"fiche école ({role.value})")

    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Campagnes").click()
    page.wait_for_url("**/campagnes/")
    assert _titre(page) == "Campagnes"
    verifier_accessibilite(page, f"liste des campagnes ({role.value})")
    page.get_by_role("link", name=campagne.nom).click()
    page.wait_for_url(f"**/campagnes/{campagne.uuid}/")
    assert _titre(page) == campagne.nom
    verifier_accessibilite(page, f"campagne ({role.value})")

    # Every other page of the role's menu (candidatures, commission, repérage…) is accessible too.
    menu = page.get_by_role("navigation", name="Menu principal")
    adresses = [lien.get_attribute("href") for lien in menu.get_by_role("link").all()]
    for adresse in adresses:
        if adresse in ("/", "/ecoles/", "/campagnes/"):
            continue
        reponse = page.goto(adresse)
        assert reponse.status == 200, adresse
        verifier_accessibilite(page, f"{adresse} ({role.value})")

    for lien, url, titre in PAGES_PIED:
        page.get_by_role("contentinfo").get_by_role("link", name=lien).click()
        page.wait_for_url(f"**{url}")
        assert _titre(page) == titre
        verifier_accessibilite(page, f"{url} ({role.value})")

    verifier_aucune_requete_externe(requetes, live_server)
    assert any(url.startswith(f"{live_server.url}/static/dsfr/") for url in requetes)


def test_pages_publiques_sans_compte(page, live_server, requetes):
    """The footer pages and the password reset page are reachable and accessible when signed out."""
    for url in ["/mot-de-passe/oubli/", *[u for _, u, _ in PAGES_PIED]]:
        reponse = page.goto(url)
        assert reponse.status == 200
        verifier_accessibilite(page, f"{url} (anonyme)")
    verifier_aucune_requete_externe(requetes, live_server)


def test_connexion_refusee_accessible(page, live_server, requetes):
    """A wrong password shows the form again with its error, still accessible."""
    user = factories.UtilisateurFactory(directeur=True)
    se_connecter(page, user.email, "pas-le-bon-mot-de-passe")
    assert page.get_by_text("Adresse électronique ou mot de passe incorrect.").is_visible()
    assert _titre(page) == "Connexion"
    verifier_accessibilite(page, "connexion refusée")
    verifier_aucune_requete_externe(requetes, live_server)


def test_menu_mobile(page, live_server, requetes):
    """On a phone-sized screen the menu opens from its button, is accessible, and leads to the pages."""
    user, _, _ = _compte(Role.CPD)
    page.set_viewport_size({"width": 375, "height": 740})
    se_connecter(page, user.email, factories.MOT_DE_PASSE)
    page.wait_for_url(f"{live_server.url}/")
    menu = page.get_by_role("navigation", name="Menu principal")
    assert not menu.is_visible()
    page.get_by_role("button", name="Menu").click()
    expect(menu).to_be_visible()
    verifier_accessibilite(page, "menu mobile ouvert")
    menu.get_by_role("link", name="Écoles").click()
    page.wait_for_url("**/ecoles/")
    assert _titre(page) == "Écoles"
    verifier_aucune_requete_externe(requetes, live_server)
