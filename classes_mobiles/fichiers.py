"""Stored files (generated or uploaded): verified type, unguessable storage names, and the one serving helper.

No file is ever served from a public URL: a view loads its object through the user's scope, then calls
``servir_fichier(request, fieldfile, nom, type_mime)``, which answers with the file itself (``FileResponse``)
or, when ``settings.FICHIERS_SERVIS_PAR`` says a front server does it, with an ``X-Accel-Redirect`` (nginx,
to an ``internal`` location under ``settings.FICHIERS_PREFIXE_INTERNE``) or ``X-Sendfile`` (Apache) header.
The content type and the extension of the downloaded name come from the verified type (``type_reel``, the
file's magic bytes), never from the uploaded name; the storage name is random (``nom_stockage``).
"""

import re
import unicodedata
import uuid
import zipfile
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

# The types the product stores and serves, with the extension of their downloaded name.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
    "application/vnd.oasis.opendocument.graphics": ".odg",
}
TYPE_INCONNU = "application/octet-stream"

MODES_SERVICE = ("", "nginx", "apache")


def type_reel(fichier):
    """The file's type from its content (magic bytes), never from its name. None when not accepted."""
    debut = fichier.read(2048)
    fichier.seek(0)
    if debut.startswith(b"%PDF-"):
        return "application/pdf"
    if debut.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if debut.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if debut.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fichier) as archive:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
        except (zipfile.BadZipFile, KeyError):
            return None
        finally:
            fichier.seek(0)
        if mimetype in EXTENSIONS:
            return mimetype
    return None


def nom_stockage(dossier, type_mime):
    """A random storage name in ``dossier`` (nothing of the title, the date or the uploaded name)."""
    return f"{dossier}/{uuid.uuid4().hex}{EXTENSIONS.get(type_mime, '')}"


def nom_telechargement(nom, type_mime):
    """A clean French file name: the given name without its extension, then the verified type's extension.

    Letters (accents kept), digits, spaces, dots, dashes, underscores and parentheses; anything else
    (path separators, quotes, control characters) becomes a dash.
    """
    nom = unicodedata.normalize("NFC", str(nom or "")).rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    base, point, extension = nom.rpartition(".")
    if point and base and len(extension) <= 5:
        nom = base
    nom = re.sub(r"[^\w .()-]+", "-", nom, flags=re.UNICODE)
    nom = re.sub(r"-{2,}", "-", nom).strip(" .-_")[:100].strip(" .-_")
    return f"{nom or 'fichier'}{EXTENSIONS.get(type_mime, '')}"


def servir_fichier(request, fichier, nom, type_mime):
    """The response serving ``fichier`` (a ``FieldFile``) as a download named after ``nom``.

    The caller has checked the user's rights (the object was loaded through its scope) and gives the
    verified ``type_mime``; a type the product does not know is served as ``application/octet-stream``.
    """
    if not fichier:
        raise Http404("Ce fichier est introuvable.")
    type_mime = type_mime if type_mime in EXTENSIONS else TYPE_INCONNU
    nom = nom_telechargement(nom, type_mime)
    mode = settings.FICHIERS_SERVIS_PAR
    if mode == "":
        try:
            flux = fichier.open("rb")
        except FileNotFoundError:
            raise Http404("Ce fichier est introuvable.") from None
        reponse = FileResponse(flux, as_attachment=True, filename=nom, content_type=type_mime)
    else:
        reponse = HttpResponse(content_type=type_mime)
        reponse["Content-Disposition"] = content_disposition_header(True, nom)
        if mode == "nginx":
            prefixe = settings.FICHIERS_PREFIXE_INTERNE.rstrip("/")
            reponse["X-Accel-Redirect"] = f"{prefixe}/{quote(fichier.name)}"
        else:
            reponse["X-Sendfile"] = fichier.path
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Cache-Control"] = "private, no-store"
    return reponse
