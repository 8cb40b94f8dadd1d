"""Who is told of a transition, and the e-mail they get.

Called by the transition function inside its transaction, with the journal entry it has just written: the
e-mail describes that step (not whatever entry is last when several transitions commit together) and lands
in the outbox only if the change commits.
"""

from django.db.models import Q

from classes_mobiles.courriels import envoyer
from classes_mobiles.enums import ROLES_CIRCONSCRIPTION, ROLES_DEPARTEMENT, ROLES_ECOLE
from classes_mobiles.models import Utilisateur

# What happened, as the subject says it after « Candidature n° … : ».
EVENEMENTS = {
    "soumettre": "transmise au directeur ou à la directrice d'école pour autorisation",
    "autoriser": "autorisée par le directeur ou la directrice d'école",
    "refuser_directeur": "autorisation refusée par le directeur ou la directrice d'école",
    "renvoyer": "renvoyée par l'IEN pour compléments",
    "donner_avis": "avis de l'IEN rendu",
    "inscrire": "inscrite à l'ordre du jour de la commission",
    "retirer_session": "retirée de l'ordre du jour de la commission",
    "proposer": "proposition de la commission transmise au DASEN",
    "decider": "décision du DASEN rendue",
    "retirer": "candidature retirée",
}


def destinataires(candidature, roles):
    """E-mails of the teacher and of the active users of ``roles`` whose territory covers the candidature.

    One query: the territory of each role is a condition of the SQL filter.
    """
    couverture = Q(pk=candidature.enseignant_id)
    if roles_ecole := ROLES_ECOLE.intersection(roles):
        couverture |= Q(role__in=roles_ecole, ecole_id=candidature.ecole_id)
    if roles_circo := ROLES_CIRCONSCRIPTION.intersection(roles):
        couverture |= Q(role__in=roles_circo, circonscription_id=candidature.ecole.circonscription_id)
    if roles_departement := ROLES_DEPARTEMENT.intersection(roles):
        couverture |= Q(role__in=roles_departement)
    adresses = Utilisateur.objects.filter(couverture, is_active=True).exclude(email="").values_list("email", flat=True)
    return sorted(set(adresses))


def evenement(transition, candidature):
    """« avis de l'IEN rendu »: what the step did, for the subject (the transition's label when not listed)."""
    if transition.nom == "decider" and candidature.decision:
        return f"décision du DASEN : {candidature.get_decision_display().lower()}"
    return EVENEMENTS.get(transition.nom, transition.libelle.lower())


def notifier_transition(candidature, transition, entree):
    """Write to the outbox the e-mail telling the teacher and the next actors of ``entree`` (journal entry)."""
    contexte = {
        "candidature": candidature,
        "transition": transition,
        "evenement": evenement(transition, candidature),
        "journal": entree,
    }
    return envoyer(destinataires(candidature, transition.notifier), "candidatures/email/transition", contexte)
