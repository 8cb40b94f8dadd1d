"""The candidature workflow: ONE declarative table, one function to apply a transition.

A transition checks the table (from-state, role, territory), locks the row, applies its
changes, writes the log and queues the e-mails on commit.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from classes_mobiles.enums import Role
from classes_mobiles.models import Periode
from classes_mobiles.perms import est_admin

from .enums import Avis, Decision, Etat, Proposition
from .models import Candidature, SessionCommission, TransitionCandidature, VoeuPeriode
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
ETATS_DECIDES = frozenset(ETAT_DECISION.values())

# The decision the DASEN's form starts from, for each proposal of the commission.
DECISION_PROPOSEE = {
    Proposition.RETENUE: Decision.ACCEPTEE,
    Proposition.LISTE_ATTENTE: Decision.LISTE_ATTENTE,
    Proposition.NON_RETENUE: Decision.REFUSEE,
}

# The teacher edits the project only in these states (checked again on the locked row when saving).
ETATS_MODIFIABLES = frozenset({Etat.BROUILLON, Etat.A_COMPLETER})


class TransitionImpossible(Exception):
    """The transition is not allowed now: wrong state, role or territory, or missing data."""

    message_defaut = "Action déjà effectuée ou impossible dans l'état actuel."

    def __init__(self, message=None):
        super().__init__(message or self.message_defaut)
        self.message = message or self.message_defaut


def peut_agir(user, nom):
    """Whether the user's role may perform transition ``nom`` at all (state and territory aside).

    The one source of "who may do what": view decorators and page buttons ask this, never a list of roles.
    Administrators (see ``classes_mobiles.perms.est_admin``) may perform every departmental transition.
    """
    transition = TRANSITIONS[nom]
    return getattr(user, "role", None) in transition.roles or (est_admin(user) and transition.portee == DEPARTEMENT)


def roles_pour(*noms):
    """The roles allowed to perform any of these transitions, for ``role_requis`` (administrators always pass)."""
    return sorted({role for nom in noms for role in TRANSITIONS[nom].roles})


def dans_la_portee(user, candidature, portee):
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
        and peut_agir(user, transition.nom)
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
        candidature = Candidature.objects.select_for_update(of=("self",)).select_related("ecole").get(pk=candidature.pk)
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


# --- Periods of the candidature's own campaign ----------------------------------------------------------------
# A wished or proposed period must belong to the candidature's campaign. That spans two tables, and Django 5.2 has
# no composite foreign key (which would be the database's way: Periode(campagne, id) referenced by
# (campagne, periode)), so it is enforced here, where every wish and proposal is written, and stays true because
# a period never changes campaign (Periode.clean) and keeps its dates once referred to (generer_periodes).
# Race with a regeneration: the insert's foreign key check takes a KEY SHARE lock on the period, which waits for
# (or is waited on by) the FOR UPDATE lock ``generer_periodes`` holds while it rewrites the periods.


def verifier_periodes(candidature, periodes):
    etrangeres = [p for p in periodes if p is not None and p.campagne_id != candidature.campagne_id]
    if etrangeres:
        raise TransitionImpossible(
            f"La période « {etrangeres[0].libelle} » n'appartient pas à la campagne de la candidature."
        )


def enregistrer_voeux(candidature, periodes):
    """Replace the candidature's wished periods (in order of preference); the caller holds the row's lock."""
    periodes = list(periodes)
    # Read again from the database: the campaign of a period as stored, not as an object in memory says.
    stockees = {p.pk: p for p in Periode.objects.filter(pk__in=[p.pk for p in periodes])}
    verifier_periodes(candidature, [stockees.get(p.pk, p) for p in periodes])
    VoeuPeriode.objects.filter(candidature=candidature).delete()
    VoeuPeriode.objects.bulk_create(
        VoeuPeriode(candidature=candidature, periode=periode, rang=rang) for rang, periode in enumerate(periodes, 1)
    )


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
        if candidature.voeux.filter(periode__date_debut__lte=timezone.localdate()).exists():
            raise TransitionImpossible("Une période souhaitée a déjà commencé : choisissez des périodes à venir.")
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
        if session is not None:  # locked: a session being closed at this moment accepts nothing more
            session = SessionCommission.objects.select_for_update().get(pk=session.pk)
        if session is None or session.campagne_id != candidature.campagne_id or session.cloturee:
            raise TransitionImpossible("Cette session n'accepte pas cette candidature.")
        candidature.session = session
    elif nom in ("retirer_session", "retirer"):
        # Off the agenda and out of the minutes: the rank is freed for the others, the period too.
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
            if periode is not None:
                periode = Periode.objects.filter(pk=periode.pk).first()
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


# --- Batch actions ---------------------------------------------------------------------------------------------
# A batch locks every row it may change, in a stable order (primary key: two batches never wait on each
# other crosswise), re-checks each row against the table, applies what is still valid and reports the rest
# row by row instead of failing the whole batch.


@dataclass
class Bilan:
    faites: list = field(default_factory=list)
    ignorees: list = field(default_factory=list)  # (candidature, French reason)

    def ignorer(self, candidature, raison):
        self.ignorees.append((candidature, raison))

    def resume_ignorees(self):
        if not self.ignorees:
            return ""
        nb = len(self.ignorees)
        details = " ; ".join(f"« {c.titre} » {raison}" for c, raison in self.ignorees)
        return f"{nb} candidature{'s' if nb > 1 else ''} ignorée{'s' if nb > 1 else ''} : {details}."


class ClassementInvalide(TransitionImpossible):
    """The ranking contradicts itself or the ranks already held: nothing was saved."""


def raison_changement(candidature, session=None):
    """Why a row shown on a page can no longer take the action (someone else acted meanwhile)."""
    if candidature.etat == Etat.RETIREE:
        return "retirée par l'enseignant entre-temps"
    if candidature.etat in ETATS_DECIDES:
        return f"déjà décidée entre-temps ({candidature.get_etat_display().lower()})"
    if session is not None and candidature.session_id != session.pk:
        return "retirée de l'ordre du jour entre-temps"
    if candidature.etat == Etat.PROPOSEE:
        return "déjà transmise au DASEN"
    return f"son état a changé entre-temps ({candidature.get_etat_display().lower()})"


def _verrouiller(user, ids):
    """Lock these candidatures (those the user may see), in primary key order; returns them by uuid."""
    qs = (
        Candidature.objects.visibles_par(user).select_for_update(of=("self",)).filter(uuid__in=list(ids)).order_by("pk")
    )
    return {c.uuid: c for c in qs}


def enregistrer_classement(session, user, lignes, transmettre=False):
    """Save the commission's ranking of ``session``; with ``transmettre``, send the proposals to the DASEN.

    ``lignes`` maps the uuid of each row shown on the page to ``{"rang", "proposition", "periode"}``. Saving keeps
    the candidatures in their state (inscribed); transmitting applies "proposer" to each row that has a proposal.
    A rank already held in the session (by a row transmitted earlier, or twice in the posted ranking) raises
    ClassementInvalide with a French message and saves nothing. Rows that changed meanwhile are reported.
    """
    if not peut_agir(user, "proposer"):
        raise TransitionImpossible("Le classement est établi par la commission.")
    bilan = Bilan()
    with transaction.atomic():
        # Every row of the session (ranks are unique per session) and every posted row (to report it); then the
        # session itself. Rows before session, as "inscrire" does, so that two actions never wait crosswise.
        verrouillees = (
            Candidature.objects.select_for_update(of=("self",))
            .filter(Q(session=session) | Q(uuid__in=list(lignes), campagne_id=session.campagne_id))
            .order_by("pk")
        )
        rows = list(verrouillees)
        session = SessionCommission.objects.select_for_update().get(pk=session.pk)
        if session.cloturee:
            raise TransitionImpossible("Cette session est close : son classement ne peut plus changer.")
        editables = {c.uuid: c for c in rows if c.session_id == session.pk and c.etat == Etat.INSCRITE}
        for c in rows:
            if c.uuid in lignes and c.uuid not in editables:
                bilan.ignorer(c, raison_changement(c, session))
        nouvelles = {}
        for uuid, c in editables.items():
            ligne = lignes.get(uuid)
            if ligne is None:  # inscribed by someone else after the page was shown: keep its values
                ligne = {"rang": c.rang, "proposition": c.proposition, "periode": c.periode_proposee}
            proposition = ligne.get("proposition") or ""
            periode = ligne.get("periode") if proposition == Proposition.RETENUE else None
            if periode is not None and periode.campagne_id != session.campagne_id:
                raise ClassementInvalide(f"« {c.titre} » : cette période n'appartient pas à la campagne.")
            nouvelles[c] = (ligne.get("rang"), proposition, periode)
        _verifier_rangs(session, rows, editables, nouvelles)
        try:
            with transaction.atomic():
                # Two phases: free the ranks that move, then give the new ones (a swap never meets itself).
                Candidature.objects.filter(pk__in=[c.pk for c in nouvelles]).update(rang=None)
                for c, (rang, proposition, periode) in nouvelles.items():
                    Candidature.objects.filter(pk=c.pk).update(
                        rang=rang, proposition=proposition, periode_proposee=periode
                    )
        except IntegrityError as erreur:  # not reachable with the rows locked; never a 500 if it were
            raise ClassementInvalide("Deux candidatures ne peuvent avoir le même rang dans une session.") from erreur
        if not transmettre:
            bilan.faites = list(nouvelles)
            return bilan
        for c, (rang, proposition, periode) in sorted(nouvelles.items(), key=lambda e: (e[1][0] or 10**6, e[0].pk)):
            if not proposition:
                bilan.ignorer(c, "n'a pas de proposition : elle reste à l'ordre du jour")
                continue
            try:
                bilan.faites.append(appliquer("proposer", c, user, proposition=proposition, periode=periode, rang=rang))
            except TransitionImpossible as erreur:
                bilan.ignorer(c, erreur.message.rstrip("."))
    return bilan


def _verifier_rangs(session, rows, editables, nouvelles):
    detenus = {}
    for c in rows:
        if c.session_id == session.pk and c.rang is not None and c.uuid not in editables:
            detenus[c.rang] = c
    erreurs = []
    for c, (rang, _, _) in sorted(nouvelles.items(), key=lambda e: e[0].pk):
        if rang is None:
            continue
        if rang in detenus:
            erreurs.append(f"Le rang {rang} de « {c.titre} » est déjà attribué à « {detenus[rang].titre} ».")
        else:
            detenus[rang] = c
    if erreurs:
        raise ClassementInvalide(" ".join(erreurs) + " Chaque rang ne peut être donné qu'une fois par session.")


def decider_lot(session, user, lignes):
    """The DASEN decides several proposals of ``session`` at once.

    ``lignes`` is a list of ``(uuid, decision, motivation)``. Each row is locked and re-checked: a row withdrawn
    or decided by someone else meanwhile is reported in the Bilan, the others are decided.
    """
    bilan = Bilan()
    with transaction.atomic():
        verrouillees = _verrouiller(user, (uuid for uuid, _, _ in lignes))
        for uuid, decision, motivation in lignes:
            c = verrouillees.get(uuid)
            if c is None:
                continue
            if c.session_id != session.pk or c.etat not in TRANSITIONS["decider"].depuis:
                bilan.ignorer(c, raison_changement(c, session))
                continue
            try:
                bilan.faites.append(appliquer("decider", c, user, commentaire=motivation, decision=decision))
            except TransitionImpossible as erreur:
                bilan.ignorer(c, erreur.message.rstrip("."))
    return bilan


def clore_session(session, user):
    """Close a session once every candidature of its agenda has been transmitted: it then accepts nothing new."""
    if not peut_agir(user, "proposer"):
        raise TransitionImpossible("La session est close par la commission.")
    with transaction.atomic():
        session = SessionCommission.objects.select_for_update().get(pk=session.pk)
        if session.cloturee:
            raise TransitionImpossible("Cette session est déjà close.")
        restantes = Candidature.objects.filter(session=session, etat=Etat.INSCRITE).count()
        if restantes:
            raise TransitionImpossible(
                f"{restantes} candidature(s) de l'ordre du jour n'ont pas encore été transmises au DASEN : "
                "transmettez-les ou retirez-les de l'ordre du jour avant de clore la session."
            )
        session.cloturee = True
        session.save(update_fields=["cloturee"])
    return session
