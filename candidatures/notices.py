"""What each party is told, and when: the receipt of a filing, the decision notice, the send-back request.

- The teacher and the director do not learn the commission's proposal (retenue, liste d'attente, non
  retenue, rank, proposed period) before the DASEN decides: ``proposition_visible`` is the one rule the
  pages, lists, exports and e-mails follow.
- At each filing the project « as filed » is generated as a PDF (``projet_depose``), one document per
  filing: a later filing after a send-back produces a new document, earlier ones are kept.
- A decision can be downloaded as a notice (``notification_decision``); a refusal or a waiting list states
  its date, its motivation and the means and time limits of appeal.
"""

import uuid
from dataclasses import dataclass

from classes_mobiles.documents import cle_document, demander_document, enregistrer_generateur, identifiant_de
from classes_mobiles.enums import ROLES_ECOLE, TypeDocument

from .enums import Decision, Etat
from .models import ENGAGEMENTS, Candidature, TransitionCandidature
from .workflow import ETATS_MODIFIABLES

DECISIONS_DEFAVORABLES = (Decision.REFUSEE, Decision.LISTE_ATTENTE)
LIBELLE_PROPOSITION_MASQUEE = "Examen par la commission : proposition transmise au DASEN"


# --- Who learns the proposal ---------------------------------------------------------------------------------


def proposition_visible(user, candidature):
    """False for the school (teacher, director) until the DASEN has decided; True for every other role."""
    if candidature.decision:
        return True
    return bool(user.is_superuser) or user.role not in ROLES_ECOLE


def historique_pour(user, candidature, journal):
    """The log entries as this user may read them: the commission's step is masked for the school until the
    decision (the entry says that the commission examined the file, not what it proposed)."""
    if proposition_visible(user, candidature):
        return list(journal)
    lignes = []
    for etape in journal:
        if etape.transition == "proposer":
            etape.libelle = LIBELLE_PROPOSITION_MASQUEE
        lignes.append(etape)
    return lignes


def derniere_etape(journal, transition):
    """The latest entry of ``transition`` in an already loaded (ordered) log, or None."""
    etapes = [e for e in journal if e.transition == transition]
    return etapes[-1] if etapes else None


def demande_de_complements(candidature, journal=None):
    """The IEN's send-back entry (author, date, request) while the candidature waits for completion."""
    if candidature.etat != Etat.A_COMPLETER:
        return None
    if journal is None:
        journal = candidature.historique.filter(transition="renvoyer").select_related("auteur")
    return derniere_etape(journal, "renvoyer")


# --- The project as filed ------------------------------------------------------------------------------------


def cle_projet_depose(candidature, numero_depot):
    return cle_document(TypeDocument.PROJET_DEPOSE, f"{candidature.uuid}.{numero_depot}")


def _lire_cle_depot(cle):
    try:
        identifiant, numero = identifiant_de(cle).rsplit(".", 1)
        return uuid.UUID(identifiant), int(numero)
    except (IndexError, ValueError):
        return None, None


def depots(journal):
    """The filing entries of a loaded log, oldest first (filing n° 1, 2…)."""
    return [e for e in journal if e.transition == "soumettre"]


def demander_projet_depose(candidature, user):
    """Queue the PDF of the project as filed by its latest filing (called right after « soumettre »)."""
    numero = TransitionCandidature.objects.filter(candidature=candidature, transition="soumettre").count()
    return demander_document(TypeDocument.PROJET_DEPOSE, cle_projet_depose(candidature, numero), user)


def _candidature_visible(user, identifiant):
    return identifiant is not None and Candidature.objects.visibles_par(user).filter(uuid=identifiant).exists()


def peut_voir_projet_depose(user, cle):
    identifiant, _ = _lire_cle_depot(cle)
    return _candidature_visible(user, identifiant)


class DepotIntrouvable(LookupError):
    pass


