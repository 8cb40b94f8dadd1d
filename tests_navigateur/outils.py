"""Checks shared by the browser tests: axe-core accessibility audit, no request outside the server."""

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

# axe-core is vendored (MPL-2.0, see vendor/LICENSE): nothing is downloaded at test time.
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Only violations are reported: faster than collecting every passing node.
    "resultTypes": ["violations"],
}


@functools.cache
def _source_axe():
    return AXE.read_text(encoding="utf-8")


def violations_accessibilite(page):
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; return its violations as readable lines."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag would be refused by the page's CSP.
        page.evaluate(_source_axe() + "\n;undefined")
    violations = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]
    lignes = []
    for violation in violations:
        lignes.append(f"[{violation['impact']}] {violation['id']} : {violation['help']} ({violation['helpUrl']})")
        for noeud in violation["nodes"][:10]:
            cible = " ".join(str(t) for t in noeud["target"])
            # failureSummary: "Fix any of the following:" then one line per possible fix; show the first.
            resume = (noeud.get("failureSummary") or "").strip().splitlines()
            lignes.append(f"    • {cible} — {resume[1].strip() if len(resume) > 1 else ''}")
            lignes.append(f"      {noeud.get('html', '')[:200]}")
    return lignes


def verifier_accessibilite(page, contexte=""):
    """Fail with a readable list if axe-core finds WCAG 2.1 A/AA violations on the page."""
    lignes = violations_accessibilite(page)
    if lignes:
        entete = f"violation(s) WCAG 2.1 A/AA — {contexte or page.url} :"
        pytest.fail("\n".join([entete, *lignes]), pytrace=False)


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


# The Nu HTML Checker (vnu-jar from npm, `make test` installs it under node_modules/), run with the machine's Java.
VNU_JAR = Path(
    os.environ.get("VNU_JAR", Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar")
)


def valider_html(fichiers):
    """Run the Nu HTML Checker once on HTML files; return its errors as readable lines (empty: valid).

    Without the jar or Java the test is skipped with the reason, except in CI where it fails.
    """
    java = shutil.which("java")
    if not VNU_JAR.exists() or not java:
        raison = f"Nu HTML Checker absent ({VNU_JAR}, java : {java}) : `make test` l'installe (npm ci)."
        if os.environ.get("CI"):
            pytest.fail(raison, pytrace=False)
        pytest.skip(raison)
    resultat = subprocess.run(
        [java, "-Xss8m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *map(str, fichiers)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(resultat.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"Nu HTML Checker illisible : {resultat.stdout[:500]} {resultat.stderr[:500]}", pytrace=False)
    return [
        f"{Path(unquote(urlsplit(m.get('url', '')).path)).name}:{m.get('lastLine', '?')} — {m.get('message', '')}"
        f" [{(m.get('extract') or '').strip()[:120]}]"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
