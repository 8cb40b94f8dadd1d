"""The candidature workflow: ONE declarative table, one function to apply a transition.

A transition checks the table (from-state, role, territory), locks the row, applies its
changes, writes the log and queues the e-mails on commit.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from classes_mobiles.enums import Role

from .enums import Avis, Decision, Etat, Proposition
from .models import Candidature, TransitionCandidature
from .notifications import notifier_transition

DEPARTEMENT = "departement"
AUTEUR = "auteur"
ECOLE = "ecole"
CIRCONSCRIPTION = "circonscription"


@dataclass(frozen=True)
class Transition:
    nom: str
    libelle: str
    depuis: frozenset
    vers: str
    roles: frozenset
    portee: str  # who within the role: the author, the school, the circonscription, the department
    commentaire_obligatoire: bool = False
    notifier: tuple = field(default=())  # roles notified besides the teacher


def _t(nom, libelle, depuis, vers, roles, portee, **options):
    return Transition(nom, libelle, frozenset(depuis), vers, frozenset(roles), portee, **options)


AVANT_DECISION = {
    Etat.BROUILLON,
    Etat.SOUMISE,
    Etat.AUTORISEE,
    Etat.A_COMPLETER,
    Etat.AVIS_DONNE,
    Etat.INSCRITE,
    Etat.PROPOSEE,
}

TRANSITIONS = {
    t.nom: t
    for t in [
        _t("soumettre", "Soumettre au directeur", {Etat.BROUILLON, Etat.A_COMPLETER}, Etat.SOUMISE,
           {Role.ENSEIGNANT, Role.DIRECTEUR}, AUTEUR, notifier=(Role.DIRECTEUR,)),
        _t("autoriser", "Autoriser", {Etat.SOUMISE}, Etat.AUTORISEE, {Role.DIRECTEUR}, ECOLE, notifier=(Role.IEN,)),
        _t("refuser_directeur", "Refuser l'autorisation", {Etat.SOUMISE}, Etat.REFUSEE_DIRECTEUR, {Role.DIRECTEUR},
           ECOLE, commentaire_obligatoire=True),
        _t("renvoyer", "Renvoyer pour compléments", {Etat.AUTORISEE}, Etat.A_COMPLETER, {Role.IEN}, CIRCONSCRIPTION,
           commentaire_obligatoire=True),
        _t("donner_avis", "Donner l'avis de l'IEN", {Etat.AUTORISEE}, Etat.AVIS_DONNE, {Role.IEN}, CIRCONSCRIPTION,
           notifier=(Role.COMMISSION, Role.CPD)),
        _t("inscrire", "Inscrire en commission", {Etat.AVIS_DONNE}, Etat.INSCRITE, {Role.COMMISSION, Role.CPD},
           DEPARTEMENT),
        _t("retirer_session", "Retirer de l'ordre du jour", {Etat.INSCRITE}, Etat.AVIS_DONNE,
           {Role.COMMISSION, Role.CPD}, DEPARTEMENT),
        _t("proposer", "Proposer", {Etat.INSCRITE}, Etat.PROPOSEE, {Role.COMMISSION}, DEPARTEMENT,
           notifier=(Role.DASEN,)),
        _t("decider", "Décision du DASEN", {Etat.PROPOSEE}, Etat.ACCEPTEE, {Role.DASEN}, DEPARTEMENT,
           commentaire_obligatoire=True, notifier=(Role.DIRECTEUR, Role.IEN, Role.ERUN)),
        _t("retirer", "Retirer la candidature", AVANT_DECISION, Etat.RETIREE, {Role.ENSEIGNANT, Role.DIRECTEUR},
           AUTEUR, notifier=(Role.DIRECTEUR,)),
    ]
}  # fmt: skip

ETAT_DECISION = {
    Decision.ACCEPTEE: Etat.ACCEPTEE,
    Decision.REFUSEE: Etat.REFUSEE,
    Decision.LISTE_ATTENTE: Etat.LISTE_ATTENTE,
}


class TransitionImpossible(Exception):
    """The transition is not allowed now: wrong state, role or territory, or missing data."""

    message_defaut = "Action déjà effectuée ou impossible dans l'état actuel."

    def __init__(self, message=None):
        super().__init__(message or self.message_defaut)
        self.message = message or self.message_defaut


def dans_la_portee(user, candidature, portee):
    if user.is_superuser and portee == DEPARTEMENT:
        return True
    if portee == AUTEUR:
        return candidature.enseignant_id == user.pk
    if portee == ECOLE:
        return candidature.ecole_id == user.ecole_id
    if portee == CIRCONSCRIPTION:
        return candidature.ecole.circonscription_id == user.circonscription_id
    return portee == DEPARTEMENT


def est_permise(transition, user, candidature):
    return (
        candidature.etat in transition.depuis
        and (user.role in transition.roles or (user.is_superuser and transition.portee == DEPARTEMENT))
        and dans_la_portee(user, candidature, transition.portee)
    )


def transitions_possibles(user, candidature):
    return [t for t in TRANSITIONS.values() if est_permise(t, user, candidature)]


def appliquer(nom, candidature, user, commentaire="", **donnees):
    """Apply transition ``nom`` to ``candidature`` on behalf of ``user``.

    Raises TransitionImpossible (with a French message) when it is not allowed now; then nothing changes.
    """
    transition = TRANSITIONS[nom]
    commentaire = (commentaire or "").strip()
    with transaction.atomic():
        # Lock the row and re-read its state: a second click or a concurrent user sees the new state.
        candidature = Candidature.objects.select_for_update().select_related("ecole").get(pk=candidature.pk)
        if not est_permise(transition, user, candidature):
            raise TransitionImpossible()
        if transition.commentaire_obligatoire and not commentaire:
            raise TransitionImpossible("Un commentaire est obligatoire pour cette action.")
        etat_avant = candidature.etat
        candidature.etat = transition.vers
        _effets(nom, candidature, commentaire, donnees)
        candidature.save()
        entree = TransitionCandidature.objects.create(
            candidature=candidature,
            transition=nom,
            libelle=_libelle_journal(transition, candidature),
            auteur=user,
            etat_avant=etat_avant,
            etat_apres=candidature.etat,
            commentaire=commentaire,
        )
        notifier_transition(candidature, transition, entree)  # into the outbox, in this transaction
    return candidature


def _effets(nom, candidature, commentaire, donnees):
    """What each transition changes besides the state."""
    if nom == "soumettre":
        manquants = candidature.champs_manquants()
        if manquants:
            raise TransitionImpossible("Complétez le projet avant de le soumettre : " + ", ".join(manquants) + ".")
        if not candidature.engagements_complets():
            raise TransitionImpossible(
                "Tous les engagements, dont la formation technique avant le retrait, doivent être cochés pour soumettre."
            )
        if not candidature.voeux.exists():
            raise TransitionImpossible("Indiquez au moins une période souhaitée avant de soumettre.")
        if not candidature.campagne.depot_ouvert:
            raise TransitionImpossible("Le dépôt des candidatures de cette campagne est fermé.")
        candidature.date_depot = timezone.now()
    elif nom == "donner_avis":
        avis = donnees.get("avis")
        if avis not in Avis.values:
            raise TransitionImpossible("Choisissez un avis : favorable, réservé ou défavorable.")
        candidature.avis_ien, candidature.avis_commentaire = avis, commentaire
    elif nom == "inscrire":
        session = donnees.get("session")
        if session is None or session.campagne_id != candidature.campagne_id or session.cloturee:
            raise TransitionImpossible("Cette session n'accepte pas cette candidature.")
        candidature.session = session
    elif nom == "retirer_session":
        candidature.session, candidature.rang, candidature.proposition, candidature.periode_proposee = (
            None,
            None,
            "",
            None,
        )
    elif nom == "proposer":
        proposition, periode = donnees.get("proposition"), donnees.get("periode")
        if proposition not in Proposition.values:
            raise TransitionImpossible("Choisissez une proposition.")
        if proposition == Proposition.RETENUE:
            if periode is None or periode.campagne_id != candidature.campagne_id:
                raise TransitionImpossible("Une candidature retenue demande une période de la campagne.")
        else:
            periode = None
        candidature.proposition, candidature.periode_proposee = proposition, periode
        candidature.rang = donnees.get("rang", candidature.rang)
    elif nom == "decider":
        decision = donnees.get("decision")
        if decision not in Decision.values:
            raise TransitionImpossible("Choisissez une décision.")
        candidature.decision, candidature.motivation_decision = decision, commentaire
        candidature.etat = ETAT_DECISION[decision]


def _libelle_journal(transition, candidature):
    if transition.nom == "donner_avis":
        return f"Avis de l'IEN : {candidature.get_avis_ien_display().lower()}"
    if transition.nom == "proposer":
        libelle = f"Proposition de la commission : {candidature.get_proposition_display().lower()}"
        if candidature.periode_proposee:
            libelle += f" ({candidature.periode_proposee.libelle})"
        return libelle
    if transition.nom == "decider":
        return f"Décision du DASEN : {candidature.get_decision_display().lower()}"
    return transition.libelle
