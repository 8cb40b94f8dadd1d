"""The one e-mail API of the project: ``envoyer(destinataires, gabarit, contexte)``.

A ``gabarit`` names three templates: ``<gabarit>_sujet.txt``, ``<gabarit>_corps.txt`` and optionally
``<gabarit>_corps.html``. Text templates render with the ``texte`` engine (no HTML escaping); the subject is
collapsed to one line (a CR/LF in a project title must never break the e-mail). The message is written to the
django-post-office outbox in the current transaction, so it exists exactly when the change that caused it
commits; once committed, the task ``envoyer_courriels`` is asked to send the outbox. When the broker is down
that request fails fast and is only logged: the beat job sends the outbox every minute, and failed sendings
are retried by post-office (``POST_OFFICE['MAX_RETRIES']``, ``RETRY_INTERVAL``).
"""

import logging

from django.conf import settings
from django.db import transaction
from django.template import TemplateDoesNotExist, engines
from django.template.loader import render_to_string
from post_office import mail

logger = logging.getLogger(__name__)

LONGUEUR_MAX_SUJET = 250


def une_ligne(texte, longueur=LONGUEUR_MAX_SUJET):
    """Collapse every whitespace run (CR, LF, tabs…) to one space; cut to ``longueur`` characters."""
    texte = " ".join(str(texte).replace("\x00", "").split())
    return texte if len(texte) <= longueur else texte[: longueur - 1].rstrip() + "…"


def rendre(gabarit, contexte):
    """(subject, text body, HTML body or "") of ``gabarit`` for ``contexte`` (``site`` = SITE_URL added)."""
    contexte = {"site": settings.SITE_URL, **contexte}
    texte = engines["texte"]
    sujet = une_ligne(texte.get_template(f"{gabarit}_sujet.txt").render(contexte))
    corps = texte.get_template(f"{gabarit}_corps.txt").render(contexte)
    try:
        html = render_to_string(f"{gabarit}_corps.html", contexte)
    except TemplateDoesNotExist:
        html = ""
    return sujet, corps, html


def envoyer(destinataires, gabarit, contexte):
    """Write the e-mail to the outbox (in the current transaction) and have it sent once committed.

    Returns the outbox row, or None when there is no recipient.
    """
    adresses = sorted({a.strip() for a in destinataires if a and a.strip()})
    if not adresses:
        return None
    sujet, corps, html = rendre(gabarit, contexte)
    courriel = mail.send(
        adresses, settings.DEFAULT_FROM_EMAIL, subject=sujet, message=corps, html_message=html, priority="medium"
    )
    transaction.on_commit(demander_envoi)
    return courriel


def demander_envoi():
    """Ask a worker to send the outbox now (eagerly without a broker). Never raises: the beat job catches up."""
    from .tasks import envoyer_courriels

    try:
        envoyer_courriels.delay()
    except Exception:  # broker down, timeout… the mail is safe in the outbox
        logger.warning("Envoi des courriels différé : courtier de tâches indisponible.", exc_info=True)
