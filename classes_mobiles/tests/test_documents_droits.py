"""Who may see and ask for each type of generated document: one matrix, every role, in and out of territory.

Every type registered in ``classes_mobiles.documents.GENERATEURS`` must have its scenarios in ``MATRICE``
below: a new type fails ``test_chaque_type_de_document_a_sa_matrice`` (and its own parametrised case) until
it is added. A scenario builds the document's subject, names its key and the actors around it (see
``acteurs_autour``), and lists the actors that may see it and those that may ask for a new version; every
other actor must be refused, by the functions and by the views (404, or the login page when signed out).
The document of each scenario is generated once, and its PDF checked for accessibility tags.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from pypdf import PdfReader

from candidatures.documents import cle_pv
from candidatures.enums import Avis, Proposition
from candidatures.tests.factories import CandidatureFactory, SessionCommissionFactory
from classes_mobiles import documents as service
from classes_mobiles.celery import app as celery_app
from classes_mobiles.enums import EtatDocument, Role, TypeDocument
from classes_mobiles.tests.factories import CampagneFactory, EcoleFactory, UtilisateurFactory
from classes_mobiles.tests.reponses import fermer

pytestmark = pytest.mark.django_db

# Actor labels (keys of ``acteurs_autour``).
ANONYME = "anonyme"
DESACTIVE = "compte désactivé (admin)"
SUPERUTILISATEUR = "superutilisateur"
AUTEUR = "enseignant auteur"
ENSEIGNANT_ECOLE = "enseignant de l'école"
ENSEIGNANT_HORS = "enseignant hors territoire"
DIRECTEUR_ECOLE = "directeur de l'école"
DIRECTEUR_HORS = "directeur hors territoire"
IEN_CIRCO = "IEN de la circonscription"
IEN_HORS = "IEN hors territoire"
ERUN_CIRCO = "eRUN de la circonscription"
ERUN_HORS = "eRUN hors territoire"
CPD, COMMISSION, DASEN, DSI, ADMIN = "CPD", "commission", "DASEN", "DSI", "admin"
DEPARTEMENT = frozenset({CPD, COMMISSION, DASEN, DSI, ADMIN})


def acteurs_autour(ecole, auteur=None):
    """One account of every role around a school: in its territory and outside (another school, another
    circonscription), departmental roles, a superuser, a disabled account and an anonymous visitor."""
    ailleurs = EcoleFactory()  # another school in another circonscription
    circo, autre_circo = ecole.circonscription, ailleurs.circonscription
    return {
        ANONYME: AnonymousUser(),
        DESACTIVE: UtilisateurFactory(role=Role.ADMIN, is_active=False),
        SUPERUTILISATEUR: UtilisateurFactory(role=Role.ENSEIGNANT, ecole=ailleurs, is_superuser=True),
        AUTEUR: auteur or UtilisateurFactory(role=Role.ENSEIGNANT, ecole=ecole),
        ENSEIGNANT_ECOLE: UtilisateurFactory(role=Role.ENSEIGNANT, ecole=ecole),
        ENSEIGNANT_HORS: UtilisateurFactory(role=Role.ENSEIGNANT, ecole=ailleurs),
        DIRECTEUR_ECOLE: UtilisateurFactory(role=Role.DIRECTEUR, ecole=ecole),
        DIRECTEUR_HORS: UtilisateurFactory(role=Role.DIRECTEUR, ecole=ailleurs),
        IEN_CIRCO: UtilisateurFactory(role=Role.IEN, circonscription=circo),
        IEN_HORS: UtilisateurFactory(role=Role.IEN, circonscription=autre_circo),
        ERUN_CIRCO: UtilisateurFactory(role=Role.ERUN, circonscription=circo),
        ERUN_HORS: UtilisateurFactory(role=Role.ERUN, circonscription=autre_circo),
        CPD: UtilisateurFactory(role=Role.CPD),
        COMMISSION: UtilisateurFactory(role=Role.COMMISSION),
        DASEN: UtilisateurFactory(role=Role.DASEN),
        DSI: UtilisateurFactory(role=Role.DSI),
        ADMIN: UtilisateurFactory(role=Role.ADMIN),
    }


@dataclass(frozen=True)
class Cas:
    cle: str
    acteurs: dict


@dataclass(frozen=True)
class Scenario:
    nom: str
    preparer: Callable[[], Cas]
    voir: frozenset
    demander: frozenset


# --- Scenarios per document type ---------------------------------------------------------------------------


def session_de_commission():
    """A session with a candidature of each outcome: the minutes list refused projects too."""
    campagne = CampagneFactory()
    session = SessionCommissionFactory(campagne=campagne)
    candidatures = [
        CandidatureFactory(inscrite=True, campagne=campagne, session=session, avis_ien=avis, rang=rang, proposition=p)
        for rang, (avis, p) in enumerate(
            [(Avis.FAVORABLE, Proposition.RETENUE), (Avis.DEFAVORABLE, Proposition.NON_RETENUE)], start=1
        )
    ]
    premiere = candidatures[0]
    return Cas(cle=cle_pv(session), acteurs=acteurs_autour(premiere.ecole, premiere.enseignant))


# The file's documents follow the candidature (visibles_par): its author, the school's director, the
# circonscription's IEN and eRUN, the departmental roles except the DSI (accepted candidatures only).
VOIENT_LA_CANDIDATURE = frozenset(
    {AUTEUR, DIRECTEUR_ECOLE, IEN_CIRCO, ERUN_CIRCO, CPD, COMMISSION, DASEN, ADMIN, SUPERUTILISATEUR}
)


def candidature_deposee():
    """A filed project (one filing in its log): its receipt is the project as filed."""
    from candidatures.enums import Etat
    from candidatures.notices import cle_projet_depose

    c = CandidatureFactory(autorisee=True)
    c.historique.create(
        transition="soumettre", libelle="Soumettre au directeur", auteur=c.enseignant,
        etat_avant=Etat.BROUILLON, etat_apres=Etat.SOUMISE,
    )  # fmt: skip
    return Cas(cle=cle_projet_depose(c, 1), acteurs=acteurs_autour(c.ecole, c.enseignant))


def candidature_refusee():
    """A refused candidature: its notice states the appeal; the DSI, who sees accepted ones only, does not see it."""
    from candidatures.enums import Decision, Etat
    from candidatures.notices import cle_notification

    c = CandidatureFactory(
        acceptee=True, etat=Etat.REFUSEE, decision=Decision.REFUSEE, motivation_decision="Moyens épuisés."
    )
    c.historique.create(
        transition="decider", libelle="Décision du DASEN : refusée", auteur=UtilisateurFactory(role=Role.DASEN),
        etat_avant=Etat.PROPOSEE, etat_apres=Etat.REFUSEE, commentaire="Moyens épuisés.",
    )  # fmt: skip
    return Cas(cle=cle_notification(c), acteurs=acteurs_autour(c.ecole, c.enseignant))


# The DSI is a departmental account but sees accepted candidatures only: never the minutes.
MATRICE = {
    TypeDocument.PV_COMMISSION: [
        Scenario(
            "session de commission",
            session_de_commission,
            voir=frozenset({CPD, COMMISSION, DASEN, ADMIN, SUPERUTILISATEUR}),
            demander=frozenset({CPD, COMMISSION, ADMIN, SUPERUTILISATEUR}),
        ),
    ],
    TypeDocument.PROJET_DEPOSE: [
        Scenario(
            "candidature déposée",
            candidature_deposee,
            voir=VOIENT_LA_CANDIDATURE,
            demander=VOIENT_LA_CANDIDATURE,
        ),
    ],
    TypeDocument.NOTIFICATION_DECISION: [
        Scenario(
            "candidature refusée",
            candidature_refusee,
            voir=VOIENT_LA_CANDIDATURE,
            demander=VOIENT_LA_CANDIDATURE,
        ),
    ],
}


# --- The tests -------------------------------------------------------------------------------------------------


def test_chaque_type_de_document_a_sa_matrice():
    manquants = sorted(set(service.GENERATEURS) - set(MATRICE))
    assert not manquants, f"Types de document sans matrice de droits (à ajouter dans MATRICE) : {manquants}"
    assert all(MATRICE.values())


def scenarios():
    for type_document in sorted(set(service.GENERATEURS) | set(MATRICE)):
        for scenario in MATRICE.get(type_document, [None]):
            nom = scenario.nom if scenario else "absent de la matrice"
            yield pytest.param(type_document, scenario, id=f"{type_document}-{nom}")


@pytest.fixture
def taches_immediates():
    anciens = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = anciens


def verifier_pdf_accessible(octets):
    """Tagged PDF (structure tree, marked content), its title shown, its language French."""
    lecteur = PdfReader(io.BytesIO(octets))
    racine = lecteur.trailer["/Root"]
    assert "/StructTreeRoot" in racine, "PDF non balisé (pas d'arbre de structure)"
    assert bool(racine["/MarkInfo"]["/Marked"])
    assert str(racine["/Lang"]).startswith("fr")
    assert lecteur.metadata.title and lecteur.metadata.title.strip()
    assert bool(racine["/ViewerPreferences"]["/DisplayDocTitle"])


@pytest.mark.parametrize(("type_document", "scenario"), list(scenarios()))
def test_droits_par_role_et_territoire(
    client, type_document, scenario, taches_immediates, django_capture_on_commit_callbacks
):
    assert scenario is not None, (
        f"Le type de document « {type_document} » est enregistré sans matrice de droits : ajoutez ses scénarios "
        "à MATRICE dans classes_mobiles/tests/test_documents_droits.py."
    )
    assert scenario.demander <= scenario.voir, "qui peut demander un document doit pouvoir le voir"
    cas = scenario.preparer()
    assert {u.role for u in cas.acteurs.values() if u.is_authenticated} == set(Role), "un rôle manque au scénario"
    assert cas.cle.startswith(f"{type_document}:")

    with django_capture_on_commit_callbacks(execute=True):
        document = service.demander_document(type_document, cas.cle)
    document.refresh_from_db()
    assert document.etat == EtatDocument.TERMINE, document.erreur
    with document.fichier.open("rb") as f:
        verifier_pdf_accessible(f.read())

    # The rules themselves.
    voient = {nom for nom, user in cas.acteurs.items() if service.peut_voir(user, document)}
    demandent = {nom for nom, user in cas.acteurs.items() if service.peut_demander(user, type_document, cas.cle)}
    assert voient == scenario.voir
    assert demandent == scenario.demander

    # The views: the same answers over HTTP, outsiders get 404 (the login page when signed out).
    pages = [
        reverse("documents:etat", args=[document.uuid]),
        reverse("documents:etat_json", args=[document.uuid]),
        reverse("documents:telecharger", args=[document.uuid]),
    ]
    for nom, user in cas.acteurs.items():
        client.logout()
        if user.is_authenticated:
            client.force_login(user)
        connecte = user.is_authenticated and user.is_active
        refus = 404 if connecte else 302
        for url in pages:
            reponse = client.get(url)
            fermer(reponse)  # a file response holds its file open
            statut = reponse.status_code
            assert statut == (200 if nom in scenario.voir else refus), f"{nom} : GET {url} → {statut}"
        statut = client.post(
            reverse("documents:demander"), {"type_document": type_document, "cle": cas.cle}
        ).status_code
        assert statut == (302 if nom in scenario.demander else refus), f"{nom} : demande → {statut}"
