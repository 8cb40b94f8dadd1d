"""Every page of every role, as a phone (390 × 844) and a desktop (1280 × 800) show it.

The demo department is loaded, then for each demo account (and signed out) a crawler starts from the
home page and follows every same-site link of the pages it meets (menus, lists, details…), a few
pages per URL shape, skipping sign-out, file downloads, exports and the Django admin. New pages are
thus covered without listing them here. On each page, at both sizes:
- the answer is 200 and no JavaScript error or failed load reaches the console (CSP violations do);
- nothing scrolls sideways (document width ≤ viewport), and at 1280 px no table is wider than its box;
- axe-core reports no WCAG 2.1 A/AA violation.
The HTML the server sent for every page is then checked at once by the Nu HTML Checker: 0 errors.
"""

import io
import re
from collections import Counter, deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command

from classes_mobiles.demo import COMPTES, DOMAINE, MOT_DE_PASSE_DEMO
from tests_navigateur.conftest import DELAI_MS
from tests_navigateur.outils import se_connecter, valider_html, violations_accessibilite

pytestmark = pytest.mark.navigateur

TAILLES = {"telephone": {"width": 390, "height": 844}, "bureau": {"width": 1280, "height": 800}}
PROFONDEUR = 4
PAR_FORME = 2  # pages visited per URL shape and per role (two candidatures, not all of them)
MAX_PAGES = 60  # per role: a safety net, far above what a role sees today
EXCLUS = re.compile(r"^/(deconnexion|admin|static|media)/|/telecharger/|/pieces-jointes/|\.json$|/proces-verbal/")
PARAMETRES_EXCLUS = {"export"}

SCRIPT_DEBORDEMENTS = """() => {
  const largeur = document.documentElement.scrollWidth;
  const tables = Array.from(document.querySelectorAll("table"))
    .filter(t => t.getBoundingClientRect().width > t.parentElement.clientWidth + 1)
    .map(t => (t.querySelector("caption") || {}).textContent || t.outerHTML.slice(0, 80));
  return {largeur, fenetre: window.innerWidth, tables: tables.map(t => t.trim().replace(/\\s+/g, " "))};
}"""


def _forme(url):
    """The URL's shape: identifiers replaced by placeholders, query values dropped."""
    parties = urlsplit(url)
    chemin = re.sub(r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=/|$)", "/<uuid>", parties.path)
    chemin = re.sub(r"/\d{7}[A-Z](?=/|$)", "/<uai>", chemin)
    chemin = re.sub(r"/\d+(?=/|$)", "/<n>", chemin)
    cles = sorted({cle for cle, _ in parse_qsl(parties.query, keep_blank_values=True)})
    return chemin + ("?" + "&".join(cles) if cles else "")


def _a_suivre(url, hote):
    parties = urlsplit(url)
    if parties.scheme not in ("http", "https") or parties.netloc != hote:
        return False
    if EXCLUS.search(parties.path):
        return False
    return not PARAMETRES_EXCLUS & {cle for cle, _ in parse_qsl(parties.query)}


class Journal:
    """What went wrong, page by page, in one readable report."""

    def __init__(self):
        self.problemes = []

    def noter(self, qui, taille, url, texte):
        self.problemes.append(f"[{qui} · {taille}] {url} : {texte}")


