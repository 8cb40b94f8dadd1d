"""Checks shared by the browser tests: axe-core accessibility audit, no request outside the server."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

# axe-core is vendored (MPL-2.0, see vendor/LICENSE): nothing is downloaded at test time.
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Only violations are reported: faster than collecting every passing node.
    "resultTypes": ["violations"],
}


def verifier_accessibilite(page, contexte=""):
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; fail with a readable list of violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]
    if not violations:
        return
    lignes = [f"{len(violations)} violation(s) WCAG 2.1 A/AA — {contexte or page.url} :"]
    for violation in violations:
        lignes.append(f"- [{violation['impact']}] {violation['id']} : {violation['help']} ({violation['helpUrl']})")
        for noeud in violation["nodes"][:10]:
            cible = " ".join(str(t) for t in noeud["target"])
            # failureSummary: "Fix any of the following:" then one line per possible fix; show the first.
            resume = (noeud.get("failureSummary") or "").strip().splitlines()
            lignes.append(f"    • {cible} — {resume[1].strip() if len(resume) > 1 else ''}")
            lignes.append(f"      {noeud.get('html', '')[:200]}")
    pytest.fail("\n".join(lignes), pytrace=False)


def verifier_aucune_requete_externe(requetes, live_server):
    """No page loads anything from outside the server."""
    hote = urlsplit(live_server.url).netloc
    externes = [
        url
        for url in requetes
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != hote
    ]
    assert not externes, "Requêtes vers l'extérieur du serveur :\n" + "\n".join(sorted(set(externes)))


def se_connecter(page, email, mot_de_passe):
    """Sign in through the real login form."""
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
