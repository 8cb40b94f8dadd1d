"""Celery task of the password reset: the worker, not the request, looks the account up and sends the link."""

from smtplib import SMTPException
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=3)
def envoyer_lien_reinitialisation(email):
    """Send the reset link to the active account of ``email``, if there is one; nothing otherwise."""
    formulaire = PasswordResetForm(data={"email": email})
    if not formulaire.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    # Django's own form finds the account (active, with a usable password), makes the token and sends the
    # message with EmailMultiAlternatives: the one place where this e-mail leaves.
    formulaire.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name="comptes/email/mot_de_passe_sujet.txt",
        email_template_name="comptes/email/mot_de_passe_corps.txt",
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
