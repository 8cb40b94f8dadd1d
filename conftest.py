import pytest

from classes_mobiles.tests.factories import MOT_DE_PASSE  # noqa: F401


@pytest.fixture(autouse=True)
def _media_temporaire(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _hachage_rapide(settings):
    # Accounts are created by the hundred in tests: PBKDF2's deliberate slowness only costs time here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _cache_vide():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
