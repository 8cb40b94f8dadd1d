import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from candidatures.enums import Avis, Decision, Etat, Proposition
from candidatures.models import Candidature, PieceJointe, SessionCommission, TransitionCandidature
from classes_mobiles.models import Document
from classes_mobiles.tests.factories import CampagneFactory, EcoleFactory, PeriodeFactory, UtilisateurFactory

from .factories import CandidatureFactory, SessionCommissionFactory

pytestmark = pytest.mark.django_db

DEJA_FAIT = "Action déjà effectuée ou impossible dans l'état actuel"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@dataclass
class Monde:
    """One candidature filed in school A (circonscription X) and one user per role, in and out of territory."""

    campagne: object
    periode: object
    candidature: object
    session: object
    enseignant: object
    directeur: object
    ien: object
    erun: object
    enseignant_ailleurs: object
    directeur_ailleurs: object
    ien_ailleurs: object
    erun_ailleurs: object
    cpd: object
    commission: object
    dasen: object
    dsi: object
    admin: object


@pytest.fixture
def monde():
    campagne = CampagneFactory()
    periode = PeriodeFactory(campagne=campagne, libelle="Janvier-février")
    candidature = CandidatureFactory(campagne=campagne, autorisee=True, titre="Journal de classe", voeux=[periode])
    ecole = candidature.ecole
    ailleurs = EcoleFactory()
    return Monde(
        campagne=campagne,
        periode=periode,
        candidature=candidature,
        session=SessionCommissionFactory(campagne=campagne),
        enseignant=candidature.enseignant,
        directeur=UtilisateurFactory(directeur=True, ecole=ecole),
        ien=UtilisateurFactory(ien=True, circonscription=ecole.circonscription),
        erun=UtilisateurFactory(erun=True, circonscription=ecole.circonscription),
        enseignant_ailleurs=UtilisateurFactory(enseignant=True, ecole=ailleurs),
        directeur_ailleurs=UtilisateurFactory(directeur=True, ecole=ailleurs),
        ien_ailleurs=UtilisateurFactory(ien=True, circonscription=ailleurs.circonscription),
        erun_ailleurs=UtilisateurFactory(erun=True, circonscription=ailleurs.circonscription),
        cpd=UtilisateurFactory(cpd=True),
        commission=UtilisateurFactory(commission=True),
        dasen=UtilisateurFactory(dasen=True),
        dsi=UtilisateurFactory(dsi=True),
        admin=UtilisateurFactory(admin=True),
    )


def contenu(reponse):
    return reponse.content.decode()


def voit(reponse, texte):
    """The text is on the page (literal template text is not escaped, variables are)."""
    page = contenu(reponse)
    return texte in page or escape(texte) in page


def url(nom, *args):
    return reverse(f"candidatures:{nom}", args=args)


# --- Anonymous and wrong roles -------------------------------------------------------------------------------

VUES_GET = ["mes_candidatures", "nouvelle", "a_autoriser", "a_examiner", "liste", "sessions"]
VUES_SESSION_GET = ["session_detail", "decisions"]
VUES_SESSION_POST = ["session_inscrire", "session_proposer", "session_clore", "session_pv", "decider_plusieurs"]


def toutes_les_urls(m):
    piece = PieceJointe.objects.create(
        candidature=m.candidature, fichier=SimpleUploadedFile("projet.pdf", PDF), nom="projet.pdf",
        type_mime="application/pdf", taille=len(PDF),
    )  # fmt: skip
    c, s = m.candidature.uuid, m.session.uuid
    return [
        *[("get", url(nom)) for nom in VUES_GET],
        *[("get", url(nom, s)) for nom in VUES_SESSION_GET],
        *[("post", url(nom, s)) for nom in VUES_SESSION_POST],
        ("get", url("detail", c)),
        ("get", url("modifier", c)),
        ("get", url("piece_jointe", piece.uuid)),
        ("post", url("transition", c, "donner_avis")),
    ]


def test_anonyme_renvoye_vers_la_connexion(client, monde):
    for methode, adresse in toutes_les_urls(monde):
        reponse = getattr(client, methode)(adresse)
        assert reponse.status_code == 302, adresse
        assert reponse.url.startswith(reverse("connexion") + "?next="), adresse
    monde.candidature.refresh_from_db()
    assert monde.candidature.etat == Etat.AUTORISEE


MAUVAIS_ROLES = [
    ("get", "mes_candidatures", ["ien", "commission", "dasen"]),
    ("get", "nouvelle", ["ien", "dasen", "dsi"]),
    ("get", "a_autoriser", ["enseignant", "ien", "commission"]),
    ("get", "a_examiner", ["enseignant", "directeur", "dsi"]),
    ("get", "liste", ["enseignant", "directeur", "dsi"]),
    ("get", "sessions", ["enseignant", "ien", "erun", "dsi"]),
    ("get", "session_detail", ["enseignant", "directeur", "ien", "erun", "dsi"]),
    ("get", "decisions", ["enseignant", "ien", "erun", "dsi"]),
    ("post", "session_inscrire", ["ien", "dasen", "dsi"]),
    ("post", "session_proposer", ["cpd", "dasen", "ien"]),
    ("post", "session_clore", ["cpd", "dasen", "ien", "enseignant"]),
    ("post", "session_pv", ["dasen", "ien", "enseignant"]),
    ("post", "decider_plusieurs", ["commission", "cpd", "ien"]),
    ("get", "modifier", ["ien", "dasen", "commission"]),
]


