"""The one export helper: no cell can become a formula, in CSV, XLSX and ODS alike; numbers stay numbers."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from odf.opendocument import load
from odf.table import TableCell

from classes_mobiles.exports import contenu_export, neutraliser, reponse_export

DANGEREUX = ["=1+1", "+1+1", "-1+1", "@SOMME(A1)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]
ENTETES = ["Texte", "Entier", "Décimal", "Date", "Vide", "Sûr"]


def lignes():
    return [
        [texte, -3, Decimal("-2.5"), datetime.date(2026, 1, 5), None, "Un texte - sans danger"] for texte in DANGEREUX
    ]


def test_neutraliser():
    assert neutraliser(["=A1", "+1", "-1", "@x", "\tx", "\rx", "a=b", "", None, -3, Decimal("-2.5"), 0.5, True]) == [
        "'=A1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "a=b", "", "", -3, Decimal("-2.5"), 0.5, True,
    ]  # fmt: skip


def test_csv():
    texte = contenu_export("csv", ENTETES, lignes()).decode("utf-8")
    cellules = [ligne[0] for ligne in csv.reader(io.StringIO(texte[1:]), delimiter=";")][1:]
    assert cellules == ["'" + d for d in DANGEREUX]
    assert ";-3;-2.5;2026-01-05;;" in texte


def test_xlsx():
    classeur = openpyxl.load_workbook(io.BytesIO(contenu_export("xlsx", ENTETES, lignes())))
    cellules = [c for ligne in classeur.active.iter_rows(min_row=2) for c in ligne]
    assert [c.coordinate for c in cellules if c.data_type == "f"] == []
    valeurs = list(classeur.active.iter_rows(min_row=2, values_only=True))
    # (XML turns the carriage return into a line feed; the apostrophe is there all the same.)
    assert [v[0] for v in valeurs] == ["'" + d.replace("\r", "\n") for d in DANGEREUX]
    assert {(v[1], v[2]) for v in valeurs} == {(-3, -2.5)}  # numeric cells, not text


def test_ods():
    document = load(io.BytesIO(contenu_export("ods", ENTETES, lignes())))
    cellules = document.spreadsheet.getElementsByType(TableCell)
    assert [str(c) for c in cellules if c.getAttribute("formula")] == []
    textes = [str(c) for c in cellules]
    for dangereux in DANGEREUX:
        assert dangereux not in textes
    flottants = {c.getAttribute("value") for c in cellules if c.getAttribute("valuetype") == "float"}
    assert flottants == {"-3", "-2.5"}


@pytest.mark.parametrize("format_export", ["csv", "xlsx", "ods"])
def test_reponse_piece_jointe(format_export):
    reponse = reponse_export(format_export, "essai", ENTETES, iter(lignes()))
    assert reponse["Content-Disposition"].startswith('attachment; filename="essai-')
    assert reponse.streaming == (format_export == "csv")
