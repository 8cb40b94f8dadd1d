"""Health URL for a monitor (/sante/): the database, the Celery broker and the workers, as JSON.

HTTP 200 when everything answers, 503 otherwise. Reachable without login and over plain HTTP (see
SECURE_REDIRECT_EXEMPT); it says only "ok" or a fixed French message per component, never an address, a user
name or an exception's text (a broker URL carries its password). Each probe is bounded by SANTE_DELAI seconds.
"""

import logging
import time

from django.conf import settings
from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection
from kombu.pidbox import Mailbox

logger = logging.getLogger(__name__)


def _base():
    with connection.cursor() as curseur:
        curseur.execute("SELECT 1")
        curseur.fetchone()
    return {"ok": True}


def _broker_et_workers():
    """Connect to the broker, then ping the workers through it (a worker answers within the delay or counts as
    absent). Without a broker the tasks run in the web process: nothing to check."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        sans_broker = {"ok": True, "detail": "aucun broker configuré : tâches exécutées par le serveur web"}
        return sans_broker, dict(sans_broker)
    from classes_mobiles.celery import app

    delai = settings.SANTE_DELAI
    options = {"socket_timeout": delai, "socket_connect_timeout": delai, "max_retries": 0}
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=delai, transport_options=options) as liaison:
        try:
            liaison.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=delai)
        except Exception:
            logger.warning("Santé : broker injoignable", exc_info=True)
            return {"ok": False, "detail": "injoignable"}, {"ok": False, "nombre": 0, "detail": "broker injoignable"}
        try:
            # The control mailbox on this bounded connection only (app.control would publish through the app's
            # producer pool, which retries a lost broker without this delay).
            boite = Mailbox(app.conf.control_exchange, type="fanout", accept=["json"], serializer="json")
            reponses = boite(liaison).multi_call("ping", timeout=delai)
        except Exception:
            logger.warning("Santé : ping des workers impossible", exc_info=True)
            reponses = []
    nombre = len(reponses)
    workers = {"ok": nombre > 0, "nombre": nombre}
    if not nombre:
        workers["detail"] = "aucun worker n'a répondu"
    return {"ok": True}, workers


@never_cache
@require_GET
@transaction.non_atomic_requests  # a database that is down must give 503, not fail in the request's transaction
def sante(request):
    debut = time.monotonic()
    try:
        base = _base()
    except Exception:
        logger.warning("Santé : base de données injoignable", exc_info=True)
        base = {"ok": False, "detail": "injoignable"}
    broker, workers = _broker_et_workers()
    composants = {"base_de_donnees": base, "broker": broker, "workers": workers}
    ok = all(c["ok"] for c in composants.values())
    return JsonResponse(
        {"statut": "ok" if ok else "erreur", **composants, "duree_ms": round(1000 * (time.monotonic() - debut))},
        status=200 if ok else 503,
        json_dumps_params={"ensure_ascii": False},
    )