@pytest.mark.parametrize(("methode", "nom", "roles"), MAUVAIS_ROLES)
def test_mauvais_role_403(client, monde, methode, nom, roles):
    arguments = {
        "session_detail",
        "decisions",
        "session_inscrire",
        "session_proposer",
        "session_clore",
        "session_pv",
        "decider_plusieurs",
    }
    args = [monde.session.uuid] if nom in arguments else [monde.candidature.uuid] if nom == "modifier" else []
    for role in roles:
        client.force_login(getattr(monde, role))
        reponse = getattr(client, methode)(url(nom, *args))
        assert reponse.status_code == 403, (nom, role)


def test_dasen_ne_cree_pas_de_session(client, monde):
    client.force_login(monde.dasen)
    reponse = client.post(url("sessions"), {"date": "2026-03-12", "lieu": "Arras"})
    assert reponse.status_code == 403
    assert SessionCommission.objects.count() == 1


# --- Out of territory: 404 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["enseignant_ailleurs", "directeur_ailleurs", "ien_ailleurs", "erun_ailleurs"])
def test_detail_hors_territoire_404(client, monde, role):
    client.force_login(getattr(monde, role))
    assert client.get(url("detail", monde.candidature.uuid)).status_code == 404


def test_collegue_de_la_meme_ecole_404(client, monde):
    collegue = UtilisateurFactory(enseignant=True, ecole=monde.candidature.ecole)
    client.force_login(collegue)
    assert client.get(url("detail", monde.candidature.uuid)).status_code == 404
    assert client.get(url("modifier", monde.candidature.uuid)).status_code == 404


def test_le_directeur_ne_voit_pas_les_brouillons(client, monde):
    brouillon = CandidatureFactory(campagne=monde.campagne, enseignant__ecole=monde.candidature.ecole)
    client.force_login(monde.directeur)
    assert client.get(url("detail", brouillon.uuid)).status_code == 404


def test_modifier_la_candidature_d_un_autre_404(client, monde):
    brouillon = CandidatureFactory(campagne=monde.campagne)
    for role in ("enseignant", "directeur", "directeur_ailleurs"):
        client.force_login(getattr(monde, role))
        assert client.get(url("modifier", brouillon.uuid)).status_code == 404
        assert client.post(url("modifier", brouillon.uuid), {"titre": "Piraté"}).status_code == 404
    brouillon.refresh_from_db()
    assert brouillon.titre != "Piraté"


def test_transition_hors_territoire_404(client, monde):
    client.force_login(monde.ien_ailleurs)
    reponse = client.post(url("transition", monde.candidature.uuid, "donner_avis"), {"avis": Avis.FAVORABLE})
    assert reponse.status_code == 404
    monde.candidature.refresh_from_db()
    assert monde.candidature.etat == Etat.AUTORISEE
    assert not monde.candidature.historique.exists()


def test_transition_inconnue_404(client, monde):
    client.force_login(monde.ien)
    assert client.post(url("transition", monde.candidature.uuid, "supprimer")).status_code == 404


def test_transition_en_get_refusee(client, monde):
    client.force_login(monde.ien)
    assert client.get(url("transition", monde.candidature.uuid, "donner_avis")).status_code == 405


def test_piece_jointe_par_territoire(client, monde):
    piece = PieceJointe.objects.create(
        candidature=monde.candidature, fichier=SimpleUploadedFile("projet.pdf", PDF), nom="projet.pdf",
        type_mime="application/pdf", taille=len(PDF),
    )  # fmt: skip
    for role in ("enseignant_ailleurs", "directeur_ailleurs", "ien_ailleurs"):
        client.force_login(getattr(monde, role))
        assert client.get(url("piece_jointe", piece.uuid)).status_code == 404, role
    for role in ("enseignant", "directeur", "ien", "commission"):
        client.force_login(getattr(monde, role))
        reponse = client.get(url("piece_jointe", piece.uuid))
        assert reponse.status_code == 200, role
        assert reponse["Content-Type"] == "application/pdf"
        assert 'attachment; filename="projet.pdf"' in reponse["Content-Disposition"]
        assert b"".join(reponse.streaming_content) == PDF


def test_session_inconnue_404(client, monde):
    import uuid

    client.force_login(monde.commission)
    for nom in VUES_SESSION_GET:
        assert client.get(url(nom, uuid.uuid4())).status_code == 404


