import datetime

import pytest
from django.core import mail

from candidatures.enums import Avis, Decision, Etat, Proposition
from candidatures.models import TransitionCandidature
from candidatures.workflow import TRANSITIONS, TransitionImpossible, appliquer
from classes_mobiles.tests.factories import PeriodeFactory, UtilisateurFactory

from .factories import CandidatureFactory, SessionCommissionFactory

pytestmark = pytest.mark.django_db


def directeur_de(candidature):
    return UtilisateurFactory(directeur=True, ecole=candidature.ecole)


def ien_de(candidature):
    return UtilisateurFactory(ien=True, circonscription=candidature.ecole.circonscription)


def journal(candidature):
    return list(
        TransitionCandidature.objects.filter(candidature=candidature).values_list(
            "transition", "etat_avant", "etat_apres", "auteur_id", "commentaire"
        )
    )


def assert_refusee(nom, candidature, user, message=None, **donnees):
    """The transition raises TransitionImpossible and leaves the state and the log as they were."""
    etat, historique = candidature.etat, journal(candidature)
    with pytest.raises(TransitionImpossible) as erreur:
        appliquer(nom, candidature, user, **donnees)
    candidature.refresh_from_db()
    assert candidature.etat == etat
    assert journal(candidature) == historique
    if message:
        assert message in erreur.value.message
    return erreur.value


def test_chaine_complete_et_journal():
    candidature = CandidatureFactory()
    enseignant = candidature.enseignant
    directeur, ien = directeur_de(candidature), ien_de(candidature)
    commission = UtilisateurFactory(commission=True)
    dasen = UtilisateurFactory(dasen=True)
    session = SessionCommissionFactory(campagne=candidature.campagne)
    periode = candidature.voeux.get().periode

    etapes = [
        ("soumettre", enseignant, "", {}, Etat.SOUMISE),
        ("autoriser", directeur, "D'accord.", {}, Etat.AUTORISEE),
        ("donner_avis", ien, "Beau projet.", {"avis": Avis.FAVORABLE}, Etat.AVIS_DONNE),
        ("inscrire", commission, "", {"session": session}, Etat.INSCRITE),
        (
            "proposer",
            commission,
            "",
            {"proposition": Proposition.RETENUE, "periode": periode, "rang": 1},
            Etat.PROPOSEE,
        ),
        ("decider", dasen, "Retenu en commission.", {"decision": Decision.ACCEPTEE}, Etat.ACCEPTEE),
    ]
    for nom, user, commentaire, donnees, etat_attendu in etapes:
        avant = candidature.etat
        candidature = appliquer(nom, candidature, user, commentaire=commentaire, **donnees)
        candidature.refresh_from_db()
        assert candidature.etat == etat_attendu
        entree = candidature.historique.last()
        assert (entree.transition, entree.auteur, entree.etat_avant, entree.etat_apres, entree.commentaire) == (
            nom,
            user,
            avant,
            etat_attendu,
            commentaire,
        )
        assert entree.date is not None

    assert candidature.historique.count() == len(etapes)
    assert candidature.date_depot is not None
    assert candidature.avis_ien == Avis.FAVORABLE
    assert candidature.avis_commentaire == "Beau projet."
    assert candidature.session == session
    assert (candidature.proposition, candidature.periode_proposee, candidature.rang) == (
        Proposition.RETENUE,
        periode,
        1,
    )
    assert (candidature.decision, candidature.motivation_decision) == (Decision.ACCEPTEE, "Retenu en commission.")
    assert [e.libelle for e in candidature.historique.all()][-1] == "Décision du DASEN : acceptée"


def test_renvoi_pour_complements_puis_nouvelle_soumission():
    candidature = CandidatureFactory(autorisee=True)
    ien = ien_de(candidature)
    assert_refusee("renvoyer", candidature, ien, "commentaire est obligatoire")
    appliquer("renvoyer", candidature, ien, commentaire="Précisez les usages.")
    candidature.refresh_from_db()
    assert candidature.etat == Etat.A_COMPLETER
    appliquer("soumettre", candidature, candidature.enseignant)
    candidature.refresh_from_db()
    assert candidature.etat == Etat.SOUMISE


