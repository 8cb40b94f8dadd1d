"""The ONE export helper: a table (headers + rows) to CSV (streamed), XLSX or ODS as a download.

Every cell goes through the same neutralisation: a text that a spreadsheet would read as a formula (it begins
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe, the OWASP way, in the
three formats alike. Numbers stay numbers (a negative ``int`` or ``Decimal`` is not text).
Rows are plain sequences of values (build them with ``values_list()``, not model instances).
"""

import csv
import io
from itertools import islice

import tablib
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# The first characters that make a spreadsheet evaluate a cell (OWASP "CSV injection").
DEBUTS_DE_FORMULE = frozenset("=+-@\t\r")
LIGNES_PAR_MORCEAU = 200  # CSV rows per streamed chunk


def neutraliser(ligne):
    """The row with None as "" and every text that could start a formula prefixed with an apostrophe."""
    return [
        ("'" + v if v and v[0] in DEBUTS_DE_FORMULE else v) if v.__class__ is str else ("" if v is None else v)
        for v in ligne
    ]


def lignes_csv(entetes, lignes):
    """The CSV text in chunks: French spreadsheet habits (';' separator, UTF-8 with a BOM for Excel's accents)."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";")
    tampon.write("\ufeff")
    ecrivain.writerow(neutraliser(entetes))
    lignes = iter(lignes)
    while True:
        ecrivain.writerows(map(neutraliser, islice(lignes, LIGNES_PAR_MORCEAU)))
        morceau = tampon.getvalue()
        if not morceau:
            return
        yield morceau
        tampon.seek(0)
        tampon.truncate()


def contenu_export(format_export, entetes, lignes):
    """The whole file as bytes (CSV included: for callers that attach it rather than serve it)."""
    if format_export == "csv":
        return "".join(lignes_csv(entetes, lignes)).encode("utf-8")
    donnees = tablib.Dataset(*(neutraliser(ligne) for ligne in lignes), headers=neutraliser(entetes), title="Export")
    return donnees.export(format_export)


def reponse_export(format_export, nom, entetes, lignes):
    """The download response: CSV streamed row by row, XLSX and ODS built whole (their libraries need it)."""
    if format_export not in FORMATS:
        return HttpResponse("Format d'export inconnu : csv, xlsx ou ods.", status=400, content_type="text/plain")
    if format_export == "csv":
        reponse = StreamingHttpResponse(
            (morceau.encode("utf-8") for morceau in lignes_csv(entetes, lignes)), content_type=FORMATS["csv"]
        )
    else:
        reponse = HttpResponse(contenu_export(format_export, entetes, lignes), content_type=FORMATS[format_export])
    horodatage = timezone.localtime().strftime("%Y%m%d-%H%M")
    reponse["Content-Disposition"] = f'attachment; filename="{nom}-{horodatage}.{format_export}"'
    return reponse