def test_listes_limitees_au_territoire(client, monde):
    soumise = CandidatureFactory(campagne=monde.campagne, soumise=True, enseignant=UtilisateurFactory(
        enseignant=True, ecole=monde.candidature.ecole), titre="Robotique en CP")  # fmt: skip
    client.force_login(monde.directeur_ailleurs)
    reponse = client.get(url("a_autoriser"))
    assert reponse.status_code == 200 and not voit(reponse, soumise.titre)
    client.force_login(monde.directeur)
    reponse = client.get(url("a_autoriser"))
    assert reponse.status_code == 200 and voit(reponse, soumise.titre)

    for nom in ("a_examiner", "liste"):
        client.force_login(monde.ien_ailleurs)
        reponse = client.get(url(nom))
        assert reponse.status_code == 200 and not voit(reponse, monde.candidature.titre), nom
        client.force_login(monde.ien)
        reponse = client.get(url(nom))
        assert reponse.status_code == 200 and voit(reponse, monde.candidature.titre), nom

    client.force_login(monde.enseignant_ailleurs)
    reponse = client.get(url("mes_candidatures"))
    assert reponse.status_code == 200 and not voit(reponse, monde.candidature.titre)


# --- In territory: what users see ----------------------------------------------------------------------------


def test_mes_candidatures(client, monde):
    client.force_login(monde.enseignant)
    reponse = client.get(url("mes_candidatures"))
    assert reponse.status_code == 200
    assert voit(reponse, "Journal de classe")
    assert voit(reponse, "Autorisée par le directeur")
    assert voit(reponse, "Nouvelle candidature")


@pytest.mark.parametrize("role", ["enseignant", "directeur", "ien", "erun", "cpd", "commission", "dasen", "admin"])
def test_detail_dans_le_territoire(client, monde, role):
    client.force_login(getattr(monde, role))
    reponse = client.get(url("detail", monde.candidature.uuid))
    assert reponse.status_code == 200
    assert voit(reponse, "Journal de classe")
    assert voit(reponse, monde.candidature.ecole.nom)
    assert voit(reponse, "Janvier-février")
    # Eligibility flags are for the instruction roles only.
    assert voit(reponse, "Points d'attention") == (role not in ("enseignant", "directeur"))


def test_detail_propose_les_actions_du_role(client, monde):
    client.force_login(monde.ien)
    reponse = client.get(url("detail", monde.candidature.uuid))
    assert voit(reponse, "Enregistrer l'avis") and voit(reponse, "Renvoyer pour compléments")
    client.force_login(monde.erun)
    reponse = client.get(url("detail", monde.candidature.uuid))
    assert not voit(reponse, "Enregistrer l'avis")
    client.force_login(monde.enseignant)
    reponse = client.get(url("detail", monde.candidature.uuid))
    assert voit(reponse, "Retirer la candidature") and not voit(reponse, "Enregistrer l'avis")


def test_a_autoriser_puis_autoriser(client, monde, django_capture_on_commit_callbacks):
    soumise = CandidatureFactory(campagne=monde.campagne, soumise=True, enseignant=UtilisateurFactory(
        enseignant=True, ecole=monde.candidature.ecole), titre="Robotique en CP")  # fmt: skip
    client.force_login(monde.directeur)
    reponse = client.get(url("a_autoriser"))
    assert reponse.status_code == 200 and voit(reponse, "Robotique en CP")
    assert not voit(reponse, "Journal de classe")  # already authorised
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("transition", soumise.uuid, "autoriser"), follow=True)
    assert reponse.status_code == 200
    assert voit(reponse, "« Autoriser » : c'est fait.")
    soumise.refresh_from_db()
    assert soumise.etat == Etat.AUTORISEE
    assert sorted(mail.outbox[0].to) == sorted([soumise.enseignant.email, monde.ien.email])


def test_a_examiner_et_donner_avis(client, monde):
    client.force_login(monde.ien)
    reponse = client.get(url("a_examiner"))
    assert reponse.status_code == 200
    assert voit(reponse, "Candidatures à examiner") and voit(reponse, "Journal de classe")
    reponse = client.post(
        url("transition", monde.candidature.uuid, "donner_avis"),
        {"avis": Avis.RESERVE, "commentaire": "À préciser."},
        follow=True,
    )
    assert reponse.status_code == 200
    monde.candidature.refresh_from_db()
    assert (monde.candidature.etat, monde.candidature.avis_ien) == (Etat.AVIS_DONNE, Avis.RESERVE)
    assert voit(reponse, "Avis de l'IEN : réservé")
    assert not voit(client.get(url("a_examiner")), "Journal de classe")


def test_donner_avis_sans_avis(client, monde):
    client.force_login(monde.ien)
    reponse = client.post(url("transition", monde.candidature.uuid, "donner_avis"), {}, follow=True)
    assert reponse.status_code == 200
    assert voit(reponse, "Choisissez un avis.")
    monde.candidature.refresh_from_db()
    assert monde.candidature.etat == Etat.AUTORISEE


def test_transition_postee_deux_fois(client, monde):
    client.force_login(monde.ien)
    adresse = url("transition", monde.candidature.uuid, "donner_avis")
    client.post(adresse, {"avis": Avis.FAVORABLE, "commentaire": "Bien."})
    reponse = client.post(adresse, {"avis": Avis.DEFAVORABLE, "commentaire": "Finalement non."}, follow=True)
    assert reponse.status_code == 200
    assert voit(reponse, DEJA_FAIT)
    monde.candidature.refresh_from_db()
    assert (monde.candidature.etat, monde.candidature.avis_ien) == (Etat.AVIS_DONNE, Avis.FAVORABLE)
    assert monde.candidature.historique.count() == 1


