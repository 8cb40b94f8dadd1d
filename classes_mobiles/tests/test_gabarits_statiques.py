"""Content-Security-Policy, and the static front end it allows: no inline script or style, light CSS."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from classes_mobiles.management.commands.icones_dsfr import CLASSE_ICONE, SORTIE, css_icones, icones_utilisees
from classes_mobiles.tests import factories

GABARITS = Path(settings.BASE_DIR) / "templates"
# PDF templates are rendered by WeasyPrint, never served to a browser: their <style> is not subject to the CSP.
GABARITS_WEB = [g for g in GABARITS.glob("**/*.html") if "pdf" not in g.relative_to(GABARITS).parts]
SCRIPT_EN_LIGNE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
ATTRIBUT_INTERDIT = re.compile(r"\s(style|on[a-z]+)\s*=|javascript:", re.IGNORECASE)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/connexion/", "/", "/nulle-part/", "/admin/login/"])
def test_politique_de_securite_du_contenu_appliquee(client, url):
    if url == "/":
        client.force_login(factories.UtilisateurFactory(cpd=True))
    reponse = client.get(url)
    assert "Content-Security-Policy-Report-Only" not in reponse.headers
    directives = dict(
        (morceau.strip().split(" ", 1) + [""])[:2] for morceau in reponse.headers["Content-Security-Policy"].split(";")
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in reponse.headers["Content-Security-Policy"]


@pytest.mark.parametrize("gabarit", GABARITS_WEB, ids=lambda g: str(g.relative_to(GABARITS)))
def test_aucun_script_ni_style_en_ligne(gabarit):
    """The CSP refuses inline scripts, event handlers and style attributes: none in the templates."""
    texte = gabarit.read_text(encoding="utf-8")
    assert not SCRIPT_EN_LIGNE.search(texte), "script en ligne : le mettre dans static/js/"
    assert not ATTRIBUT_INTERDIT.search(texte), "attribut style/on…/javascript: : utiliser une classe CSS ou static/js/"
    assert "<style" not in texte.lower(), "feuille de style en ligne : la mettre dans static/css/"


def test_icones_dsfr_a_jour():
    """Every DSFR icon class used is in static/css/icones.css (else run `manage.py icones_dsfr`)."""
    utilisees = icones_utilisees()
    assert utilisees, "aucune icône trouvée : l'extraction ne lit plus les gabarits"
    definies = set(CLASSE_ICONE.findall(SORTIE.read_text(encoding="utf-8")))
    assert utilisees <= definies, f"lancer `manage.py icones_dsfr` : manquent {sorted(utilisees - definies)}"
    assert SORTIE.read_text(encoding="utf-8") == css_icones(utilisees)


@pytest.mark.django_db
def test_page_ne_charge_ni_utility_css_ni_script_en_ligne(client):
    html = client.get("/connexion/").content.decode()
    assert "utility.min.css" not in html
    assert "/static/css/icones.css" in html
    assert not SCRIPT_EN_LIGNE.search(html)
    assert re.search(r'<link rel="preload" href="[^"]*Marianne-Regular[^"]*\.woff2" as="font"', html)


@pytest.mark.django_db
def test_favicon_sans_404(client):
    reponse = client.get("/favicon.ico")
    assert reponse.status_code == 301
    assert reponse["Location"].endswith(".ico")