def _nouvel_onglet(navigateur, live_server, taille, journal, qui, etat):
    contexte = navigateur.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", viewport=TAILLES[taille]
    )
    contexte.set_default_timeout(DELAI_MS)
    page = contexte.new_page()

    def console(message):
        if message.type == "error":
            journal.noter(qui, taille, etat["url"], f"console : {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda erreur: journal.noter(qui, taille, etat["url"], f"erreur JavaScript : {erreur}"))
    return contexte, page


def _verifier_page(page, qui, taille, journal):
    url = urlsplit(page.url)
    adresse = url.path + (f"?{url.query}" if url.query else "")
    mesure = page.evaluate(SCRIPT_DEBORDEMENTS)
    if mesure["largeur"] > mesure["fenetre"]:
        journal.noter(
            qui, taille, adresse, f"défilement horizontal ({mesure['largeur']} px pour {mesure['fenetre']} px)"
        )
    if taille == "bureau":
        for table in mesure["tables"]:
            journal.noter(qui, taille, adresse, f"tableau plus large que son conteneur : {table[:80]}")
    for ligne in violations_accessibilite(page):
        journal.noter(qui, taille, adresse, f"axe : {ligne}")


def _explorer(navigateur, live_server, qui, identifiant, journal, dossier_html):
    """Crawl as one account at desktop size, then revisit the same pages as a phone."""
    hote = urlsplit(live_server.url).netloc
    etat = {"url": ""}
    visitees = []
    contexte, page = _nouvel_onglet(navigateur, live_server, "bureau", journal, qui, etat)
    if identifiant:
        etat["url"] = "/connexion/"
        se_connecter(page, f"{identifiant}@{DOMAINE}", MOT_DE_PASSE_DEMO)
        page.wait_for_url(f"{live_server.url}/")
    a_voir = deque([("/" if identifiant else "/connexion/", 0)])
    vues, formes = set(), Counter()
    while a_voir and len(visitees) < MAX_PAGES:
        adresse, profondeur = a_voir.popleft()
        if adresse in vues or formes[_forme(adresse)] >= PAR_FORME:
            continue
        vues.add(adresse)
        formes[_forme(adresse)] += 1
        etat["url"] = adresse
        reponse = page.goto(adresse)
        if reponse is None or reponse.status != 200:
            journal.noter(qui, "bureau", adresse, f"réponse {reponse and reponse.status}")
            continue
        if "text/html" not in reponse.headers.get("content-type", ""):
            continue
        finale = urlsplit(page.url)
        finale = finale.path + (f"?{finale.query}" if finale.query else "")
        visitees.append(finale)
        fichier = dossier_html / f"{qui}-{len(visitees):02d}.html"
        fichier.write_text(reponse.text(), encoding="utf-8")
        _verifier_page(page, qui, "bureau", journal)
        if profondeur < PROFONDEUR:
            for lien in page.eval_on_selector_all("a[href]", "liens => liens.map(a => a.href.split('#')[0])"):
                if _a_suivre(lien, hote):
                    parties = urlsplit(lien)
                    a_voir.append((parties.path + (f"?{parties.query}" if parties.query else ""), profondeur + 1))
    page.set_viewport_size(TAILLES["telephone"])
    for adresse in visitees:
        etat["url"] = adresse
        page.goto(adresse)
        _verifier_page(page, qui, "telephone", journal)
    contexte.close()
    return visitees


def _explorer_administration(navigateur, live_server, journal):
    """Django's admin works under the Content-Security-Policy: its pages log no error (violation, 404…).

    Its markup is Django's: only the console is checked there, not axe nor the Nu HTML Checker.
    """
    etat = {"url": "/connexion/"}
    contexte, page = _nouvel_onglet(navigateur, live_server, "bureau", journal, "admin", etat)
    se_connecter(page, f"admin@{DOMAINE}", MOT_DE_PASSE_DEMO)
    page.wait_for_url(f"{live_server.url}/")
    a_voir, vues, formes = deque(["/admin/"]), set(), Counter()
    while a_voir and len(vues) < 40:  # the admin lists every model (axes, auth…) before a change form
        adresse = a_voir.popleft()
        if adresse in vues or formes[_forme(adresse)] >= 1:
            continue
        vues.add(adresse)
        formes[_forme(adresse)] += 1
        etat["url"] = adresse
        reponse = page.goto(adresse)
        if reponse.status != 200:
            journal.noter("admin", "bureau", adresse, f"réponse {reponse.status}")
        for lien in page.eval_on_selector_all("a[href^='/admin/']", "liens => liens.map(a => a.pathname)"):
            # django-dsfr's own settings model (unused here) has a URLField whose Django 6.0 deprecation
            # warning is an error under pytest's filterwarnings: not ours to fix, not part of the app.
            if not re.search(r"/(logout|delete|history|password)/|^/admin/dsfr/", lien):
                a_voir.append(lien)
    contexte.close()
    return sorted(vues)


def test_toutes_les_pages_de_tous_les_roles(navigateur, live_server, tmp_path):
    call_command("demo_data", stdout=io.StringIO())
    journal = Journal()
    dossier_html = tmp_path / "html"
    dossier_html.mkdir()
    comptes = [("anonyme", None)] + [(identifiant, identifiant) for _, identifiant, _, _ in COMPTES]
    visitees = {}
    for qui, identifiant in comptes:
        visitees[qui] = _explorer(navigateur, live_server, qui, identifiant, journal, dossier_html)

    pages_admin = _explorer_administration(navigateur, live_server, journal)
    assert len(pages_admin) >= 8 and any(p.endswith("/change/") for p in pages_admin), pages_admin

    # The crawl did reach each role's pages (a broken menu would make this test pass on nothing).
    assert len(visitees["anonyme"]) >= 4, visitees["anonyme"]
    for qui, pages in visitees.items():
        if qui != "anonyme":
            assert len(pages) >= 5, (qui, pages)
    assert any(p.startswith("/candidatures/commission/") and len(p) > 30 for p in visitees["commission"])

    for ligne in valider_html(sorted(dossier_html.glob("*.html"))):
        journal.problemes.append(f"[Nu HTML Checker] {ligne}")
    resume = "\n".join(f"  {qui} : {len(pages)} pages" for qui, pages in visitees.items())
    resume += f"\n  administration Django : {len(pages_admin)} pages"
    assert not journal.problemes, (
        f"{len(journal.problemes)} problème(s) sur les pages visitées :\n"
        + "\n".join(journal.problemes)
        + f"\nPages visitées :\n{resume}"
    )
