"""Each role's home page shows what waits for it, with counts and links (issue 11, point 6)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidatures.enums import Etat, Proposition
from classes_mobiles.accueil import a_traiter

from .factories import CandidatureFactory

pytestmark = pytest.mark.django_db


def comptes(user):
    return {t["cle"]: t["nombre"] for t in a_traiter(user)}


def etat(monde, nouvel_etat):
    c = monde.candidature
    c.etat = nouvel_etat
    if nouvel_etat in (Etat.INSCRITE, Etat.PROPOSEE):  # on an agenda (a database constraint), proposed if so
        c.session = monde.session
        c.proposition = Proposition.NON_RETENUE if nouvel_etat == Etat.PROPOSEE else ""
    c.save()


@pytest.mark.parametrize(
    ("role", "etat_candidature", "cle", "lien"),
    [
        ("directeur", Etat.SOUMISE, "a_autoriser", "candidatures:a_autoriser"),
        ("ien", Etat.AUTORISEE, "a_examiner", "candidatures:a_examiner"),
        ("cpd", Etat.AVIS_DONNE, "a_inscrire", "candidatures:sessions"),
        ("commission", Etat.AVIS_DONNE, "a_inscrire", "candidatures:sessions"),
        ("commission", Etat.INSCRITE, "a_classer", "candidatures:sessions"),
        ("dasen", Etat.PROPOSEE, "a_decider", "candidatures:sessions"),
        ("enseignant", Etat.A_COMPLETER, "a_completer", "candidatures:mes_candidatures"),
        ("enseignant", Etat.BROUILLON, "brouillons", "candidatures:mes_candidatures"),
    ],
)
def test_ce_qui_attend_chaque_role(client, monde, role, etat_candidature, cle, lien):
    etat(monde, etat_candidature)
    user = getattr(monde, role)
    assert comptes(user)[cle] == 1
    client.force_login(user)
    page = client.get(reverse("accueil")).content.decode()
    assert f'id="tache-{cle}"' in page
    assert f'<a href="{reverse(lien)}">' in page and ": 1 candidature</a>" in page


@pytest.mark.parametrize(
    ("role", "etat_candidature", "cle"),
    [
        ("directeur_ailleurs", Etat.SOUMISE, "a_autoriser"),
        ("ien_ailleurs", Etat.AUTORISEE, "a_examiner"),
        ("enseignant_ailleurs", Etat.A_COMPLETER, "a_completer"),
    ],
)
def test_hors_territoire_rien_a_traiter(monde, role, etat_candidature, cle):
    etat(monde, etat_candidature)
    assert comptes(getattr(monde, role))[cle] == 0


def test_le_directeur_ne_compte_pas_les_brouillons_des_autres(monde):
    etat(monde, Etat.BROUILLON)
    assert comptes(monde.directeur) == {"a_autoriser": 0, "a_completer": 0, "brouillons": 0}


@pytest.mark.parametrize("role", ["erun", "dsi", "admin"])
def test_roles_sans_file_d_attente(client, monde, role):
    assert a_traiter(getattr(monde, role)) == []
    client.force_login(getattr(monde, role))
    assert 'id="a-traiter"' not in client.get(reverse("accueil")).content.decode()


@pytest.mark.parametrize("role", ["enseignant", "directeur", "ien", "commission", "dasen"])
def test_requetes_constantes(client, monde, role):
    """The home page runs the same number of queries with 1 or 20 candidatures waiting."""
    user = getattr(monde, role)
    client.force_login(user)

    def nb_requetes():
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(reverse("accueil")).status_code == 200
        return len(requetes)

    avant = nb_requetes()
    for trait in ("soumise", "autorisee", "avis_donne", "proposee"):
        CandidatureFactory.create_batch(
            4, campagne=monde.campagne, enseignant=monde.enseignant, voeux=[monde.periode], **{trait: True}
        )
    CandidatureFactory.create_batch(
        4, campagne=monde.campagne, enseignant=monde.enseignant, etat=Etat.A_COMPLETER, voeux=[monde.periode]
    )
    assert nb_requetes() == avant
    assert sum(t["nombre"] for t in a_traiter(user)) >= 4
