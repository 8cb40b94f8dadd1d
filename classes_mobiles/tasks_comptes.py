"""Celery task of the password reset: the worker, not the request, looks the account up and sends the link."""

from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction

from classes_mobiles.courriels import envoyer

GABARIT = "comptes/email/mot_de_passe"  # _sujet.txt, _corps.txt


class _FormulaireReinitialisation(PasswordResetForm):
    """Django's own form finds the account (active, with a usable password) and makes the token; the message
    goes through the project's outbox (classes_mobiles.courriels) like every other e-mail."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        envoyer([to_email], GABARIT, context)


@shared_task
def envoyer_lien_reinitialisation(email):
    """Write the reset link for the active account of ``email`` to the outbox, if there is one; nothing otherwise."""
    formulaire = _FormulaireReinitialisation(data={"email": email})
    if not formulaire.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    with transaction.atomic():
        formulaire.save(domain_override=site.netloc, use_https=site.scheme == "https")