def test_role_sans_droit_sur_la_transition(client, monde):
    """A reader of the candidature (eRUN) posting an IEN action gets 403, nothing changes."""
    client.force_login(monde.erun)
    reponse = client.post(url("transition", monde.candidature.uuid, "donner_avis"), {"avis": Avis.FAVORABLE})
    assert reponse.status_code == 403
    monde.candidature.refresh_from_db()
    assert monde.candidature.etat == Etat.AUTORISEE


def test_retrait_par_l_enseignant(client, monde):
    client.force_login(monde.enseignant)
    reponse = client.post(url("transition", monde.candidature.uuid, "retirer"), {"commentaire": "Mutation."})
    assert reponse.status_code == 302
    monde.candidature.refresh_from_db()
    assert monde.candidature.etat == Etat.RETIREE


def test_liste_departementale_et_filtres(client, monde):
    autre = CandidatureFactory(campagne=monde.campagne, avis_donne=True, titre="Radio scolaire")
    client.force_login(monde.commission)
    reponse = client.get(url("liste"))
    assert reponse.status_code == 200
    assert voit(reponse, "Journal de classe") and voit(reponse, "Radio scolaire")
    reponse = client.get(url("liste"), {"circonscription": autre.ecole.circonscription.code})
    assert voit(reponse, "Radio scolaire") and not voit(reponse, "Journal de classe")
    reponse = client.get(url("liste"), {"etat": Etat.AUTORISEE})
    assert voit(reponse, "Journal de classe") and not voit(reponse, "Radio scolaire")
    reponse = client.get(url("liste"), {"q": "radio"})
    assert voit(reponse, "Radio scolaire") and not voit(reponse, "Journal de classe")


def test_liste_filtre_invalide_ne_plante_pas(client, monde):
    client.force_login(monde.commission)
    reponse = client.get(url("liste"), {"campagne": "pas-un-nombre", "etat": "nimporte"})
    assert reponse.status_code == 200
    assert voit(reponse, "0 candidatures.")


# --- The teacher's form --------------------------------------------------------------------------------------


def donnees_formulaire(periode, **modifs):
    donnees = {
        "titre": "Atelier podcast",
        "niveaux": ["CM1", "CM2"],
        "nb_eleves": "24",
        "motivation": "Motiver les élèves.",
        "objectifs": "Réaliser des podcasts.",
        "inscription_programmes": "Langage oral.",
        "inscription_projets": "Projet d'école.",
        "coherence_actions": "",
        "apprentissages": "Montage audio.",
        "usages_prevus": "Deux séances par semaine.",
        "materiel": "tablettes",
        "stockage_securise": "on",
        "acces_internet": "on",
        "conditions_remarques": "",
        "engagement_usage_securise": "on",
        "engagement_formateurs": "on",
        "engagement_parents": "on",
        "engagement_bilan": "on",
        "engagement_formation": "on",
        "voeu_1": str(periode.pk),
        "voeu_2": "",
        "voeu_3": "",
        "brouillon": "",
    }
    donnees.update(modifs)
    return {k: v for k, v in donnees.items() if v is not None}


@pytest.fixture
def enseignant_seul():
    """A teacher, the only open campaign and its period (Campagne.objects.courante() must be unambiguous)."""
    campagne = CampagneFactory()
    return UtilisateurFactory(enseignant=True), PeriodeFactory(campagne=campagne)


def test_nouvelle_formulaire(client, enseignant_seul):
    enseignant, periode = enseignant_seul
    client.force_login(enseignant)
    reponse = client.get(url("nouvelle"))
    assert reponse.status_code == 200
    assert voit(reponse, "Nouvelle candidature")
    assert voit(reponse, periode.libelle)
    assert voit(reponse, "Je m'engage à suivre la formation technique avant le retrait de la classe mobile.")


