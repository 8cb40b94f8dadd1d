"""The teacher's file as its users meet it (issue 11, points 1, 2, 4, 5): receipt, who learns what and when,
decision notices, dates and levels, confirmations, the send-back request."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from candidatures import workflow
from candidatures.eligibilite import calculer_drapeaux
from candidatures.enums import Decision, Etat, Proposition
from candidatures.models import Candidature, PieceJointe, SessionCommission
from candidatures.notices import cle_notification, cle_projet_depose
from classes_mobiles.enums import EtatDocument, TypeDocument, TypeEcole
from classes_mobiles.models import Document
from classes_mobiles.tests.factories import CampagneFactory, EcoleFactory, PeriodeFactory, UtilisateurFactory

from .factories import CandidatureFactory
from .test_views import PDF, donnees_formulaire, url, voit

pytestmark = pytest.mark.django_db

RECOURS = "Télérecours citoyens"


def texte_pdf(document):
    document.refresh_from_db()
    assert document.etat == EtatDocument.TERMINE, document.erreur
    with document.fichier.open("rb") as fichier:
        lecteur = PdfReader(io.BytesIO(fichier.read()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in lecteur.pages)


def piece(candidature, nom="projet.pdf"):
    return PieceJointe.objects.create(
        candidature=candidature, fichier=SimpleUploadedFile(nom, PDF), nom=nom, type_mime="application/pdf",
        taille=len(PDF),
    )  # fmt: skip


# --- 1. Receipt: the project as filed, one document per filing ------------------------------------------------


def test_soumission_accuse_de_reception_et_projet_depose(client, django_capture_on_commit_callbacks):
    periode = PeriodeFactory()
    enseignant = UtilisateurFactory(enseignant=True)
    client.force_login(enseignant)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("nouvelle"), donnees_formulaire(periode, soumettre=""), follow=True)
    candidature = Candidature.objects.get(enseignant=enseignant)
    assert candidature.etat == Etat.SOUMISE
    assert voit(reponse, f"Dossier n° {candidature.numero} déposé le")
    assert voit(reponse, "Accusé de réception")
    document = Document.objects.get(cle=cle_projet_depose(candidature, 1))
    assert document.type_document == TypeDocument.PROJET_DEPOSE
    texte = texte_pdf(document)
    assert f"Dossier n° {candidature.numero}" in texte and candidature.titre in texte
    assert "dépôt n° 1" in texte


def test_nouveau_depot_apres_renvoi_nouvelle_version(client, monde, django_capture_on_commit_callbacks):
    """A send-back, an edit and a new filing give a second document; the first one keeps the filed text."""
    c = monde.candidature
    c.etat = Etat.BROUILLON
    c.save()
    with django_capture_on_commit_callbacks(execute=True):
        c = workflow.appliquer("soumettre", c, monde.enseignant)
        from candidatures.notices import demander_projet_depose

        premier = demander_projet_depose(c, monde.enseignant)
    assert "Journal de classe" in texte_pdf(premier)
    c = workflow.appliquer("autoriser", c, monde.directeur)
    c = workflow.appliquer("renvoyer", c, monde.ien, commentaire="Précisez les usages.")
    client.force_login(monde.enseignant)
    donnees = donnees_formulaire(monde.periode, titre="Journal de classe, version complétée", soumettre="")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("modifier", c.uuid), donnees)
    c.refresh_from_db()
    assert c.etat == Etat.SOUMISE
    second = Document.objects.get(cle=cle_projet_depose(c, 2))
    assert "version complétée" in texte_pdf(second)
    assert "version complétée" not in texte_pdf(premier)
    # The first filing cannot be produced again from the edited project.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:demander"), {"type_document": TypeDocument.PROJET_DEPOSE, "cle": premier.cle})
    nouvelle = Document.objects.filter(cle=premier.cle).order_by("-version").first()
    assert nouvelle.version == 2 and nouvelle.etat == EtatDocument.ECHEC
    assert "renvoyé pour compléments" in nouvelle.erreur


@pytest.mark.parametrize(
    ("role", "voit_document"),
    [
        ("enseignant", True),
        ("directeur", True),
        ("ien", True),
        ("erun", True),
        ("cpd", True),
        ("commission", True),
        ("dasen", True),
        ("admin", True),
        ("dsi", False),
        ("enseignant_ailleurs", False),
        ("directeur_ailleurs", False),
        ("ien_ailleurs", False),
        ("erun_ailleurs", False),
    ],
)
def test_projet_depose_par_role_et_territoire(client, monde, role, voit_document):
    c = monde.candidature
    c.etat = Etat.BROUILLON
    c.save()
    from candidatures.notices import demander_projet_depose

    # Not generated (its generation is queued on commit): its page and the request of a new version are enough.
    document = demander_projet_depose(workflow.appliquer("soumettre", c, monde.enseignant), monde.enseignant)
    client.force_login(getattr(monde, role))
    assert client.get(reverse("documents:etat", args=[document.uuid])).status_code == (200 if voit_document else 404)
    demande = client.post(reverse("documents:demander"), {"type_document": document.type_document, "cle": document.cle})
    assert demande.status_code == (302 if voit_document else 404)


def test_projet_depose_anonyme(client, monde):
    document = Document.objects.create(
        cle=cle_projet_depose(monde.candidature, 1), type_document=TypeDocument.PROJET_DEPOSE, version=1
    )
    assert client.get(reverse("documents:etat", args=[document.uuid])).status_code == 302


# --- 2. Who learns what, when --------------------------------------------------------------------------------


@pytest.fixture
def proposee(monde):
    c = monde.candidature
    c.etat, c.session, c.rang, c.proposition, c.periode_proposee = (
        Etat.PROPOSEE, monde.session, 7, Proposition.LISTE_ATTENTE, None,
    )  # fmt: skip
    c.save()
    c.historique.create(
        transition="proposer", libelle="Proposition de la commission : liste d'attente", auteur=monde.commission,
        etat_avant=Etat.INSCRITE, etat_apres=Etat.PROPOSEE,
    )  # fmt: skip
    return monde


@pytest.mark.parametrize("role", ["enseignant", "directeur"])
def test_l_ecole_n_apprend_pas_la_proposition_avant_la_decision(client, proposee, role):
    client.force_login(getattr(proposee, role))
    reponse = client.get(url("detail", proposee.candidature.uuid))
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "liste d'attente" not in page.lower() and "liste d&#x27;attente" not in page.lower()
    assert "rang 7" not in page
    assert voit(reponse, "Examen par la commission : proposition transmise au DASEN")
    reponse = client.get(url("mes_candidatures"))
    assert "attente" not in reponse.content.decode().lower()


@pytest.mark.parametrize("role", ["ien", "cpd", "commission", "dasen"])
def test_l_instruction_voit_la_proposition(client, proposee, role):
    client.force_login(getattr(proposee, role))
    reponse = client.get(url("detail", proposee.candidature.uuid))
    assert voit(reponse, "Proposition de la commission : liste d'attente")
    assert voit(reponse, "rang 7")


def test_l_ecole_n_a_pas_acces_aux_exports(client, proposee):
    for role in ("enseignant", "directeur"):
        client.force_login(getattr(proposee, role))
        assert client.get(url("liste") + "?export=csv").status_code == 403


def decider(monde, decision, motivation="Le nombre de classes mobiles disponibles est atteint."):
    c = monde.candidature
    c.etat = Etat.PROPOSEE
    c.session, c.proposition = monde.session, Proposition.RETENUE
    c.periode_proposee = monde.periode
    c.save()
    return workflow.appliquer("decider", c, monde.dasen, commentaire=motivation, decision=decision)


@pytest.mark.parametrize("decision", [Decision.REFUSEE, Decision.LISTE_ATTENTE])
def test_decision_defavorable_date_motivation_recours(client, monde, decision):
    decider(monde, decision)
    client.force_login(monde.enseignant)
    reponse = client.get(url("detail", monde.candidature.uuid))
    assert voit(reponse, "Le nombre de classes mobiles disponibles est atteint.")
    assert voit(reponse, f"Décision du {datetime.date.today():%-d}")
    assert voit(reponse, "Voies et délais de recours")
    assert voit(reponse, "recours gracieux") and voit(reponse, "tribunal administratif")
    assert voit(reponse, "deux mois") and voit(reponse, RECOURS)


def test_acceptation_sans_voies_de_recours(client, monde):
    decider(monde, Decision.ACCEPTEE, motivation="Projet solide.")
    client.force_login(monde.enseignant)
    reponse = client.get(url("detail", monde.candidature.uuid))
    assert voit(reponse, "Décision du DASEN : Acceptée") and voit(reponse, str(monde.periode))
    assert not voit(reponse, RECOURS)


def test_notification_pdf_de_refus(client, monde, django_capture_on_commit_callbacks):
    decider(monde, Decision.REFUSEE)
    client.force_login(monde.enseignant)
    donnees = {"type_document": TypeDocument.NOTIFICATION_DECISION, "cle": cle_notification(monde.candidature)}
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("documents:demander"), donnees)
    assert reponse.status_code == 302
    document = Document.objects.get(cle=donnees["cle"])
    texte = texte_pdf(document)
    assert f"Dossier n° {monde.candidature.numero}" in texte and "refusée" in texte
    assert "Le nombre de classes mobiles disponibles est atteint." in texte
    assert "deux mois" in texte and RECOURS in texte
    # The page now links to the notice.
    assert voit(client.get(url("detail", monde.candidature.uuid)), "Notification de la décision")


@pytest.mark.parametrize(
    ("role", "attendu"),
    [
        ("enseignant", 302),
        ("directeur", 302),
        ("ien", 302),
        ("dasen", 302),
        ("enseignant_ailleurs", 404),
        ("directeur_ailleurs", 404),
        ("ien_ailleurs", 404),
        ("dsi", 404),
    ],
)
def test_notification_par_role_et_territoire(client, monde, role, attendu):
    decider(monde, Decision.REFUSEE)
    client.force_login(getattr(monde, role))
    donnees = {"type_document": TypeDocument.NOTIFICATION_DECISION, "cle": cle_notification(monde.candidature)}
    assert client.post(reverse("documents:demander"), donnees).status_code == attendu


def test_pas_de_notification_avant_la_decision(client, proposee):
    client.force_login(proposee.enseignant)
    donnees = {"type_document": TypeDocument.NOTIFICATION_DECISION, "cle": cle_notification(proposee.candidature)}
    assert client.post(reverse("documents:demander"), donnees).status_code == 404
    assert not Document.objects.exists()


# --- 4. Dates and levels -------------------------------------------------------------------------------------


def test_periode_commencee_ni_proposee_ni_acceptee(client):
    campagne = CampagneFactory()
    commencee = PeriodeFactory(
        campagne=campagne, libelle="Période en cours",
        date_debut=datetime.date.today() - datetime.timedelta(days=3),
        date_fin=datetime.date.today() + datetime.timedelta(days=30),
    )  # fmt: skip
    a_venir = PeriodeFactory(campagne=campagne, libelle="Période à venir")
    enseignant = UtilisateurFactory(enseignant=True)
    client.force_login(enseignant)
    reponse = client.get(url("nouvelle"))
    assert voit(reponse, "Période à venir") and not voit(reponse, "Période en cours")
    for soumettre in ({}, {"soumettre": ""}):
        reponse = client.post(url("nouvelle"), {**donnees_formulaire(commencee), **soumettre})
        assert reponse.status_code == 200
        assert voit(reponse, f"La période « Période en cours » a commencé le {commencee.date_debut:%d/%m/%Y}")
    assert not Candidature.objects.exists()
    assert client.post(url("nouvelle"), donnees_formulaire(a_venir)).status_code == 302


def test_soumettre_refuse_une_periode_commencee(monde):
    c = monde.candidature
    c.etat = Etat.BROUILLON
    c.save()
    monde.periode.date_debut = datetime.date.today()
    monde.periode.save()
    with pytest.raises(workflow.TransitionImpossible, match="a déjà commencé"):
        workflow.appliquer("soumettre", c, monde.enseignant)


@pytest.mark.parametrize("jours", [-400, 400])
def test_session_hors_de_la_campagne(client, monde, jours):
    client.force_login(monde.commission)
    date = datetime.date.today() + datetime.timedelta(days=jours)
    reponse = client.post(url("sessions"), {"date": date.isoformat(), "lieu": "Arras"})
    assert reponse.status_code == 200
    assert voit(reponse, f"La session doit se tenir pendant la campagne « {monde.campagne.nom} »")
    assert not SessionCommission.objects.filter(lieu="Arras").exists()


@pytest.mark.parametrize(
    ("type_ecole", "offerts", "refuse"),
    [
        (TypeEcole.MATERNELLE, ["PS", "GS"], "CM2"),
        (TypeEcole.ELEMENTAIRE, ["CP", "CM2"], "PS"),
    ],
)
def test_niveaux_selon_l_ecole(client, type_ecole, offerts, refuse):
    periode = PeriodeFactory()
    enseignant = UtilisateurFactory(enseignant=True, ecole=EcoleFactory(type_ecole=type_ecole))
    client.force_login(enseignant)
    form = client.get(url("nouvelle")).context["form"]
    valeurs = [v for v, _ in form.fields["niveaux"].choices]
    assert all(n in valeurs for n in offerts) and refuse not in valeurs
    reponse = client.post(url("nouvelle"), donnees_formulaire(periode, niveaux=[refuse]))
    assert reponse.status_code == 200
    assert voit(reponse, f"Le niveau « {refuse} » n'est pas enseigné dans cette école")
    assert not Candidature.objects.exists()


def test_ecole_primaire_tous_niveaux(client):
    enseignant = UtilisateurFactory(enseignant=True, ecole=EcoleFactory(type_ecole=TypeEcole.PRIMAIRE))
    PeriodeFactory()
    client.force_login(enseignant)
    form = client.get(url("nouvelle")).context["form"]
    assert {"TPS", "CM2"} <= {v for v, _ in form.fields["niveaux"].choices}


def test_second_projet_de_l_enseignant_point_d_attention(monde):
    second = CandidatureFactory(
        campagne=monde.campagne, enseignant=monde.enseignant, autorisee=True, voeux=[monde.periode]
    )
    autre_campagne = CandidatureFactory(enseignant=monde.enseignant, autorisee=True)
    drapeaux = {c.pk: c.drapeaux for c in calculer_drapeaux([monde.candidature, second, autre_campagne])}
    attendu = "1 autre(s) projet(s) du même enseignant dans cette campagne."
    assert attendu in drapeaux[monde.candidature.pk] and attendu in drapeaux[second.pk]
    assert attendu not in drapeaux[autre_campagne.pk]


def test_drapeaux_requetes_constantes(monde, django_assert_num_queries):
    candidatures = [
        CandidatureFactory(campagne=monde.campagne, autorisee=True, voeux=[monde.periode]) for _ in range(5)
    ]
    candidatures = list(Candidature.objects.filter(pk__in=[c.pk for c in candidatures]).select_related("campagne"))
    with django_assert_num_queries(2):
        calculer_drapeaux(candidatures)


# --- 5. Attachments, withdrawal, drafts, the send-back request ------------------------------------------------


@pytest.fixture
def brouillon(monde):
    monde.candidature.etat = Etat.BROUILLON
    monde.candidature.save()
    return monde


def test_formulaire_liste_les_pieces_jointes(client, brouillon):
    p = piece(brouillon.candidature)
    client.force_login(brouillon.enseignant)
    reponse = client.get(url("modifier", brouillon.candidature.uuid))
    assert voit(reponse, "projet.pdf") and voit(reponse, url("supprimer_piece_jointe", p.uuid))


def test_supprimer_piece_jointe_avec_confirmation(client, brouillon, django_capture_on_commit_callbacks):
    p = piece(brouillon.candidature)
    nom_stocke = p.fichier.name
    client.force_login(brouillon.enseignant)
    reponse = client.get(url("supprimer_piece_jointe", p.uuid))
    assert reponse.status_code == 200 and voit(reponse, "Supprimer la pièce jointe")
    assert PieceJointe.objects.filter(pk=p.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("supprimer_piece_jointe", p.uuid))
    assert reponse.status_code == 302 and reponse.url == url("modifier", brouillon.candidature.uuid)
    assert not PieceJointe.objects.filter(pk=p.pk).exists()
    assert not p.fichier.storage.exists(nom_stocke)


@pytest.mark.parametrize(
    ("role", "attendu"),
    [("directeur", 404), ("enseignant_ailleurs", 404), ("ien", 403), ("commission", 403), ("dasen", 403)],
)
def test_supprimer_piece_jointe_par_role(client, brouillon, role, attendu):
    p = piece(brouillon.candidature)
    client.force_login(getattr(brouillon, role))
    assert client.get(url("supprimer_piece_jointe", p.uuid)).status_code == attendu
    assert client.post(url("supprimer_piece_jointe", p.uuid)).status_code == attendu
    assert PieceJointe.objects.filter(pk=p.pk).exists()


def test_supprimer_piece_jointe_d_une_candidature_deposee(client, monde):
    p = piece(monde.candidature)
    client.force_login(monde.enseignant)
    reponse = client.post(url("supprimer_piece_jointe", p.uuid), follow=True)
    assert voit(reponse, "ne peuvent plus être supprimées")
    assert PieceJointe.objects.filter(pk=p.pk).exists()


def test_retrait_demande_confirmation(client, monde):
    client.force_login(monde.enseignant)
    detail = client.get(url("detail", monde.candidature.uuid))
    assert voit(detail, url("retirer", monde.candidature.uuid))
    reponse = client.get(url("retirer", monde.candidature.uuid))
    assert reponse.status_code == 200 and voit(reponse, "Confirmer le retrait")
    monde.candidature.refresh_from_db()
    assert monde.candidature.etat == Etat.AUTORISEE
    reponse = client.post(url("retirer", monde.candidature.uuid), {"commentaire": "Changement d'école."})
    assert reponse.status_code == 302
    monde.candidature.refresh_from_db()
    assert monde.candidature.etat == Etat.RETIREE
    assert monde.candidature.historique.last().commentaire == "Changement d'école."


def test_retrait_commentaire_trop_long(client, monde):
    client.force_login(monde.enseignant)
    reponse = client.post(url("retirer", monde.candidature.uuid), {"commentaire": "x" * 6000})
    assert reponse.status_code == 200
    assert voit(reponse, "Assurez-vous que cette valeur comporte au plus 5000 caractères")
    monde.candidature.refresh_from_db()
    assert monde.candidature.etat == Etat.AUTORISEE


@pytest.mark.parametrize(
    ("role", "attendu"),
    [("enseignant_ailleurs", 404), ("directeur_ailleurs", 404), ("ien", 403), ("dasen", 403), ("dsi", 403)],
)
def test_retrait_par_role(client, monde, role, attendu):
    client.force_login(getattr(monde, role))
    assert client.get(url("retirer", monde.candidature.uuid)).status_code == attendu
    assert client.post(url("retirer", monde.candidature.uuid)).status_code == attendu
    monde.candidature.refresh_from_db()
    assert monde.candidature.etat == Etat.AUTORISEE


def test_retrait_par_le_directeur_non_auteur_refuse(client, monde):
    client.force_login(monde.directeur)
    reponse = client.post(url("retirer", monde.candidature.uuid), follow=True)
    assert voit(reponse, "Action déjà effectuée ou impossible")
    monde.candidature.refresh_from_db()
    assert monde.candidature.etat == Etat.AUTORISEE


def test_supprimer_un_brouillon(client, brouillon, django_capture_on_commit_callbacks):
    p = piece(brouillon.candidature)
    client.force_login(brouillon.enseignant)
    assert voit(client.get(url("detail", brouillon.candidature.uuid)), url("supprimer", brouillon.candidature.uuid))
    reponse = client.get(url("supprimer", brouillon.candidature.uuid))
    assert reponse.status_code == 200 and voit(reponse, "Supprimer définitivement le brouillon")
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("supprimer", brouillon.candidature.uuid))
    assert reponse.status_code == 302 and reponse.url == url("mes_candidatures")
    assert not Candidature.objects.filter(pk=brouillon.candidature.pk).exists()
    assert not p.fichier.storage.exists(p.fichier.name)


def test_une_candidature_deposee_ne_se_supprime_pas(client, monde):
    client.force_login(monde.enseignant)
    assert not voit(client.get(url("detail", monde.candidature.uuid)), url("supprimer", monde.candidature.uuid))
    reponse = client.post(url("supprimer", monde.candidature.uuid), follow=True)
    assert voit(reponse, "Seul un brouillon peut être supprimé")
    assert Candidature.objects.filter(pk=monde.candidature.pk).exists()


@pytest.mark.parametrize(
    ("role", "attendu"),
    [("directeur", 404), ("enseignant_ailleurs", 404), ("ien", 403), ("admin", 404)],
)
def test_supprimer_un_brouillon_par_role(client, brouillon, role, attendu):
    client.force_login(getattr(brouillon, role))
    assert client.get(url("supprimer", brouillon.candidature.uuid)).status_code == attendu
    assert client.post(url("supprimer", brouillon.candidature.uuid)).status_code == attendu
    assert Candidature.objects.filter(pk=brouillon.candidature.pk).exists()


@pytest.mark.parametrize("nom", ["retirer", "supprimer"])
def test_anonyme_renvoye_vers_la_connexion(client, monde, nom):
    assert client.get(url(nom, monde.candidature.uuid)).status_code == 302
    assert client.post(url(nom, monde.candidature.uuid)).status_code == 302
    p = piece(monde.candidature)
    assert client.post(url("supprimer_piece_jointe", p.uuid)).status_code == 302


def test_demande_de_complements_en_tete(client, monde):
    workflow.appliquer("renvoyer", monde.candidature, monde.ien, commentaire="Précisez le lieu de stockage.")
    client.force_login(monde.enseignant)
    pages = [
        (url("detail", monde.candidature.uuid), "<h2>Le projet</h2>"),
        (url("modifier", monde.candidature.uuid), 'enctype="multipart/form-data"'),
    ]
    for adresse, contenu_principal in pages:
        reponse = client.get(adresse)
        page = reponse.content.decode()
        assert voit(reponse, "Précisez le lieu de stockage.")
        # At the top: right after the title, before the project or the form.
        assert page.index("<h1") < page.index('id="demande-complements"') < page.index(contenu_principal)
