"""One environment-driven settings module.

Defaults make `make run` work with nothing configured: SQLite (WAL), Celery tasks run
eagerly, e-mails printed on the console. Production values come from the environment.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG est désactivé.")
    SECRET_KEY = "dev-only-insecure-key-classes-mobiles"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "classes_mobiles.views_erreurs.echec_csrf"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "widget_tweaks",
    "dsfr",
    "crispy_forms",
    "post_office",
    "axes",
    "classes_mobiles",
    "candidatures",
    "prets",
    "inventaire",
    "bilans",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (compressed, hashed names, cached for a year) straight from gunicorn, before the session work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "classes_mobiles.middleware_prive.SessionGlissanteMiddleware",
    "classes_mobiles.middleware_prive.PasDeCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the French lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "classes_mobiles.urls"
WSGI_APPLICATION = "classes_mobiles.wsgi.application"


class _VariableInvalide(str):
    """In tests (TEMPLATE_STRICT=1) an invalid template variable fails the test."""

    def __mod__(self, nom):
        from django.template import TemplateSyntaxError

        raise TemplateSyntaxError(f"Variable de gabarit invalide : {nom}")


TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "classes_mobiles.context_processors.navigation",
            ],
            "string_if_invalid": _VariableInvalide("%s") if env_bool("TEMPLATE_STRICT") else "",
        },
    },
    {
        # Plain-text e-mails (subjects and bodies, ``*.txt`` under ``email/``): rendered WITHOUT HTML escaping,
        # so « l'IEN » stays « l'IEN » (see classes_mobiles/courriels.py). Never use it for HTML.
        "NAME": "texte",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "autoescape": False,
            "string_if_invalid": _VariableInvalide("%s") if env_bool("TEMPLATE_STRICT") else "",
        },
    },
]

# Connections are reused across requests in production (a connection costs more than a small page's queries),
# checked before reuse so that a database restart costs no error; DEBUG (runserver, tests) opens one per request.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 600),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "classes_mobiles.Utilisateur"
LOGIN_URL = "connexion"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "connexion"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login protection: django-axes counts failed logins per (account, address) pair, on the login page and on
# /admin/login/ alike. One address does not lock every account (behind a proxy that would be the whole site),
# and a successful login clears the count of that pair only.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("LOGIN_MAX_TENTATIVES", 5)
AXES_COOLOFF_TIME = datetime.timedelta(seconds=env_int("LOGIN_BLOCAGE_SECONDES", 15 * 60))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field (our accounts log in with their e-mail)
AXES_USERNAME_CALLABLE = "classes_mobiles.comptes.identifiant_tentative"
AXES_CLIENT_IP_CALLABLE = "classes_mobiles.comptes.adresse_client"
AXES_LOCKOUT_CALLABLE = "classes_mobiles.comptes.reponse_blocage"  # the French page, status 429
AXES_DISABLE_ACCESS_LOG = True  # failed attempts only: successful logins and their addresses are not kept
# Number of reverse proxies in front of the app that append the client's address to X-Forwarded-For.
# 0 (default): the header is ignored and the address is the connection's (REMOTE_ADDR); a client could write
# anything in it. N: the address is the N-th from the right in X-Forwarded-For, the one our outermost proxy saw.
PROXY_DE_CONFIANCE = env_int("PROXY_DE_CONFIANCE", 0)
# The password-reset form: at most this many requests per address and per account in the window.
REINITIALISATION_MAX_PAR_ADRESSE = env_int("REINITIALISATION_MAX_PAR_ADRESSE", 10)
REINITIALISATION_MAX_PAR_COMPTE = env_int("REINITIALISATION_MAX_PAR_COMPTE", 3)
REINITIALISATION_FENETRE_SECONDES = env_int("REINITIALISATION_FENETRE_SECONDES", 60 * 60)

# Sessions end after a working day without activity (10 hours: 8 h to 18 h; the expiry slides with each
# request, see classes_mobiles/middleware_prive.py), or when the browser closes if the user ticked
# "Ordinateur partagé" at login.
SESSION_COOKIE_AGE = env_int("SESSION_DUREE_INACTIVITE", 10 * 60 * 60)
SESSION_RAFRAICHISSEMENT = 5 * 60

CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production: `collectstatic` writes compressed (gzip, brotli when installed) copies with hashed names, served by
# WhiteNoise with far-future caching. DEBUG (runserver, tests) serves the sources as they are, no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# DEBUG: WhiteNoise serves the sources through the finders and rereads them on change (no STATIC_ROOT needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Stored files are never served from a public URL (no /media/ route): only by scoped views, through
# classes_mobiles.fichiers.servir_fichier. MEDIA_URL is the front server's internal location prefix.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# "" : the app sends the file itself; "nginx": X-Accel-Redirect to FICHIERS_PREFIXE_INTERNE (an `internal`
# location aliased to MEDIA_ROOT); "apache": X-Sendfile with the file's path (mod_xsendfile).
FICHIERS_SERVIS_PAR = env_str("FICHIERS_SERVIS_PAR", "").strip().lower()
if FICHIERS_SERVIS_PAR not in ("", "nginx", "apache"):
    raise ImproperlyConfigured("FICHIERS_SERVIS_PAR doit valoir « nginx », « apache » ou être vide.")
FICHIERS_PREFIXE_INTERNE = env_str("FICHIERS_PREFIXE_INTERNE", "/fichiers-internes/")
MEDIA_URL = FICHIERS_PREFIXE_INTERNE
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = ("crispy_dsfr",)
CRISPY_TEMPLATE_PACK = "crispy_dsfr"
CRISPY_FAIL_SILENTLY = not DEBUG

# E-mail: console by default. Every e-mail goes through classes_mobiles.courriels.envoyer(), which writes it
# to the django-post-office outbox in the transaction of the change; the task ``envoyer_courriels`` sends the
# outbox (queued on commit, and every minute by beat), retrying failures.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Classes mobiles <ne-pas-repondre@classes-mobiles.example>")
POST_OFFICE = {
    # No "BACKENDS": post-office then sends through EMAIL_BACKEND (locmem in tests, console in `make run`).
    "DEFAULT_PRIORITY": "medium",  # queued, never sent inside the request
    "CELERY_ENABLED": False,  # our own trigger (robust on-commit hook, beat job): see courriels.py
    "MAX_RETRIES": env_int("COURRIELS_MAX_ESSAIS", 8),
    "RETRY_INTERVAL": datetime.timedelta(minutes=env_int("COURRIELS_INTERVALLE_MINUTES", 5)),
    "LOG_LEVEL": 2,  # keep a log line per attempt, visible in the admin
    "BATCH_SIZE": 100,
    "THREADS_PER_PROCESS": 1,
    "MESSAGE_ID_ENABLED": True,
}

# Celery: without a broker, tasks run eagerly in the web process.
CELERY_TASK_ALWAYS_EAGER = not env_str("CELERY_BROKER_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "memory://")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "" if CELERY_TASK_ALWAYS_EAGER else CELERY_BROKER_URL) or None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a pool process killed mid-task puts its task back in the queue
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A broker or result backend that is down must fail fast (about a second), never hold a request: work that
# matters is in the database (outbox, document rows) and is picked up again by the periodic jobs.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY = True  # the worker reconnects when the broker comes back
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
}
CELERY_BEAT_SCHEDULE = {
    # Mail queued while the broker was down (or whose sending failed) leaves within a minute of its return.
    "courriels-en-attente": {"task": "classes_mobiles.tasks.envoyer_courriels", "schedule": 60.0},
}

# Document pipeline (classes_mobiles/documents.py). DOCUMENTS_DUREE_MAX bounds one generation (soft time
# limit; hard limit 15 s later). The broker redelivers an unacknowledged job (its whole worker lost) after the
# visibility timeout, which must exceed the longest job; a job without progress for DOCUMENTS_DELAI_SANS_PROGRES
# is shown as failed, may be asked again, and is queued again by the sweep (Celery beat, every minute).
DOCUMENTS_DUREE_MAX = env_int("DOCUMENTS_DUREE_MAX", 120)
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env_int("CELERY_VISIBILITY_TIMEOUT", DOCUMENTS_DUREE_MAX + 60)
DOCUMENTS_DELAI_SANS_PROGRES = env_int(
    "DOCUMENTS_DELAI_SANS_PROGRES", CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + 60
)
DOCUMENTS_TENTATIVES_MAX = env_int("DOCUMENTS_TENTATIVES_MAX", 5)
CELERY_BEAT_SCHEDULE["documents-bloques"] = {
    "task": "classes_mobiles.tasks_documents.relancer_documents_bloques",
    "schedule": 60.0,
}

# The office: department served and its name (shown in the header).
OFFICE_NOM = env_str("OFFICE_NOM", "Classes mobiles numériques")
OFFICE_SERVICE = env_str("OFFICE_SERVICE", "DSDEN — Service des classes mobiles")
DEPARTEMENT_CODE = env_str("DEPARTEMENT_CODE", "062")
# Absolute address of the site in e-mails. `make run` passes the address runserver really listens on;
# in production it must be set (there is no request to guess it from in a worker).
SITE_URL = env_str("SITE_URL").rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL doit être défini quand DEBUG est désactivé (ex. https://classes-mobiles.ac-exemple.fr)."
        )
    SITE_URL = "http://127.0.0.1:8000"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and not env_bool("ALLOW_HTTP", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY") else None
SECURE_REFERRER_POLICY = "same-origin"
# The monitor may probe the health URL over plain HTTP on the loopback, behind the HTTPS front server.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
# Health URL (/sante/): how long it waits for the broker and for the workers' answer to a ping, in seconds.
SANTE_DELAI = float(env_str("SANTE_DELAI", "1"))

# Content-Security-Policy (django-csp), enforced: only the app's own scripts, styles, fonts and images
# (the DSFR is served from our static files). No inline script or style attribute anywhere: scripts
# live in static/js/. `data:` images are the DSFR's small SVG backgrounds written in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# One handler, on the root logger: every logger (django, celery, the apps) propagates to it and none has a handler
# of its own, so each line is printed once (Django's default config gives "django" its own console handler too,
# and the Celery worker adds one to the root unless told otherwise: see classes_mobiles/celery.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"simple": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "simple"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        "celery": {"handlers": [], "level": env_str("CELERY_LOG_LEVEL", "WARNING"), "propagate": True},
        # One handler of ours, so post-office does not add its own (every line printed twice); no line per mail.
        "post_office": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "kombu": {"level": "WARNING" if not CELERY_TASK_ALWAYS_EAGER else "ERROR"},
    },
}