def test_brouillon_puis_soumission(client, enseignant_seul, django_capture_on_commit_callbacks):
    enseignant, periode = enseignant_seul
    directeur = UtilisateurFactory(directeur=True, ecole=enseignant.ecole)
    client.force_login(enseignant)
    brouillon = donnees_formulaire(periode, motivation="", engagement_formation=None)
    reponse = client.post(url("nouvelle"), brouillon, follow=True)
    assert reponse.status_code == 200
    assert voit(reponse, "Brouillon enregistré.")
    candidature = Candidature.objects.get()
    assert (candidature.etat, candidature.enseignant, candidature.ecole) == (
        Etat.BROUILLON,
        enseignant,
        enseignant.ecole,
    )
    assert [v.periode for v in candidature.voeux.all()] == [periode]
    assert not candidature.historique.exists()

    # Submitting the incomplete draft: field errors, still a draft.
    soumission = {**brouillon, "soumettre": ""}
    soumission.pop("brouillon")
    reponse = client.post(url("modifier", candidature.uuid), soumission)
    assert reponse.status_code == 200
    assert voit(reponse, "Le formulaire contient des erreurs")
    assert voit(reponse, "Cet engagement est nécessaire pour soumettre la candidature.")
    assert voit(reponse, "Ce champ est obligatoire pour soumettre la candidature.")
    candidature.refresh_from_db()
    assert candidature.etat == Etat.BROUILLON

    complete = donnees_formulaire(periode, brouillon=None, soumettre="")
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("modifier", candidature.uuid), complete, follow=True)
    assert reponse.status_code == 200
    assert voit(reponse, "Candidature soumise : le directeur de l'école est prévenu.")
    candidature.refresh_from_db()
    assert candidature.etat == Etat.SOUMISE
    assert candidature.motivation == "Motiver les élèves."
    assert candidature.date_depot is not None
    assert sorted(mail.outbox[0].to) == sorted([enseignant.email, directeur.email])
    # Once submitted it can no longer be edited.
    reponse = client.post(url("modifier", candidature.uuid), complete, follow=True)
    assert voit(reponse, "Cette candidature ne peut plus être modifiée dans son état actuel.")
    assert candidature.historique.count() == 1


def test_soumission_directe_avec_piece_jointe(client, enseignant_seul):
    enseignant, periode = enseignant_seul
    client.force_login(enseignant)
    fichier = SimpleUploadedFile("projet.pdf", PDF, content_type="application/pdf")
    reponse = client.post(
        url("nouvelle"), donnees_formulaire(periode, brouillon=None, soumettre="", piece_jointe=fichier)
    )
    candidature = Candidature.objects.get()
    assert reponse.status_code == 302 and reponse.url == candidature.get_absolute_url()
    assert candidature.etat == Etat.SOUMISE
    piece = PieceJointe.objects.get()
    assert (piece.nom, piece.type_mime, piece.taille) == ("projet.pdf", "application/pdf", len(PDF))


