"""E-mails go through a Celery task queued on commit (eager when no broker is configured)."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=3)
def envoyer_email(sujet, corps, destinataires):
    destinataires = [d for d in destinataires if d]
    if not destinataires:
        return 0
    return send_mail(sujet, corps, settings.DEFAULT_FROM_EMAIL, destinataires)


def programmer_email(sujet, corps, destinataires):
    """Queue the e-mail once the current transaction commits (nothing is sent for a rolled-back change)."""
    destinataires = list(destinataires)
    transaction.on_commit(lambda: envoyer_email.delay(sujet, corps, destinataires))
