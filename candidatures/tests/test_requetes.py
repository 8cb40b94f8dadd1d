"""The key instruction pages run a fixed number of SQL queries, whatever the number of candidatures."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidatures.enums import Etat
from candidatures.models import Candidature
from classes_mobiles.tests.factories import (
    CampagneFactory,
    CirconscriptionFactory,
    EcoleFactory,
    PeriodeFactory,
    UtilisateurFactory,
)

from .factories import CandidatureFactory, SessionCommissionFactory
from .masse import creer_candidatures

pytestmark = pytest.mark.django_db

MAXIMUM = 25  # a sane ceiling for any of these pages


@pytest.fixture
def departement():
    campagne = CampagneFactory()
    periodes = [PeriodeFactory(campagne=campagne, numero=n, libelle=f"Période {n}") for n in range(1, 6)]
    circonscriptions = [CirconscriptionFactory() for _ in range(5)]
    ecoles = [EcoleFactory(circonscription=circonscriptions[i % 5]) for i in range(25)]
    session = SessionCommissionFactory(campagne=campagne)
    session.membres.set([UtilisateurFactory(commission=True) for _ in range(3)])
    # Earlier participations, so that the eligibility flags have something to find.
    ancienne = CampagneFactory(annee_scolaire="2023-2024", active=False)
    for ecole in ecoles[:5]:
        CandidatureFactory(campagne=ancienne, acceptee=True, enseignant__ecole=ecole)
    return {
        "campagne": campagne,
        "periodes": periodes,
        "ecoles": ecoles,
        "session": session,
        "ien": UtilisateurFactory(ien=True, circonscription=circonscriptions[0]),
        "commission": UtilisateurFactory(commission=True),
        "dasen": UtilisateurFactory(dasen=True),
    }


def ajouter(d, jusqu_a):
    deja = Candidature.objects.filter(campagne=d["campagne"]).count()
    creer_candidatures(d["campagne"], d["ecoles"], d["periodes"], jusqu_a - deja, session=d["session"], debut=deja)
    assert Candidature.objects.filter(campagne=d["campagne"]).count() == jusqu_a


def requetes(client, user, adresse, attendu):
    client.force_login(user)
    with CaptureQueriesContext(connection) as contexte:
        reponse = client.get(adresse)
    assert reponse.status_code == 200
    assert attendu in reponse.content.decode()
    return len(contexte)


def pages(d):
    session = d["session"].uuid
    return {
        "ien_a_examiner": (d["ien"], reverse("candidatures:a_examiner"), "Candidatures à examiner"),
        "liste_departement": (d["commission"], reverse("candidatures:liste"), "Liste des candidatures"),
        "session_commission": (d["commission"], reverse("candidatures:session_detail", args=[session]), "Rang de"),
        "decisions_dasen": (
            d["dasen"],
            reverse("candidatures:decisions", args=[session]),
            "Enregistrer les décisions cochées",
        ),
    }


@pytest.mark.parametrize("page", ["ien_a_examiner", "liste_departement", "session_commission", "decisions_dasen"])
def test_nombre_de_requetes_constant(client, departement, page):
    user, adresse, attendu = pages(departement)[page]
    ajouter(departement, 20)
    petit = requetes(client, user, adresse, attendu)
    ajouter(departement, 300)
    grand = requetes(client, user, adresse, attendu)
    assert Candidature.objects.filter(session=departement["session"], etat=Etat.INSCRITE).count() >= 50
    assert petit == grand, f"{page} : {petit} requêtes pour 20 candidatures, {grand} pour 300"
    assert grand <= MAXIMUM, f"{page} : {grand} requêtes"


def test_detail_nombre_de_requetes_borne(client, departement):
    ajouter(departement, 50)
    candidature = Candidature.objects.filter(ecole__circonscription=departement["ien"].circonscription).first()
    adresse = reverse("candidatures:detail", args=[candidature.uuid])
    assert requetes(client, departement["ien"], adresse, candidature.titre) <= MAXIMUM
