import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidatures.reperage import classer_ecoles
from candidatures.tests.factories import CandidatureFactory
from classes_mobiles.enums import Role
from classes_mobiles.models import Ecole
from classes_mobiles.tests.factories import CampagneFactory, DiagnosticFactory, EcoleFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

URL = reverse("candidatures:reperage")


@pytest.fixture
def ecoles():
    bien = DiagnosticFactory(
        ecole__nom="École bien équipée", ecole__nb_classes=4, classes_deux_prises=4, classes_ordinateur=4,
        classes_affichage_interactif=4, classes_enceintes=4, taux_validation_competences=90,
    ).ecole  # fmt: skip
    demunie = DiagnosticFactory(
        ecole__nom="École démunie", ecole__circonscription=bien.circonscription, ecole__nb_classes=4,
        classes_deux_prises=0, classes_ordinateur=1, classes_affichage_interactif=0, classes_enceintes=0,
        taux_validation_competences=40,
    ).ecole  # fmt: skip
    ailleurs = EcoleFactory(nom="École d'une autre circonscription")
    return bien, demunie, ailleurs


def test_classement_par_besoin(ecoles):
    bien, demunie, _ = ecoles
    lignes = classer_ecoles(Ecole.objects.filter(pk__in=[bien.pk, demunie.pk]))
    assert [b.ecole for b in lignes] == [demunie, bien]
    assert "Jamais bénéficiaire d'une classe mobile." in lignes[0].raisons
    assert lignes[0].taux_equipement == 6 and lignes[1].taux_equipement == 100


def test_une_ecole_deja_servie_passe_apres(ecoles):
    bien, demunie, _ = ecoles
    CandidatureFactory(ecole=demunie, enseignant__ecole=demunie, acceptee=True)
    servie = {b.ecole: b for b in classer_ecoles(Ecole.objects.all())}[demunie]
    assert servie.deja_servie and "Jamais bénéficiaire d'une classe mobile." not in servie.raisons


@pytest.mark.parametrize("role", [Role.ENSEIGNANT, Role.DIRECTEUR, Role.DSI, Role.COMMISSION])
def test_roles_sans_reperage(client, role):
    client.force_login(UtilisateurFactory(role=role))
    assert client.get(URL).status_code == 403


def test_anonyme(client):
    assert client.get(URL).status_code == 302


def test_ien_ne_voit_que_sa_circonscription(client, ecoles):
    bien, demunie, ailleurs = ecoles
    client.force_login(UtilisateurFactory(role=Role.IEN, circonscription=bien.circonscription))
    contenu = client.get(URL).content.decode()
    assert contenu.index("École démunie") < contenu.index("École bien équipée")
    assert ailleurs.nom.replace("'", "&#x27;") not in contenu
    # Inviting a school outside the territory: 404.
    assert client.post(reverse("candidatures:inviter", args=[ailleurs.uai])).status_code == 404


def test_invitation_envoyee_au_directeur(client, ecoles, django_capture_on_commit_callbacks):
    _, demunie, _ = ecoles
    CampagneFactory(active=True)
    directeur = UtilisateurFactory(role=Role.DIRECTEUR, ecole=demunie)
    client.force_login(UtilisateurFactory(role=Role.ERUN, circonscription=demunie.circonscription))
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("candidatures:inviter", args=[demunie.uai]), follow=True)
    assert "Invitation à candidater envoyée" in reponse.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [directeur.email]
    assert "École démunie" in mail.outbox[0].subject


def test_invitation_sans_directeur_message_clair(client, ecoles):
    _, demunie, _ = ecoles
    client.force_login(UtilisateurFactory(role=Role.CPD))
    reponse = client.post(reverse("candidatures:inviter", args=[demunie.uai]), follow=True)
    assert "Aucun compte de directeur" in reponse.content.decode()


def test_nombre_de_requetes_constant(client):
    client.force_login(UtilisateurFactory(role=Role.CPD))
    CampagneFactory(active=True)

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(URL).status_code == 200
        return len(requetes)

    DiagnosticFactory.create_batch(3)
    peu = compter()
    DiagnosticFactory.create_batch(60)
    assert compter() == peu


def _classement_en_python(ecoles):
    """The ranking as the Python code computed it before it moved to SQL: the reference."""
    lignes = []
    for ecole in ecoles:
        diagnostic = getattr(ecole, "diagnostic", None)
        taux_equipement = diagnostic.taux_equipement() if diagnostic else None
        taux_validation = diagnostic.taux_validation_competences if diagnostic else None
        score = (100 - (taux_equipement or 0)) + (100 - (50 if taux_validation is None else taux_validation))
        if not ecole.candidatures.filter(etat="acceptee").exists():
            score += 30
        lignes.append((-score, ecole.nom, ecole.pk, taux_equipement, taux_validation))
    return sorted(lignes)


def test_le_classement_en_base_est_celui_du_calcul_python():
    """Rounding half to even as Python's round(), schools without classes or without diagnostic, already served."""
    import random

    hasard = random.Random(11)
    for n in range(70):
        nb = hasard.choice([0, 1, 2, 3, 4, 5, 6, 8, 12])
        DiagnosticFactory(
            ecole__nom=f"École {n % 7}",  # ties on the name: the order falls back to the primary key
            ecole__nb_classes=nb,
            classes_deux_prises=hasard.randint(0, nb + 2),
            classes_ordinateur=hasard.randint(0, nb + 2),
            classes_affichage_interactif=hasard.randint(0, nb),
            classes_enceintes=hasard.randint(0, nb),
            taux_validation_competences=hasard.choice([None, 0, 37, 50, 60, 100]),
        )
    EcoleFactory.create_batch(3, nom="École sans diagnostic")
    servie = Ecole.objects.order_by("pk")[4]
    CandidatureFactory(ecole=servie, enseignant__ecole=servie, acceptee=True)
    attendu = _classement_en_python(Ecole.objects.select_related("diagnostic").order_by("pk"))
    obtenu = [
        (-b.score, b.ecole.nom, b.ecole.pk, b.taux_equipement, b.taux_validation)
        for b in classer_ecoles(Ecole.objects.all())
    ]
    assert obtenu == attendu
    # Exact halves exist in this sample (e.g. 1 element of 2 classes: 12.5 %), so the rounding is checked.
    assert any(d.taux_equipement() * 8 % 100 == 0 for d in DiagnosticFactory._meta.model.objects.all())


def test_la_page_ne_charge_que_ses_lignes(client):
    """The ranking is ordered and cut in SQL (ORDER BY … LIMIT), not by loading every school into Python."""
    client.force_login(UtilisateurFactory(role=Role.CPD))
    CampagneFactory(active=True)
    DiagnosticFactory.create_batch(60)
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(URL, {"page": 2})
    assert reponse.status_code == 200 and len(reponse.context["page"].object_list) == 10
    selects_ecoles = [r["sql"] for r in requetes if "classes_deux_prises" in r["sql"]]
    assert selects_ecoles and all("ORDER BY" in sql and "LIMIT" in sql for sql in selects_ecoles)