def test_refus_du_directeur_demande_un_motif():
    candidature = CandidatureFactory(soumise=True)
    directeur = directeur_de(candidature)
    assert_refusee("refuser_directeur", candidature, directeur, "commentaire est obligatoire")
    appliquer("refuser_directeur", candidature, directeur, commentaire="Classe déjà équipée.")
    candidature.refresh_from_db()
    assert candidature.etat == Etat.REFUSEE_DIRECTEUR


@pytest.mark.parametrize(
    ("trait", "nom", "acteur", "donnees"),
    [
        ("brouillon", "soumettre", "enseignant", {}),
        ("soumise", "autoriser", "directeur", {}),
        ("autorisee", "donner_avis", "ien", {"avis": Avis.FAVORABLE}),
        ("avis_donne", "inscrire", "commission", {}),
        ("inscrite", "proposer", "commission", {"proposition": Proposition.NON_RETENUE}),
        ("proposee", "decider", "dasen", {"decision": Decision.REFUSEE, "commentaire": "Trop de demandes."}),
    ],
)
def test_transition_faite_deux_fois(trait, nom, acteur, donnees):
    """The second click finds the new state: TransitionImpossible, nothing changes."""
    candidature = CandidatureFactory(**({trait: True} if trait != "brouillon" else {}))
    user = {
        "enseignant": candidature.enseignant,
        "directeur": directeur_de(candidature),
        "ien": ien_de(candidature),
        "commission": UtilisateurFactory(commission=True),
        "dasen": UtilisateurFactory(dasen=True),
    }[acteur]
    if nom == "inscrire":
        donnees = {"session": SessionCommissionFactory(campagne=candidature.campagne)}
    appliquer(nom, candidature, user, **donnees)
    candidature.refresh_from_db()
    erreur = assert_refusee(nom, candidature, user, **donnees)
    assert erreur.message == "Action déjà effectuée ou impossible dans l'état actuel."


@pytest.mark.parametrize(
    ("trait", "nom"),
    [
        ("brouillon", "autoriser"),
        ("brouillon", "donner_avis"),
        ("soumise", "donner_avis"),
        ("soumise", "proposer"),
        ("autorisee", "decider"),
        ("avis_donne", "decider"),
        ("acceptee", "soumettre"),
    ],
)
def test_transition_hors_ordre(trait, nom):
    candidature = CandidatureFactory(**({trait: True} if trait != "brouillon" else {}))
    # A user who would be allowed to do it in the right state.
    roles = {
        "autoriser": directeur_de(candidature),
        "donner_avis": ien_de(candidature),
        "proposer": UtilisateurFactory(commission=True),
        "decider": UtilisateurFactory(dasen=True),
        "soumettre": candidature.enseignant,
    }
    assert_refusee(nom, candidature, roles[nom], avis=Avis.FAVORABLE, decision=Decision.ACCEPTEE, commentaire="x")


def test_mauvais_role_refuse():
    candidature = CandidatureFactory(soumise=True)
    enseignant = candidature.enseignant
    assert_refusee("autoriser", candidature, enseignant)
    assert_refusee("autoriser", candidature, ien_de(candidature))
    assert_refusee("autoriser", candidature, UtilisateurFactory(dasen=True))
    autorisee = CandidatureFactory(autorisee=True)
    erun = UtilisateurFactory(erun=True, circonscription=autorisee.ecole.circonscription)
    assert_refusee("donner_avis", autorisee, erun, avis=Avis.FAVORABLE)
    assert_refusee("donner_avis", autorisee, directeur_de(autorisee), avis=Avis.FAVORABLE)
    proposee = CandidatureFactory(proposee=True)
    assert_refusee(
        "decider", proposee, UtilisateurFactory(commission=True), decision=Decision.ACCEPTEE, commentaire="x"
    )


def test_autre_ecole_refusee():
    candidature = CandidatureFactory(soumise=True)
    directeur_ailleurs = UtilisateurFactory(directeur=True)
    assert_refusee("autoriser", candidature, directeur_ailleurs)
    # Same circonscription, other school: still not his school.
    voisin = UtilisateurFactory(directeur=True, ecole__circonscription=candidature.ecole.circonscription)
    assert_refusee("autoriser", candidature, voisin)