@enregistrer_generateur(TypeDocument.PROJET_DEPOSE, peut_voir=peut_voir_projet_depose)
def projet_depose(cle):
    identifiant, numero = _lire_cle_depot(cle)
    candidature = Candidature.objects.select_related(
        "campagne", "ecole__commune", "ecole__circonscription", "enseignant"
    ).get(uuid=identifiant)
    journal = list(candidature.historique.select_related("auteur"))
    liste_depots = depots(journal)
    if not 1 <= numero <= len(liste_depots):
        raise DepotIntrouvable(f"Le dépôt n° {numero} de cette candidature n'existe pas.")
    depot = liste_depots[numero - 1]
    # The project can only change in an editable state: once sent back after this filing, its content is no
    # longer the one filed, and this document must not be produced from it.
    if any(e.date > depot.date and e.etat_apres in ETATS_MODIFIABLES for e in journal):
        raise DepotIntrouvable(
            "Le projet a été renvoyé pour compléments depuis ce dépôt : sa version déposée ne peut plus être produite."
        )
    contexte = {
        "candidature": candidature,
        "depot": depot,
        "numero_depot": numero,
        "voeux": list(candidature.voeux.select_related("periode")),
        "pieces_jointes": list(candidature.pieces_jointes.filter(date_ajout__lte=depot.date)),
        "engagements": [libelle for nom, libelle in ENGAGEMENTS if getattr(candidature, nom)],
    }
    return "pdf/projet_depose.html", contexte, f"projet-depose-{candidature.numero}-depot-{numero}"


# --- The decision notice -------------------------------------------------------------------------------------


def cle_notification(candidature):
    return cle_document(TypeDocument.NOTIFICATION_DECISION, candidature.uuid)


def _uuid(cle):
    try:
        return uuid.UUID(identifiant_de(cle))
    except (IndexError, ValueError):
        return None


def peut_voir_notification(user, cle):
    return _candidature_visible(user, _uuid(cle))


def peut_demander_notification(user, cle):
    identifiant = _uuid(cle)
    return (
        identifiant is not None
        and Candidature.objects.visibles_par(user).filter(uuid=identifiant).exclude(decision="").exists()
    )


# The means and time limits of appeal an unfavourable administrative decision states (one text for the page,
# the PDF notice and the e-mail).
VOIES_RECOURS = (
    "Cette décision peut faire l'objet, dans un délai de deux mois à compter de sa notification, d'un recours "
    "gracieux auprès du directeur académique des services de l'éducation nationale (DASEN) ou d'un recours "
    "hiérarchique auprès du recteur de l'académie.",
    "Elle peut également faire l'objet d'un recours contentieux devant le tribunal administratif territorialement "
    "compétent dans un délai de deux mois à compter de sa notification ou, en cas de recours gracieux ou "
    "hiérarchique, à compter de la réponse de l'administration (son silence pendant deux mois vaut rejet). Le "
    "tribunal administratif peut être saisi par l'application « Télérecours citoyens » accessible sur le site "
    "www.telerecours.fr.",
)


@dataclass(frozen=True)
class Notification:
    """A decision as notified: the decision, its date and author, its motivation, whether appeal is stated."""

    decision: str
    libelle: str
    date: object
    auteur: object
    motivation: str
    periode: object

    @property
    def defavorable(self):
        return self.decision in DECISIONS_DEFAVORABLES

    @property
    def voies_recours(self):
        return VOIES_RECOURS if self.defavorable else ()


def notification(candidature, journal):
    """The decision notice of a decided candidature (None before the decision)."""
    if not candidature.decision:
        return None
    etape = derniere_etape(journal, "decider")
    return Notification(
        decision=candidature.decision,
        libelle=candidature.get_decision_display(),
        date=etape.date if etape else candidature.date_modification,
        auteur=etape.auteur if etape else None,
        motivation=candidature.motivation_decision,
        periode=candidature.periode_proposee if candidature.decision == Decision.ACCEPTEE else None,
    )


@enregistrer_generateur(
    TypeDocument.NOTIFICATION_DECISION, peut_voir=peut_voir_notification, peut_demander=peut_demander_notification
)
def notification_decision(cle):
    candidature = Candidature.objects.select_related(
        "campagne", "ecole__commune", "ecole__circonscription", "enseignant", "periode_proposee"
    ).get(uuid=_uuid(cle))
    avis = notification(candidature, list(candidature.historique.select_related("auteur")))
    if avis is None:
        raise DepotIntrouvable("Aucune décision n'a encore été prise sur cette candidature.")
    contexte = {"candidature": candidature, "notification": avis}
    return "pdf/notification_decision.html", contexte, f"notification-decision-{candidature.numero}"
