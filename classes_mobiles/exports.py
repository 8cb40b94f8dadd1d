"""The ONE export helper: a table (headers + rows) to CSV, XLSX or ODS as a download."""

import csv
import io

import tablib
from django.http import HttpResponse
from django.utils import timezone

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def contenu_export(format_export, entetes, lignes):
    lignes = [["" if v is None else v for v in ligne] for ligne in lignes]
    if format_export == "csv":
        # French spreadsheet habits: ';' separator, UTF-8 with BOM so that Excel reads accents.
        tampon = io.StringIO()
        ecrivain = csv.writer(tampon, delimiter=";")
        ecrivain.writerow(entetes)
        ecrivain.writerows(lignes)
        return ("\ufeff" + tampon.getvalue()).encode("utf-8")
    donnees = tablib.Dataset(*lignes, headers=entetes, title="Export")
    return donnees.export(format_export)


def reponse_export(format_export, nom, entetes, lignes):
    if format_export not in FORMATS:
        return HttpResponse("Format d'export inconnu : csv, xlsx ou ods.", status=400, content_type="text/plain")
    contenu = contenu_export(format_export, entetes, lignes)
    reponse = HttpResponse(contenu, content_type=FORMATS[format_export])
    horodatage = timezone.localtime().strftime("%Y%m%d-%H%M")
    reponse["Content-Disposition"] = f'attachment; filename="{nom}-{horodatage}.{format_export}"'
    return reponse
