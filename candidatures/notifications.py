"""Who is told of a transition, and the e-mail they get."""

from django.conf import settings
from django.template.loader import render_to_string

from classes_mobiles.enums import ROLES_CIRCONSCRIPTION, ROLES_ECOLE
from classes_mobiles.models import Utilisateur
from classes_mobiles.tasks import envoyer_email


def destinataires(candidature, roles):
    """E-mails of the teacher and of the active users of ``roles`` whose territory covers the candidature."""
    adresses = {candidature.enseignant.email}
    for user in Utilisateur.objects.filter(role__in=roles, is_active=True).only(
        "email", "role", "ecole_id", "circonscription_id"
    ):
        if user.role in ROLES_ECOLE and user.ecole_id != candidature.ecole_id:
            continue
        if user.role in ROLES_CIRCONSCRIPTION and user.circonscription_id != candidature.ecole.circonscription_id:
            continue
        adresses.add(user.email)
    return sorted(adresses)


def notifier_transition(candidature_id, nom_transition):
    """Called on commit: queue one e-mail to the teacher and the next actors."""
    from .models import Candidature
    from .workflow import TRANSITIONS

    candidature = Candidature.objects.select_related("ecole", "enseignant", "campagne").get(pk=candidature_id)
    transition = TRANSITIONS[nom_transition]
    dernier = candidature.historique.select_related("auteur").last()
    contexte = {"candidature": candidature, "journal": dernier, "site": getattr(settings, "SITE_URL", "")}
    sujet = render_to_string("candidatures/email/transition_sujet.txt", contexte).strip()
    corps = render_to_string("candidatures/email/transition_corps.txt", contexte)
    envoyer_email.delay(sujet, corps, destinataires(candidature, transition.notifier))