def test_autre_enseignant_ne_peut_ni_soumettre_ni_retirer():
    candidature = CandidatureFactory()
    collegue = UtilisateurFactory(enseignant=True, ecole=candidature.ecole)
    assert_refusee("soumettre", candidature, collegue)
    assert_refusee("retirer", candidature, collegue)


def test_autre_circonscription_refusee():
    candidature = CandidatureFactory(autorisee=True)
    ien_ailleurs = UtilisateurFactory(ien=True)
    assert_refusee("donner_avis", candidature, ien_ailleurs, avis=Avis.FAVORABLE)
    assert_refusee("renvoyer", candidature, ien_ailleurs, commentaire="À compléter.")


def test_donner_avis_demande_un_avis_valide():
    candidature = CandidatureFactory(autorisee=True)
    assert_refusee("donner_avis", candidature, ien_de(candidature), "Choisissez un avis", avis="excellent")


def test_inscrire_refuse_une_session_d_une_autre_campagne_ou_cloturee():
    candidature = CandidatureFactory(avis_donne=True)
    commission = UtilisateurFactory(commission=True)
    assert_refusee("inscrire", candidature, commission, "Cette session", session=SessionCommissionFactory())
    cloturee = SessionCommissionFactory(campagne=candidature.campagne, cloturee=True)
    assert_refusee("inscrire", candidature, commission, "Cette session", session=cloturee)


def test_proposer_retenue_demande_une_periode_de_la_campagne():
    candidature = CandidatureFactory(inscrite=True)
    commission = UtilisateurFactory(commission=True)
    assert_refusee("proposer", candidature, commission, "période", proposition=Proposition.RETENUE)
    autre = PeriodeFactory()
    assert_refusee("proposer", candidature, commission, "période", proposition=Proposition.RETENUE, periode=autre)


def test_decider_demande_une_motivation():
    candidature = CandidatureFactory(proposee=True)
    assert_refusee(
        "decider", candidature, UtilisateurFactory(dasen=True), "commentaire est obligatoire", decision="acceptee"
    )


# --- Submission requirements ---------------------------------------------------------------------------------


def test_soumettre_demande_la_formation_technique():
    candidature = CandidatureFactory(engagement_formation=False)
    assert_refusee("soumettre", candidature, candidature.enseignant, "formation technique")


@pytest.mark.parametrize(
    "engagement", ["engagement_usage_securise", "engagement_formateurs", "engagement_parents", "engagement_bilan"]
)
def test_soumettre_demande_tous_les_engagements(engagement):
    candidature = CandidatureFactory(**{engagement: False})
    assert_refusee("soumettre", candidature, candidature.enseignant, "engagements")


def test_soumettre_demande_une_periode():
    candidature = CandidatureFactory(voeux=[])
    assert_refusee("soumettre", candidature, candidature.enseignant, "au moins une période")


@pytest.mark.parametrize(("champ", "valeur"), [("motivation", ""), ("nb_eleves", None), ("niveaux", [])])
def test_soumettre_demande_les_champs_obligatoires(champ, valeur):
    candidature = CandidatureFactory(**{champ: valeur})
    assert_refusee("soumettre", candidature, candidature.enseignant, "Complétez le projet")


def test_soumettre_demande_un_depot_ouvert():
    hier = datetime.date.today() - datetime.timedelta(days=1)
    candidature = CandidatureFactory(
        campagne__date_ouverture_depot=hier - datetime.timedelta(days=30), campagne__date_cloture_depot=hier
    )
    assert_refusee(
        "soumettre", candidature, candidature.enseignant, "dépôt des candidatures de cette campagne est fermé"
    )


def test_directeur_peut_deposer_sa_propre_candidature():
    directeur = UtilisateurFactory(directeur=True)
    candidature = CandidatureFactory(enseignant=directeur)
    appliquer("soumettre", candidature, directeur)
    candidature.refresh_from_db()
    assert candidature.etat == Etat.SOUMISE


