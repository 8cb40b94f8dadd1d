"""Stored files are served only by scoped views, through one helper, whatever the mode (DEBUG included)."""

import importlib
import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse

from candidatures.models import PieceJointe
from candidatures.tests.factories import CandidatureFactory
from classes_mobiles import documents as service
from classes_mobiles import urls as urls_principales
from classes_mobiles.celery import app as celery_app
from classes_mobiles.enums import ROLES_DEPARTEMENT, EtatDocument
from classes_mobiles.fichiers import nom_stockage, nom_telechargement, type_reel
from classes_mobiles.models import Document
from classes_mobiles.tests.factories import UtilisateurFactory
from classes_mobiles.tests.reponses import fermer

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
TYPE = "essai"


@pytest.fixture
def document_genere(monkeypatch, django_capture_on_commit_callbacks):
    """A generated document of a test type departmental roles may see."""

    def peut_voir(user, cle):
        return user.is_superuser or user.role in ROLES_DEPARTEMENT

    monkeypatch.setitem(
        service.GENERATEURS,
        TYPE,
        service.Generateur(
            type_document=TYPE,
            construire=lambda cle: ("pdf/base.html", {}, "Procès-verbal « essai » 15-01"),
            peut_voir=peut_voir,
            peut_demander=peut_voir,
        ),
    )
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    with django_capture_on_commit_callbacks(execute=True):
        document = service.demander_document(TYPE, f"{TYPE}:1")
    document.refresh_from_db()
    assert document.etat == EtatDocument.TERMINE
    return document


@pytest.fixture
def piece(tmp_path):
    candidature = CandidatureFactory(soumise=True)
    return PieceJointe.objects.create(
        candidature=candidature,
        fichier=SimpleUploadedFile("Projet <script>.html", PDF, content_type="text/html"),
        nom="Projet <script>.html",
        type_mime="application/pdf",  # verified from the content by the form
        taille=len(PDF),
    )


def verifier_entetes(reponse, type_mime, nom):
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == type_mime
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert reponse["Content-Disposition"].startswith("attachment;")
    assert nom in reponse["Content-Disposition"]
    assert "no-store" in reponse["Cache-Control"]


@pytest.fixture
def urls_en_mode_debug(settings):
    """The project's URLs as `make run` builds them (DEBUG on when urls.py is imported)."""
    settings.DEBUG = True
    importlib.reload(urls_principales)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(urls_principales)
    clear_url_caches()


def test_aucune_url_publique_pour_les_fichiers(client, document_genere, piece, settings, urls_en_mode_debug):
    """The storage folder is not served: neither at /media/ nor at MEDIA_URL, signed in or not, DEBUG on."""
    noms = [document_genere.fichier.name, piece.fichier.name]
    for nom in noms:
        assert (settings.MEDIA_ROOT / nom).exists()
    client.force_login(UtilisateurFactory(admin=True))
    for nom in noms:
        for prefixe in ("/media/", settings.MEDIA_URL):
            assert client.get(f"{prefixe}{nom}").status_code == 404
    client.logout()
    for nom in noms:
        assert client.get(f"/media/{nom}").status_code == 404


def test_noms_de_stockage_imprevisibles(document_genere, piece):
    assert re.fullmatch(rf"documents/{TYPE}/[0-9a-f]{{32}}\.pdf", document_genere.fichier.name)
    assert re.fullmatch(r"pieces-jointes/[0-9a-f]{32}\.pdf", piece.fichier.name)  # not .html, not « Projet »
    assert nom_stockage("x", "image/png") != nom_stockage("x", "image/png")


def test_telechargement_d_un_document(client, document_genere):
    client.force_login(UtilisateurFactory(cpd=True))
    reponse = client.get(reverse("documents:telecharger", args=[document_genere.uuid]))
    verifier_entetes(reponse, "application/pdf", "filename*=utf-8''Proc%C3%A8s-verbal%20-%20essai%20-%2015-01-v1.pdf")
    with document_genere.fichier.open("rb") as f:
        assert b"".join(reponse.streaming_content) == f.read()


def test_piece_jointe_type_et_extension_du_contenu_verifie(client, piece):
    client.force_login(UtilisateurFactory(cpd=True))
    reponse = client.get(reverse("candidatures:piece_jointe", args=[piece.uuid]))
    verifier_entetes(reponse, "application/pdf", 'filename="Projet -script.pdf"')
    assert b"".join(reponse.streaming_content) == PDF


def test_piece_jointe_hors_territoire(client, piece):
    url = reverse("candidatures:piece_jointe", args=[piece.uuid])
    assert client.get(url).status_code == 302
    client.force_login(UtilisateurFactory(enseignant=True))
    assert client.get(url).status_code == 404


