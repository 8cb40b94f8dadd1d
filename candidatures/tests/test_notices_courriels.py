"""The e-mails of the file (issue 11, points 1 and 2): receipt of a filing, proposal kept from the school
until the decision, decisions with their motivation and means of appeal."""

import pytest
from django.core import mail

from candidatures.enums import Decision, Proposition
from candidatures.workflow import appliquer
from classes_mobiles.tests.factories import PeriodeFactory, UtilisateurFactory

from .factories import CandidatureFactory

pytestmark = pytest.mark.django_db

RECOURS = "Télérecours citoyens"


def courriels_de(adresse):
    return [m for m in mail.outbox if adresse in m.to]


def test_accuse_de_reception_a_l_enseignant_et_au_directeur(django_capture_on_commit_callbacks):
    candidature = CandidatureFactory()
    directeur = UtilisateurFactory(directeur=True, ecole=candidature.ecole)
    with django_capture_on_commit_callbacks(execute=True):
        candidature = appliquer("soumettre", candidature, candidature.enseignant)
    for adresse in (candidature.enseignant.email, directeur.email):
        (message,) = courriels_de(adresse)
        assert message.subject.startswith(f"Candidature n° {candidature.numero} : transmise au directeur")
        assert message.subject.endswith("(accusé de réception du dépôt)")
        assert f"Numéro de dossier : {candidature.numero}" in message.body
        assert "Date du dépôt : " in message.body and str(candidature.date_depot.year) in message.body


def test_l_ecole_n_apprend_pas_la_proposition_par_courriel(django_capture_on_commit_callbacks):
    candidature = CandidatureFactory(inscrite=True)
    directeur = UtilisateurFactory(directeur=True, ecole=candidature.ecole)
    dasen = UtilisateurFactory(dasen=True)
    periode = PeriodeFactory(campagne=candidature.campagne, libelle="Printemps")
    with django_capture_on_commit_callbacks(execute=True):
        appliquer("proposer", candidature, UtilisateurFactory(commission=True), proposition=Proposition.RETENUE,
                  periode=periode, rang=3)  # fmt: skip
    (pour_l_enseignant,) = courriels_de(candidature.enseignant.email)
    assert "Examen par la commission : proposition transmise au DASEN" in pour_l_enseignant.body
    assert "retenue" not in pour_l_enseignant.body.lower() and "Printemps" not in pour_l_enseignant.body
    assert directeur.email not in pour_l_enseignant.to and dasen.email not in pour_l_enseignant.to
    (pour_le_dasen,) = courriels_de(dasen.email)
    assert "Proposition de la commission : retenue (Printemps)" in pour_le_dasen.body


@pytest.mark.parametrize("decision", [Decision.REFUSEE, Decision.LISTE_ATTENTE])
def test_decision_defavorable_motivee_avec_voies_de_recours(decision, django_capture_on_commit_callbacks):
    candidature = CandidatureFactory(proposee=True)
    with django_capture_on_commit_callbacks(execute=True):
        appliquer("decider", candidature, UtilisateurFactory(dasen=True), commentaire="Moyens épuisés cette année.",
                  decision=decision)  # fmt: skip
    (message,) = courriels_de(candidature.enseignant.email)
    assert "Motivation :\nMoyens épuisés cette année." in message.body
    assert "Décision du " in message.body
    assert "recours gracieux" in message.body and "deux mois" in message.body and RECOURS in message.body
    assert "&#x27;" not in message.body


def test_acceptation_sans_voies_de_recours(django_capture_on_commit_callbacks):
    candidature = CandidatureFactory(proposee=True)
    with django_capture_on_commit_callbacks(execute=True):
        appliquer("decider", candidature, UtilisateurFactory(dasen=True), commentaire="Projet solide.",
                  decision=Decision.ACCEPTEE)  # fmt: skip
    (message,) = courriels_de(candidature.enseignant.email)
    assert "Période de prêt : " in message.body and "Projet solide." in message.body
    assert RECOURS not in message.body