# --- Notifications -------------------------------------------------------------------------------------------


def test_soumettre_previent_l_enseignant_et_le_directeur(django_capture_on_commit_callbacks):
    candidature = CandidatureFactory()
    directeur = directeur_de(candidature)
    UtilisateurFactory(directeur=True)  # another school's director: not told
    with django_capture_on_commit_callbacks(execute=True):
        appliquer("soumettre", candidature, candidature.enseignant)
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([candidature.enseignant.email, directeur.email])
    assert mail.outbox[0].subject == (
        f"Candidature n° {candidature.numero} : transmise au directeur ou à la directrice d'école pour autorisation"
    )
    assert candidature.titre in mail.outbox[0].body and "Soumise au directeur" in mail.outbox[0].body


def test_autoriser_previent_l_enseignant_et_l_ien_de_la_circonscription(django_capture_on_commit_callbacks):
    candidature = CandidatureFactory(soumise=True)
    ien = ien_de(candidature)
    UtilisateurFactory(ien=True)  # IEN of another circonscription: not told
    with django_capture_on_commit_callbacks(execute=True):
        appliquer("autoriser", candidature, directeur_de(candidature))
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([candidature.enseignant.email, ien.email])


def test_donner_avis_previent_la_commission(django_capture_on_commit_callbacks):
    candidature = CandidatureFactory(autorisee=True)
    commission, cpd = UtilisateurFactory(commission=True), UtilisateurFactory(cpd=True)
    with django_capture_on_commit_callbacks(execute=True):
        appliquer("donner_avis", candidature, ien_de(candidature), avis=Avis.RESERVE)
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([candidature.enseignant.email, commission.email, cpd.email])


def test_decision_previent_enseignant_directeur_ien_erun(django_capture_on_commit_callbacks):
    candidature = CandidatureFactory(proposee=True)
    directeur, ien = directeur_de(candidature), ien_de(candidature)
    erun = UtilisateurFactory(erun=True, circonscription=candidature.ecole.circonscription)
    with django_capture_on_commit_callbacks(execute=True):
        appliquer("decider", candidature, UtilisateurFactory(dasen=True), commentaire="Retenue.", decision="acceptee")
    assert len(mail.outbox) == 1
    attendus = [candidature.enseignant.email, directeur.email, ien.email, erun.email]
    assert sorted(mail.outbox[0].to) == sorted(attendus)
    assert "Retenue." in mail.outbox[0].body


def test_pas_de_mail_pour_une_transition_refusee(django_capture_on_commit_callbacks):
    candidature = CandidatureFactory(soumise=True)
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        with pytest.raises(TransitionImpossible):
            appliquer("autoriser", candidature, UtilisateurFactory(directeur=True))
    assert rappels == []
    assert mail.outbox == []


# --- Withdrawal ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("trait", ["brouillon", "soumise", "autorisee", "avis_donne", "inscrite", "proposee"])
def test_l_enseignant_peut_retirer_avant_la_decision(trait, django_capture_on_commit_callbacks):
    candidature = CandidatureFactory(**({trait: True} if trait != "brouillon" else {}))
    with django_capture_on_commit_callbacks(execute=True):
        appliquer("retirer", candidature, candidature.enseignant, commentaire="Changement d'école.")
    candidature.refresh_from_db()
    assert candidature.etat == Etat.RETIREE
    assert candidature.historique.last().commentaire == "Changement d'école."
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("trait", ["acceptee", "refusee", "liste_attente"])
def test_l_enseignant_ne_peut_plus_retirer_apres_la_decision(trait):
    etats = {"acceptee": Etat.ACCEPTEE, "refusee": Etat.REFUSEE, "liste_attente": Etat.LISTE_ATTENTE}
    candidature = CandidatureFactory(acceptee=True, etat=etats[trait], decision=trait)
    assert_refusee("retirer", candidature, candidature.enseignant)


def test_table_des_transitions_coherente():
    for nom, transition in TRANSITIONS.items():
        assert transition.nom == nom
        assert transition.libelle
        assert transition.roles
        assert transition.vers in Etat.values
        assert transition.depuis <= set(Etat.values)
