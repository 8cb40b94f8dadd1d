"""Environment shared by the bench scripts: production-like settings (DEBUG off), a throwaway SQLite database
unless DATABASE_URL is given. Lives in bench/banc/ so that `make bench` does not run it as a script."""

import os
import sys
import tempfile
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent.parent


def preparer(nom):
    """Set the environment before Django is imported; returns the temporary database path (or None)."""
    sys.path.insert(0, str(RACINE))
    base_temporaire = None
    if not os.environ.get("DATABASE_URL"):
        base_temporaire = Path(tempfile.gettempdir()) / f"classes-mobiles-{nom}-{os.getpid()}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{base_temporaire}"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("ALLOW_HTTP", "1")
    os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "classes_mobiles.settings"
    return base_temporaire