def test_un_type_inconnu_est_servi_comme_octets(client, piece):
    PieceJointe.objects.filter(pk=piece.pk).update(type_mime="text/html")
    client.force_login(UtilisateurFactory(cpd=True))
    reponse = client.get(reverse("candidatures:piece_jointe", args=[piece.uuid]))
    verifier_entetes(reponse, "application/octet-stream", 'filename="Projet -script"')
    fermer(reponse)


def test_un_fichier_absent_donne_404(client, document_genere):
    document_genere.fichier.storage.delete(document_genere.fichier.name)
    client.force_login(UtilisateurFactory(cpd=True))
    assert client.get(reverse("documents:telecharger", args=[document_genere.uuid])).status_code == 404


def test_mode_nginx_x_accel_redirect(client, settings, document_genere, piece):
    settings.FICHIERS_SERVIS_PAR = "nginx"
    settings.FICHIERS_PREFIXE_INTERNE = "/fichiers-internes/"
    client.force_login(UtilisateurFactory(cpd=True))
    reponse = client.get(reverse("documents:telecharger", args=[document_genere.uuid]))
    verifier_entetes(reponse, "application/pdf", "-v1.pdf")
    assert reponse["X-Accel-Redirect"] == f"/fichiers-internes/{document_genere.fichier.name}"
    assert reponse.content == b""
    reponse = client.get(reverse("candidatures:piece_jointe", args=[piece.uuid]))
    verifier_entetes(reponse, "application/pdf", 'filename="Projet -script.pdf"')
    assert reponse["X-Accel-Redirect"] == f"/fichiers-internes/{piece.fichier.name}"

    client.force_login(UtilisateurFactory(enseignant=True))  # outside: no redirect header at all
    reponse = client.get(reverse("documents:telecharger", args=[document_genere.uuid]))
    assert reponse.status_code == 404 and "X-Accel-Redirect" not in reponse


def test_mode_apache_x_sendfile(client, settings, document_genere):
    settings.FICHIERS_SERVIS_PAR = "apache"
    client.force_login(UtilisateurFactory(cpd=True))
    reponse = client.get(reverse("documents:telecharger", args=[document_genere.uuid]))
    verifier_entetes(reponse, "application/pdf", "-v1.pdf")
    assert reponse["X-Sendfile"] == document_genere.fichier.path
    assert reponse.content == b""


def test_un_ancien_nom_de_stockage_ne_change_rien(client, document_genere):
    """Files stored before random names (title and date in the path) are served the same way."""
    ancien = document_genere.fichier.storage.save("documents/essai/pv-commission-2026-01-15-v1.pdf", ContentFile(PDF))
    Document.objects.filter(pk=document_genere.pk).update(fichier=ancien, nom_fichier="")
    client.force_login(UtilisateurFactory(cpd=True))
    reponse = client.get(reverse("documents:telecharger", args=[document_genere.uuid]))
    verifier_entetes(reponse, "application/pdf", ".pdf")
    assert b"".join(reponse.streaming_content) == PDF


@pytest.mark.parametrize(
    ("nom", "type_mime", "attendu"),
    [
        ("projet.pdf", "application/pdf", "projet.pdf"),
        ("photo.PNG.exe", "image/png", "photo.PNG.png"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("C:\\Users\\léa\\Compte rendu.odt", "application/vnd.oasis.opendocument.text", "Compte rendu.odt"),
        ('a"b;c\r\nd.jpg', "image/jpeg", "a-b-c-d.jpg"),
        ("", "application/pdf", "fichier.pdf"),
        ("rapport.pdf", "text/html", "rapport"),
    ],
)
def test_nom_de_telechargement(nom, type_mime, attendu):
    assert nom_telechargement(nom, type_mime) == attendu


def odt(mimetype):
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        archive.writestr("mimetype", mimetype)
    return io.BytesIO(tampon.getvalue())


@pytest.mark.parametrize(
    ("contenu", "attendu"),
    [
        (io.BytesIO(PDF), "application/pdf"),
        (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20), "image/png"),
        (io.BytesIO(b"\xff\xd8\xff\xe0" + b"\x00" * 20), "image/jpeg"),
        (odt("application/vnd.oasis.opendocument.text"), "application/vnd.oasis.opendocument.text"),
        (odt("application/x-msdownload"), None),
        (io.BytesIO(b"<html><script>alert(1)</script>"), None),
        (io.BytesIO(b"MZ\x90\x00"), None),
    ],
)
def test_type_reel(contenu, attendu):
    assert type_reel(contenu) == attendu
    assert contenu.tell() == 0
