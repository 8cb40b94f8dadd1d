"""Browser fixtures: one Debian Chromium per session, a new context per test, axe-core checks.

Playwright's sync API runs an event loop in the test thread; Django then refuses ORM calls
from it unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The live server is bound to 127.0.0.1 only.
"""

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DELAI_MS = 15_000


@pytest.fixture(scope="session")
def navigateur():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : lancer `make system-test` (paquet Debian chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _hachage_rapide(settings):
    # The live server runs in this process: a fast hasher saves ~1 s per sign-in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def requetes():
    """Every URL the page requested during the test (filled by the `page` fixture)."""
    return []


@pytest.fixture
def page(navigateur, live_server, requetes):
    context = navigateur.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(DELAI_MS)
    context.on("request", lambda requete: requetes.append(requete.url))
    page = context.new_page()
    yield page
    context.close()
