"""The commission minutes (procès-verbal) as a document of the PDF pipeline."""

import uuid

from django.db.models import F

from classes_mobiles.documents import cle_document, demander_document, enregistrer_generateur, identifiant_de
from classes_mobiles.enums import Role, TypeDocument

from .eligibilite import calculer_drapeaux, repartition_geographique
from .models import SessionCommission


def cle_pv(session):
    return cle_document(TypeDocument.PV_COMMISSION, session.uuid)


def _uuid_session(cle):
    try:
        return uuid.UUID(identifiant_de(cle))
    except (IndexError, ValueError):
        return None


def _session(cle):
    return SessionCommission.objects.select_related("campagne").get(uuid=_uuid_session(cle))


# Who may (re)generate the minutes: those who may ask for them on the session page.
ROLES_DEMANDE_PV = frozenset({Role.COMMISSION, Role.CPD, Role.ADMIN})


def peut_voir_pv(user, cle):
    """The minutes follow their session: whoever sees the session sees its minutes (``visibles_par``)."""
    identifiant = _uuid_session(cle)
    return identifiant is not None and SessionCommission.objects.visibles_par(user).filter(uuid=identifiant).exists()


def peut_demander_pv(user, cle):
    return (user.is_superuser or user.role in ROLES_DEMANDE_PV) and peut_voir_pv(user, cle)


@enregistrer_generateur(TypeDocument.PV_COMMISSION, peut_voir=peut_voir_pv, peut_demander=peut_demander_pv)
def pv_commission(cle):
    session = _session(cle)
    candidatures = session.candidatures.select_related(
        "campagne", "ecole__commune", "ecole__circonscription", "enseignant", "periode_proposee"
    ).order_by(F("rang").asc(nulls_last=True), "ecole__nom", "pk")
    context = {
        "session": session,
        "campagne": session.campagne,
        "membres": list(session.membres.order_by("nom", "prenom")),
        "membres_externes": [ligne.strip() for ligne in session.membres_externes.splitlines() if ligne.strip()],
        "candidatures": calculer_drapeaux(candidatures),
        "repartition": repartition_geographique(session),
    }
    return "pdf/pv_commission.html", context, f"pv-commission-{session.date:%Y-%m-%d}"


def demander_pv(session, user):
    """Queue a new version of the session's minutes (or return the one already being generated)."""
    return demander_document(TypeDocument.PV_COMMISSION, cle_pv(session), user)
