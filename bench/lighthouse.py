"""Lighthouse (mobile) on the key pages of a running server: login, the teacher's list, the IEN's list, the
commission session. Prints accessibility, best practices, performance and layout shift next to their targets;
exits non-zero when one is missed.

    python bench/lighthouse.py [--base http://127.0.0.1:8104]

The server must hold the demo data (`manage.py demo_data`) and should serve its static files as in
production (compressed and cached): performance means little otherwise. Lighthouse comes from npm (pinned in
bench/package.json, installed under bench/node_modules on first run) and drives Debian's Chromium.
Only 127.0.0.1 is measured.
"""

import argparse
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ICI = Path(__file__).resolve().parent
LIGHTHOUSE = ICI / "node_modules" / ".bin" / "lighthouse"
MOT_DE_PASSE = "Classes-Mobiles-2026"
DOMAINE = "demo.classes-mobiles.fr"
CIBLES = {"accessibility": 1.0, "best-practices": 1.0, "performance": 0.9}
CLS_MAX = 0.1


def installer_lighthouse():
    if not LIGHTHOUSE.exists():
        subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ICI, check=True
        )


def session(base, compte):
    """Sign in through the login form; return the Cookie header of the session."""
    bocal = http.cookiejar.CookieJar()
    ouvreur = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(bocal))
    page = ouvreur.open(f"{base}/connexion/").read().decode()
    jeton = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    donnees = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": jeton, "username": f"{compte}@{DOMAINE}", "password": MOT_DE_PASSE}
    ).encode()
    requete = urllib.request.Request(f"{base}/connexion/", data=donnees, headers={"Referer": f"{base}/connexion/"})
    reponse = ouvreur.open(requete)
    if urllib.parse.urlsplit(reponse.geturl()).path != "/":
        sys.exit(f"Connexion impossible pour {compte} (données de démonstration chargées ?)")
    return "; ".join(f"{c.name}={c.value}" for c in bocal), ouvreur


def premier_lien(ouvreur, base, chemin, motif):
    html = ouvreur.open(f"{base}{chemin}").read().decode()
    trouve = re.search(motif, html)
    if not trouve:
        sys.exit(f"Aucun lien {motif} sur {chemin}")
    return trouve.group(0).strip('"')


def mesurer(url, cookie):
    with tempfile.TemporaryDirectory() as dossier:
        rapport = Path(dossier) / "rapport.json"
        commande = [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={rapport}",
            "--only-categories=performance,accessibility,best-practices",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking",
        ]
        if cookie:
            commande.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
        for essai in (1, 2):  # Chromium sometimes fails to start on a loaded machine: one more try
            execution = subprocess.run(commande, env=env, timeout=300, capture_output=True, text=True, check=False)
            if execution.returncode == 0:
                break
            if essai == 2:
                sys.exit(f"Lighthouse a échoué sur {url} :\n{execution.stderr[-2000:]}")
        resultat = json.loads(rapport.read_text())
    scores = {nom: resultat["categories"][nom]["score"] for nom in CIBLES}
    audits = resultat["audits"]
    scores["cls"] = audits["cumulative-layout-shift"]["numericValue"]
    scores["lcp_ms"] = audits["largest-contentful-paint"]["numericValue"]
    scores["octets"] = audits["total-byte-weight"]["numericValue"]
    echecs = [
        a["id"]
        for a in audits.values()
        if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") in ("binary", "numeric")
    ]
    scores["audits_en_echec"] = echecs
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    if urllib.parse.urlsplit(args.base).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("Lighthouse ne mesure qu'un serveur local (127.0.0.1).")
    installer_lighthouse()

    cookie_enseignant, _ = session(args.base, "enseignant")
    cookie_ien, _ = session(args.base, "ien")
    cookie_commission, ouvreur = session(args.base, "commission")
    seance = premier_lien(ouvreur, args.base, "/candidatures/commission/", r"/candidatures/commission/[0-9a-f-]{36}/")
    pages = [
        ("connexion", "/connexion/", None),
        ("liste de l'enseignant", "/candidatures/mes-candidatures/", cookie_enseignant),
        ("liste de l'IEN", "/candidatures/a-examiner/", cookie_ien),
        ("session de commission", seance, cookie_commission),
    ]
    print(
        f"Lighthouse (mobile) sur {args.base} — cibles : accessibilité 100, bonnes pratiques 100, "
        f"performance ≥ 90, CLS < {CLS_MAX}"
    )
    print(f"{'page':<24} {'access.':>8} {'b. prat.':>8} {'perf.':>6} {'CLS':>6} {'LCP ms':>7} {'Ko':>6}")
    rate = False
    for nom, chemin, cookie in pages:
        s = mesurer(args.base + chemin, cookie)
        ok = all(s[c] is not None and s[c] >= v for c, v in CIBLES.items()) and s["cls"] < CLS_MAX
        rate |= not ok
        print(
            f"{nom:<24} {s['accessibility'] * 100:>8.0f} {s['best-practices'] * 100:>8.0f} "
            f"{s['performance'] * 100:>6.0f} {s['cls']:>6.3f} {s['lcp_ms']:>7.0f} {s['octets'] / 1024:>6.0f}"
            f"  {'OK' if ok else 'RATÉ'}"
        )
        if not ok:
            print(f"    audits en échec : {', '.join(s['audits_en_echec'])}")
    return 1 if rate else 0


if __name__ == "__main__":
    sys.exit(main())