def exe_elf():
    return SimpleUploadedFile("programme.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, content_type="application/pdf")


def exe_mz():
    return SimpleUploadedFile("facture.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="application/pdf")


def trop_gros():
    return SimpleUploadedFile("gros.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf")


MAUVAISES_SAISIES = [
    ("titre_vide", lambda p: {"titre": ""}, "Donnez un titre au projet."),
    ("zero_eleve", lambda p: {"nb_eleves": "0"}, "Le nombre d'élèves doit être au moins 1."),
    ("99_eleves", lambda p: {"nb_eleves": "99"}, "Une classe compte au plus 35 élèves."),
    ("eleves_texte", lambda p: {"nb_eleves": "vingt"}, "Indiquez un nombre entier d'élèves."),
    ("sans_niveau", lambda p: {"niveaux": []}, "Cochez au moins un niveau."),
    ("fichier_trop_gros", lambda p: {"piece_jointe": trop_gros()}, "Le fichier dépasse 10 Mo."),
    ("executable_elf", lambda p: {"piece_jointe": exe_elf()}, "Ce fichier n'est pas un PDF"),
    ("executable_mz", lambda p: {"piece_jointe": exe_mz()}, "Ce fichier n'est pas un PDF"),
    (
        "periode_autre_campagne",
        lambda p: {"voeu_1": str(PeriodeFactory(campagne=CampagneFactory(active=False)).pk)},
        "Cette période n'appartient pas à la campagne.",
    ),
    ("meme_periode_deux_fois", lambda p: {"voeu_2": str(p.pk)}, "Une même période ne peut être demandée deux fois."),
]


@pytest.mark.parametrize("soumettre", [False, True], ids=["brouillon", "soumission"])
@pytest.mark.parametrize(("cas", "modifs", "message"), MAUVAISES_SAISIES, ids=[c[0] for c in MAUVAISES_SAISIES])
def test_nouvelle_saisie_invalide(client, enseignant_seul, cas, modifs, message, soumettre):
    """A clear French message on the form, and nothing saved (no candidature, no attachment)."""
    enseignant, periode = enseignant_seul
    client.force_login(enseignant)
    donnees = donnees_formulaire(periode, **modifs(periode))
    if soumettre:
        donnees.pop("brouillon")
        donnees["soumettre"] = ""
    reponse = client.post(url("nouvelle"), donnees)
    assert reponse.status_code == 200
    assert voit(reponse, message)
    assert voit(reponse, "Le formulaire contient des erreurs")
    assert Candidature.objects.count() == 0
    assert PieceJointe.objects.count() == 0


@pytest.mark.parametrize(("cas", "modifs", "message"), MAUVAISES_SAISIES, ids=[c[0] for c in MAUVAISES_SAISIES])
def test_modifier_saisie_invalide(client, cas, modifs, message):
    candidature = CandidatureFactory(titre="Titre d'origine", nb_eleves=20)
    periode = candidature.voeux.get().periode
    client.force_login(candidature.enseignant)
    reponse = client.post(url("modifier", candidature.uuid), donnees_formulaire(periode, **modifs(periode)))
    assert reponse.status_code == 200
    assert voit(reponse, message)
    candidature.refresh_from_db()
    assert (candidature.titre, candidature.nb_eleves, candidature.etat) == ("Titre d'origine", 20, Etat.BROUILLON)
    assert [v.periode for v in candidature.voeux.all()] == [periode]
    assert PieceJointe.objects.count() == 0


def test_depot_ferme(client):
    hier = datetime.date.today() - datetime.timedelta(days=1)
    campagne = CampagneFactory(date_ouverture_depot=hier - datetime.timedelta(days=60), date_cloture_depot=hier)
    periode = PeriodeFactory(campagne=campagne)
    brouillon = CandidatureFactory(campagne=campagne, voeux=[periode], titre="Titre d'origine")
    client.force_login(brouillon.enseignant)

    reponse = client.get(url("mes_candidatures"))
    assert voit(reponse, "Le dépôt des candidatures n'est pas ouvert actuellement.")
    for methode in ("get", "post"):
        reponse = getattr(client, methode)(url("nouvelle"), donnees_formulaire(periode), follow=True)
        assert reponse.status_code == 200
        assert voit(reponse, "Le dépôt des candidatures n'est pas ouvert : aucune candidature ne peut être créée.")
    assert Candidature.objects.count() == 1

    donnees = donnees_formulaire(periode, titre="Modifié trop tard", brouillon=None, soumettre="")
    reponse = client.post(url("modifier", brouillon.uuid), donnees, follow=True)
    assert reponse.status_code == 200
    assert voit(reponse, "Le dépôt des candidatures de cette campagne est fermé : la modification est impossible.")
    brouillon.refresh_from_db()
    assert (brouillon.titre, brouillon.etat) == ("Titre d'origine", Etat.BROUILLON)


def test_pas_de_campagne(client):
    client.force_login(UtilisateurFactory(enseignant=True))
    reponse = client.get(url("nouvelle"), follow=True)
    assert reponse.status_code == 200
    assert voit(reponse, "Le dépôt des candidatures n'est pas ouvert")


def test_a_completer_modifiable_puis_resoumise(client, monde):
    client.force_login(monde.ien)
    client.post(url("transition", monde.candidature.uuid, "renvoyer"), {"commentaire": "Précisez."})
    monde.candidature.refresh_from_db()
    assert monde.candidature.etat == Etat.A_COMPLETER
    client.force_login(monde.enseignant)
    assert client.get(url("modifier", monde.candidature.uuid)).status_code == 200
    donnees = donnees_formulaire(monde.periode, usages_prevus="Précisés.", brouillon=None, soumettre="")
    reponse = client.post(url("modifier", monde.candidature.uuid), donnees)
    assert reponse.status_code == 302
    monde.candidature.refresh_from_db()
    assert (monde.candidature.etat, monde.candidature.usages_prevus) == (Etat.SOUMISE, "Précisés.")


# --- Exports -------------------------------------------------------------------------------------------------


@pytest.fixture
def export(monde):
    """Two candidatures in X (the monde's circonscription), one in another circonscription."""
    CandidatureFactory(campagne=monde.campagne, avis_donne=True, titre="Radio X",
                       enseignant__ecole__circonscription=monde.candidature.ecole.circonscription)  # fmt: skip
    CandidatureFactory(campagne=monde.campagne, avis_donne=True, titre="Radio Y")
    return monde


def lignes_csv(reponse):
    # The CSV export is streamed.
    texte = b"".join(reponse.streaming_content).decode("utf-8")
    assert texte.startswith("\ufeff")
    return list(csv.reader(io.StringIO(texte[1:]), delimiter=";"))


def test_export_csv(client, export):
    client.force_login(export.commission)
    reponse = client.get(url("liste"), {"export": "csv"})
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"].startswith('attachment; filename="candidatures-')
    lignes = lignes_csv(reponse)
    assert lignes[0][:3] == ["Campagne", "Circonscription", "École"]
    titres = sorted(ligne[6] for ligne in lignes[1:])
    assert titres == ["Journal de classe", "Radio X", "Radio Y"]
    journal = next(ligne for ligne in lignes[1:] if ligne[6] == "Journal de classe")
    assert journal[3] == export.candidature.ecole.uai
    assert journal[9] == "Autorisée par le directeur"


def test_export_filtre(client, export):
    client.force_login(export.commission)
    reponse = client.get(url("liste"), {"export": "csv", "etat": Etat.AVIS_DONNE})
    assert sorted(ligne[6] for ligne in lignes_csv(reponse)[1:]) == ["Radio X", "Radio Y"]


def test_export_de_l_ien_limite_a_sa_circonscription(client, export):
    client.force_login(export.ien)
    lignes = lignes_csv(client.get(url("liste"), {"export": "csv"}))
    assert sorted(ligne[6] for ligne in lignes[1:]) == ["Journal de classe", "Radio X"]
    assert {ligne[1] for ligne in lignes[1:]} == {export.candidature.ecole.circonscription.nom}
    # Asking for another circonscription does not widen the scope.
    autre = Candidature.objects.get(titre="Radio Y").ecole.circonscription
    lignes = lignes_csv(client.get(url("liste"), {"export": "csv", "circonscription": autre.code}))
    assert lignes[1:] == []
    # "À examiner" exports what is waiting for the IEN only.
    lignes = lignes_csv(client.get(url("a_examiner"), {"export": "csv"}))
    assert [ligne[6] for ligne in lignes[1:]] == ["Journal de classe"]


def test_export_xlsx(client, export):
    client.force_login(export.commission)
    reponse = client.get(url("liste"), {"export": "xlsx"})
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[0][6] == "Titre"
    assert sorted(ligne[6] for ligne in lignes[1:]) == ["Journal de classe", "Radio X", "Radio Y"]


def test_export_ods(client, export):
    client.force_login(export.ien)
    reponse = client.get(url("liste"), {"export": "ods"})
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    with zipfile.ZipFile(io.BytesIO(reponse.content)) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        contenu_ods = archive.read("content.xml").decode()
    assert "Journal de classe" in contenu_ods and "Radio X" in contenu_ods
    assert "Radio Y" not in contenu_ods


def test_export_format_inconnu(client, export):
    client.force_login(export.commission)
    reponse = client.get(url("liste"), {"export": "exe"})
    assert reponse.status_code == 400
    assert "Format d'export inconnu" in reponse.content.decode()


# --- Commission ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["commission", "cpd", "dasen", "admin"])
def test_sessions_liste(client, monde, role):
    client.force_login(getattr(monde, role))
    reponse = client.get(url("sessions"))
    assert reponse.status_code == 200
    assert voit(reponse, str(monde.session))
    assert voit(reponse, "Nouvelle session") == (role != "dasen")


def test_creer_une_session(client, monde):
    client.force_login(monde.commission)
    date = datetime.date.today() + datetime.timedelta(days=20)
    reponse = client.post(url("sessions"), {"date": date.isoformat(), "lieu": "Arras", "membres": [monde.ien.pk]})
    session = SessionCommission.objects.get(lieu="Arras")
    assert reponse.status_code == 302 and reponse.url == session.get_absolute_url()
    assert (session.campagne, list(session.membres.all())) == (monde.campagne, [monde.ien])


def test_creer_une_session_date_invalide(client, monde):
    client.force_login(monde.commission)
    reponse = client.post(url("sessions"), {"date": "32/13/2026", "lieu": "Arras"})
    assert reponse.status_code == 200
    assert voit(reponse, "Saisissez une date valide.")
    assert SessionCommission.objects.count() == 1


@pytest.fixture
def en_commission(monde):
    """The monde's candidature inscribed in the session, another one waiting to be inscribed."""
    monde.candidature.etat, monde.candidature.avis_ien, monde.candidature.session = (
        Etat.INSCRITE,
        Avis.FAVORABLE,
        monde.session,
    )
    monde.candidature.save()
    monde.en_attente = CandidatureFactory(campagne=monde.campagne, avis_donne=True, titre="Radio scolaire")
    return monde


@pytest.mark.parametrize("role", ["commission", "cpd", "dasen", "admin"])
def test_session_detail(client, en_commission, role):
    m = en_commission
    client.force_login(getattr(m, role))
    reponse = client.get(url("session_detail", m.session.uuid))
    assert reponse.status_code == 200
    assert voit(reponse, "Journal de classe")
    assert voit(reponse, m.candidature.ecole.circonscription.nom)
    assert voit(reponse, "Aucun procès-verbal n'a encore été généré.")
    peut_proposer = role in ("commission", "admin")
    assert voit(reponse, "Transmettre les propositions au DASEN") == peut_proposer
    assert voit(reponse, "Enregistrer le classement") == peut_proposer
    if peut_proposer:
        assert voit(reponse, "Janvier-février")  # the period select of the row
    # The candidature waiting to be inscribed shows for those who may inscribe.
    assert voit(reponse, "Radio scolaire") == (role != "dasen")


def test_session_inscrire(client, en_commission):
    m = en_commission
    client.force_login(m.commission)
    donnees = {"candidatures": [str(m.en_attente.uuid)]}
    reponse = client.post(url("session_inscrire", m.session.uuid), donnees, follow=True)
    assert reponse.status_code == 200
    assert voit(reponse, "1 candidature(s) inscrite(s) à l'ordre du jour.")
    m.en_attente.refresh_from_db()
    assert (m.en_attente.etat, m.en_attente.session) == (Etat.INSCRITE, m.session)
    reponse = client.post(url("session_inscrire", m.session.uuid), donnees, follow=True)
    assert voit(reponse, "Certaines candidatures n'ont pas pu être inscrites")
    assert m.en_attente.historique.count() == 1


def test_session_proposer(client, en_commission):
    m = en_commission
    client.force_login(m.commission)
    prefixe = str(m.candidature.uuid)
    donnees = {
        "lignes": [prefixe],
        "action": "transmettre",
        f"{prefixe}-rang": "1",
        f"{prefixe}-proposition": Proposition.RETENUE,
        f"{prefixe}-periode": m.periode.pk,
    }
    reponse = client.post(url("session_proposer", m.session.uuid), donnees, follow=True)
    assert reponse.status_code == 200
    assert voit(reponse, "1 proposition(s) transmise(s) au DASEN")
    m.candidature.refresh_from_db()
    assert (m.candidature.etat, m.candidature.rang, m.candidature.periode_proposee) == (Etat.PROPOSEE, 1, m.periode)


def test_session_proposer_periode_d_une_autre_campagne(client, en_commission):
    m = en_commission
    client.force_login(m.commission)
    prefixe, autre = str(m.candidature.uuid), PeriodeFactory()
    donnees = {
        "lignes": [prefixe],
        f"{prefixe}-rang": "1",
        f"{prefixe}-proposition": Proposition.RETENUE,
        f"{prefixe}-periode": autre.pk,
    }
    reponse = client.post(url("session_proposer", m.session.uuid), donnees, follow=True)
    assert reponse.status_code == 200
    assert voit(reponse, "Cette période n'appartient pas à la campagne.")
    m.candidature.refresh_from_db()
    assert (m.candidature.etat, m.candidature.rang, m.candidature.periode_proposee) == (Etat.INSCRITE, None, None)


def test_session_proposer_retenue_sans_periode(client, en_commission):
    m = en_commission
    client.force_login(m.commission)
    prefixe = str(m.candidature.uuid)
    reponse = client.post(
        url("session_proposer", m.session.uuid),
        {"lignes": [prefixe], f"{prefixe}-proposition": Proposition.RETENUE},
        follow=True,
    )
    assert voit(reponse, "Une candidature retenue demande une période.")
    m.candidature.refresh_from_db()
    assert m.candidature.etat == Etat.INSCRITE


def test_session_pv(client, en_commission):
    m = en_commission
    client.force_login(m.cpd)
    reponse = client.post(url("session_pv", m.session.uuid))
    assert reponse.status_code == 302 and reponse.url == m.session.get_absolute_url()
    assert [str(x) for x in get_messages(reponse.wsgi_request)] == ["La génération du procès-verbal est lancée."]
    assert Document.objects.filter(cle__endswith=str(m.session.uuid)).count() == 1


# --- DASEN ---------------------------------------------------------------------------------------------------


@pytest.fixture
def proposee(monde):
    c = monde.candidature
    c.etat, c.avis_ien, c.session, c.rang = Etat.PROPOSEE, Avis.FAVORABLE, monde.session, 1
    c.proposition, c.periode_proposee = Proposition.RETENUE, monde.periode
    c.save()
    return monde


@pytest.mark.parametrize("role", ["dasen", "admin", "commission", "cpd"])
def test_decisions_page(client, proposee, role):
    client.force_login(getattr(proposee, role))
    reponse = client.get(url("decisions", proposee.session.uuid))
    assert reponse.status_code == 200
    assert voit(reponse, "Journal de classe")
    assert voit(reponse, "retenue (Janvier-février)")
    assert voit(reponse, "Enregistrer les décisions cochées") == (role in ("dasen", "admin"))


def test_decider_plusieurs(client, proposee, django_capture_on_commit_callbacks):
    m = proposee
    client.force_login(m.dasen)
    prefixe = str(m.candidature.uuid)
    donnees = {"candidatures": [prefixe], f"{prefixe}-decision": Decision.ACCEPTEE, "commentaire": "Retenue."}
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("decider_plusieurs", m.session.uuid), donnees, follow=True)
    assert reponse.status_code == 200
    assert voit(reponse, "1 décision(s) enregistrée(s)")
    m.candidature.refresh_from_db()
    assert (m.candidature.etat, m.candidature.decision) == (Etat.ACCEPTEE, Decision.ACCEPTEE)
    assert m.enseignant.email in mail.outbox[0].to
    assert voit(reponse, "Aucune proposition en attente de décision.")
    # Posted again: nothing left to decide, nothing changes.
    reponse = client.post(
        url("decider_plusieurs", m.session.uuid), {**donnees, f"{prefixe}-decision": "refusee"}, follow=True
    )
    assert voit(reponse, "0 décision(s) enregistrée(s)")
    assert voit(reponse, "1 candidature ignorée : « Journal de classe » déjà décidée entre-temps (acceptée).")
    m.candidature.refresh_from_db()
    assert m.candidature.etat == Etat.ACCEPTEE
    assert TransitionCandidature.objects.filter(candidature=m.candidature).count() == 1


def test_decider_sans_motivation(client, proposee):
    m = proposee
    client.force_login(m.dasen)
    prefixe = str(m.candidature.uuid)
    donnees = {"candidatures": [prefixe], f"{prefixe}-decision": Decision.ACCEPTEE, f"{prefixe}-motivation": "  "}
    reponse = client.post(url("decider_plusieurs", m.session.uuid), donnees, follow=True)
    assert reponse.status_code == 200
    assert voit(reponse, "La motivation de la décision est obligatoire.")
    m.candidature.refresh_from_db()
    assert m.candidature.etat == Etat.PROPOSEE
