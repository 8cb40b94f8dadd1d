"""Transition e-mails: the step that caused them, a subject naming the file, recipients chosen in SQL."""

import pytest
from django.core import mail
from django.db import transaction
from post_office.models import Email

from candidatures.enums import Avis
from candidatures.notifications import EVENEMENTS, destinataires
from candidatures.workflow import TRANSITIONS, appliquer
from classes_mobiles.enums import Role
from classes_mobiles.tests.factories import CirconscriptionFactory, EcoleFactory, UtilisateurFactory

from .factories import CandidatureFactory

pytestmark = pytest.mark.django_db


def test_chaque_transition_a_un_evenement_redige():
    assert set(EVENEMENTS) == set(TRANSITIONS)
    for nom, evenement in EVENEMENTS.items():
        assert evenement and evenement == evenement.strip() and evenement[0].islower(), nom


def test_sujet_et_corps_de_l_avis_de_l_ien(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://classes-mobiles.ac-exemple.fr"
    candidature = CandidatureFactory(autorisee=True)
    ien = UtilisateurFactory(ien=True, circonscription=candidature.ecole.circonscription, prenom="Dominique")
    with django_capture_on_commit_callbacks(execute=True):
        appliquer("donner_avis", candidature, ien, commentaire="L'école a \"tout\" prévu <vraiment> & bien.",
                  avis=Avis.FAVORABLE)  # fmt: skip
    message = mail.outbox[0]
    assert message.subject == f"Candidature n° {candidature.numero} : avis de l'IEN rendu"
    assert "Étape : Avis de l'IEN : favorable" in message.body
    assert 'L\'école a "tout" prévu <vraiment> & bien.' in message.body
    assert f"Par : {ien} — Inspecteur ou inspectrice (IEN), le " in message.body
    assert f"https://classes-mobiles.ac-exemple.fr/candidatures/{candidature.uuid}/" in message.body
    assert "&#x27;" not in message.body and "&quot;" not in message.body and "&lt;" not in message.body


def test_un_retour_chariot_dans_le_titre_ne_casse_pas_l_envoi(django_capture_on_commit_callbacks):
    candidature = CandidatureFactory(titre="Projet\r\nBcc: pirate@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        appliquer("soumettre", candidature, candidature.enseignant)
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject and "\r" not in mail.outbox[0].subject
    assert mail.outbox[0].bcc == []


def test_decision_nommee_dans_le_sujet(django_capture_on_commit_callbacks):
    candidature = CandidatureFactory(proposee=True)
    with django_capture_on_commit_callbacks(execute=True):
        appliquer("decider", candidature, UtilisateurFactory(dasen=True), commentaire="Projet solide.",
                  decision="liste_attente")  # fmt: skip
    assert mail.outbox[0].subject == f"Candidature n° {candidature.numero} : décision du DASEN : liste d'attente"


def test_deux_transitions_dans_une_transaction_decrivent_chacune_leur_etape(django_capture_on_commit_callbacks):
    """Each e-mail tells its own step, not the journal's last entry at commit time."""
    candidature = CandidatureFactory()
    directeur = UtilisateurFactory(directeur=True, ecole=candidature.ecole)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        appliquer("soumettre", candidature, candidature.enseignant)
        appliquer("autoriser", candidature, directeur, commentaire="Bon projet.")
    premier, second = sorted(mail.outbox, key=lambda m: "autorisée" in m.subject)
    assert "transmise au directeur" in premier.subject
    assert "Nouvel état : Soumise au directeur" in premier.body and "Bon projet." not in premier.body
    assert "autorisée par le directeur ou la directrice d'école" in second.subject
    assert "Nouvel état : Autorisée par le directeur" in second.body and "Bon projet." in second.body


def test_l_e_mail_est_dans_la_boite_d_envoi_de_la_transaction():
    """Written before the commit, in the same transaction as the change (rolled back with it)."""
    candidature = CandidatureFactory(soumise=True)
    directeur = UtilisateurFactory(directeur=True, ecole=candidature.ecole)
    with pytest.raises(RuntimeError), transaction.atomic():
        appliquer("autoriser", candidature, directeur)
        assert Email.objects.count() == 1
        raise RuntimeError
    assert not Email.objects.exists()


def test_destinataires_selon_role_et_territoire_en_une_requete(django_assert_num_queries):
    candidature = CandidatureFactory()
    ecole, circo = candidature.ecole, candidature.ecole.circonscription
    autre_ecole = EcoleFactory(circonscription=circo)
    ailleurs = EcoleFactory(circonscription=CirconscriptionFactory())
    attendus = {
        candidature.enseignant.email,
        UtilisateurFactory(directeur=True, ecole=ecole).email,
        UtilisateurFactory(ien=True, circonscription=circo).email,
        UtilisateurFactory(erun=True, circonscription=circo).email,
        UtilisateurFactory(dasen=True).email,
    }
    UtilisateurFactory(directeur=True, ecole=autre_ecole)  # same circonscription, other school
    UtilisateurFactory(directeur=True, ecole=ailleurs)
    UtilisateurFactory(ien=True, circonscription=ailleurs.circonscription)
    UtilisateurFactory(erun=True, circonscription=ailleurs.circonscription)
    UtilisateurFactory(enseignant=True, ecole=ecole)  # a colleague: not a recipient
    UtilisateurFactory(directeur=True, ecole=ecole, is_active=False)
    UtilisateurFactory(commission=True)  # role not notified
    for _ in range(5):
        UtilisateurFactory(ien=True)  # many users of the role: still one query
    roles = (Role.DIRECTEUR, Role.IEN, Role.ERUN, Role.DASEN)
    with django_assert_num_queries(1):
        adresses = destinataires(candidature, roles)
    assert set(adresses) == attendus
