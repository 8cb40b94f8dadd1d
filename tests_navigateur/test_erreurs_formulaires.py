"""Error summary and error pages in Chromium: focus, links to the fields, accessible."""

import pytest

from tests_navigateur.outils import verifier_accessibilite

pytestmark = pytest.mark.navigateur


def test_resume_des_erreurs_prend_le_focus_et_mene_aux_champs(page, live_server):
    page.goto("/connexion/")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()

    resume = page.locator(".cm-resume-erreurs")
    assert resume.count() == 1
    page.wait_for_function("() => document.activeElement.classList.contains('cm-resume-erreurs')")
    liens = resume.get_by_role("link")
    assert liens.count() == 2
    liens.nth(1).click()
    assert page.evaluate("() => document.activeElement.id") == "id_password"
    liens.nth(0).click()
    assert page.evaluate("() => document.activeElement.id") == "id_username"
    verifier_accessibilite(page, "connexion, formulaire vide")


def test_page_404_accessible_avec_retour(page, live_server):
    reponse = page.goto("/page-qui-n-existe-pas/")
    assert reponse.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page non trouvée"
    verifier_accessibilite(page, "page 404")
    page.get_by_role("link", name="Page d'accueil").click()
    page.wait_for_url("**/connexion/?next=/")
