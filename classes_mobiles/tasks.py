"""Thin Celery tasks shared by the apps (documents have theirs in ``tasks_documents``)."""

import logging

from celery import shared_task
from django.core.cache import cache
from post_office.mail import get_queued, send_queued

logger = logging.getLogger(__name__)

VERROU_COURRIELS = "courriels:envoi-en-cours"
DUREE_VERROU = 10 * 60
LOTS_MAX = 50  # 50 × POST_OFFICE["BATCH_SIZE"] mails per run at most; the next run takes the rest


@shared_task(ignore_result=True)
def envoyer_courriels():
    """Send the outbox (queued on commit by ``courriels.envoyer`` and every minute by beat).

    One run at a time (a lock in the shared cache), so two workers never send the same mail. A failed mail is
    requeued by post-office for a later run, then marked failed after ``MAX_RETRIES`` attempts.
    """
    if not cache.add(VERROU_COURRIELS, True, DUREE_VERROU):
        return 0
    envoyes = 0
    try:
        for _ in range(LOTS_MAX):
            if not get_queued().exists():
                break
            envoyes += send_queued()[0]
    finally:
        cache.delete(VERROU_COURRIELS)
    return envoyes
