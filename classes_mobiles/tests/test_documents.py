"""The PDF pipeline: versioned documents with their content hash, the task, the status and download views."""

import hashlib
import io
import re

import pytest
from django.urls import include, path, reverse
from pypdf import PdfReader

from classes_mobiles import documents as service
from classes_mobiles import urls as urls_principales
from classes_mobiles.celery import app as celery_app
from classes_mobiles.enums import ROLES_DEPARTEMENT, EtatDocument
from classes_mobiles.models import Document
from classes_mobiles.tasks_documents import generer_document
from classes_mobiles.tests.factories import UtilisateurFactory

# The project's urls.py may not include the documents URLs yet: the tests add them when missing.
urlpatterns = list(urls_principales.urlpatterns)
if not any(getattr(p, "namespace", None) == "documents" for p in urlpatterns):
    urlpatterns.append(path("documents/", include("classes_mobiles.urls_documents")))

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

TYPE = "essai"
CLE = "essai:42"


@pytest.fixture(autouse=True)
def taches_immediates():
    anciens = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = anciens


@pytest.fixture
def contenu(monkeypatch):
    """A test generator over pdf/base.html whose content is the mutable ``contenu["texte"]``."""
    contenu = {"texte": "Premier contenu", "appels": 0}

    def construire(cle):
        contenu["appels"] += 1
        return "pdf/base.html", {"office_nom": contenu["texte"], "office_service": "Service d'essai"}, "essai"

    def peut_voir(user, cle):
        return user.is_superuser or user.role in ROLES_DEPARTEMENT

    monkeypatch.setitem(
        service.GENERATEURS,
        TYPE,
        service.Generateur(type_document=TYPE, construire=construire, peut_voir=peut_voir, peut_demander=peut_voir),
    )
    return contenu


def generer(django_capture_on_commit_callbacks, user=None, cle=CLE):
    with django_capture_on_commit_callbacks(execute=True):
        document = service.demander_document(TYPE, cle, user)
    document.refresh_from_db()
    return document


def texte_pdf(document):
    with document.version_affichee.fichier.open("rb") as f:
        lecteur = PdfReader(io.BytesIO(f.read()))
    return "\n".join(page.extract_text() for page in lecteur.pages)


def test_demande_cree_une_version_en_attente_generee_apres_commit(contenu, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as rappels:
        document = service.demander_document(TYPE, CLE)
    assert (document.version, document.etat, document.progression) == (1, EtatDocument.EN_ATTENTE, 0)
    assert len(rappels) == 1

    rappels[0]()
    document.refresh_from_db()
    assert document.etat == EtatDocument.TERMINE
    assert document.progression == 100
    assert re.fullmatch(rf"documents/{TYPE}/[0-9a-f]{{32}}\.pdf", document.fichier.name)  # unguessable
    assert document.nom_fichier == "essai-v1.pdf"
    assert re.fullmatch(r"[0-9a-f]{64}", document.empreinte)
    with document.fichier.open("rb") as f:
        octets = f.read()
    assert octets.startswith(b"%PDF")
    assert document.empreinte_fichier == hashlib.sha256(octets).hexdigest()


def test_empreinte_et_version_imprimees_dans_le_pdf(contenu, django_capture_on_commit_callbacks):
    document = generer(django_capture_on_commit_callbacks)
    texte = texte_pdf(document)
    assert "Premier contenu" in texte
    assert "Empreinte du contenu" in texte
    assert document.empreinte in re.sub(r"\s+", "", texte)
    assert "Version 1, générée le" in texte
    assert "Page 1 / 1" in texte


def test_une_nouvelle_demande_apres_un_changement_garde_les_versions_precedentes(
    contenu, django_capture_on_commit_callbacks
):
    v1 = generer(django_capture_on_commit_callbacks)
    contenu["texte"] = "Contenu modifié"
    v2 = generer(django_capture_on_commit_callbacks)

    assert (v1.version, v2.version) == (1, 2)
    assert v2.etat == EtatDocument.TERMINE and v2.doublon_de is None
    assert v1.empreinte != v2.empreinte
    assert v1.fichier.name != v2.fichier.name
    assert list(service.versions(CLE)) == [v2, v1]
    assert "Premier contenu" in texte_pdf(v1)
    assert "Contenu modifié" in texte_pdf(v2)
    assert "Version 2" in texte_pdf(v2)


def test_meme_contenu_la_nouvelle_version_reprend_la_precedente(
    contenu, django_capture_on_commit_callbacks, monkeypatch
):
    """Same content hash as the previous finished version: no new PDF, the row points to that version."""
    v1 = generer(django_capture_on_commit_callbacks)
    monkeypatch.setattr(service, "ecrire_pdf", lambda html: pytest.fail("pas de nouveau PDF attendu"))
    v2 = generer(django_capture_on_commit_callbacks)

    assert v2.etat == EtatDocument.TERMINE
    assert v2.doublon_de == v1
    assert v2.version_affichee == v1
    assert (v2.fichier.name, v2.empreinte, v2.empreinte_fichier) == (
        v1.fichier.name,
        v1.empreinte,
        v1.empreinte_fichier,
    )
    assert list(service.versions(CLE)) == [v1]


def test_une_demande_pendant_la_generation_renvoie_la_version_en_cours(contenu, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as rappels:
        premiere = service.demander_document(TYPE, CLE)
        seconde = service.demander_document(TYPE, CLE)
    assert premiere == seconde
    assert len(rappels) == 1
    assert Document.objects.filter(cle=CLE).count() == 1


def test_la_tache_ignore_un_document_deja_termine(contenu, django_capture_on_commit_callbacks):
    document = generer(django_capture_on_commit_callbacks)
    appels = contenu["appels"]
    generer_document.delay(document.pk)
    apres = Document.objects.get(pk=document.pk)
    assert contenu["appels"] == appels
    assert (apres.fichier.name, apres.date_generation) == (document.fichier.name, document.date_generation)


def test_un_echec_est_reessaye_puis_enregistre(contenu, django_capture_on_commit_callbacks, monkeypatch):
    # As on a worker: the error is not propagated to the caller, so the retries run (inline when eager).
    celery_app.conf.task_eager_propagates = False  # restored by the taches_immediates fixture
    tentatives = []

    def en_panne(html):
        tentatives.append(html)
        raise RuntimeError("police introuvable")

    ecrire_pdf = service.ecrire_pdf
    monkeypatch.setattr(service, "ecrire_pdf", en_panne)
    document = generer(django_capture_on_commit_callbacks)

    assert len(tentatives) == 3  # the first attempt and two retries
    assert document.etat == EtatDocument.ECHEC
    assert document.erreur == "La génération du document a échoué : police introuvable"
    assert not document.fichier

    monkeypatch.setattr(service, "ecrire_pdf", ecrire_pdf)
    nouvelle = generer(django_capture_on_commit_callbacks)
    assert (nouvelle.version, nouvelle.etat, nouvelle.erreur) == (2, EtatDocument.TERMINE, "")


def test_un_echec_sans_broker_n_interrompt_pas_la_demande(contenu, django_capture_on_commit_callbacks, monkeypatch):
    """Eager mode (demo): the failure is recorded on the row and logged; the request goes on."""
    monkeypatch.setattr(service, "ecrire_pdf", lambda html: 1 / 0)
    document = generer(django_capture_on_commit_callbacks)
    assert document.etat == EtatDocument.ECHEC
    assert document.erreur.startswith("La génération du document a échoué : ")


def test_le_rendu_ne_va_pas_sur_le_reseau():
    fetcher = service._fetcher_local()
    for url in ("https://exemple.fr/logo.png", "http://127.0.0.1/x.css", "file:///etc/passwd", "ftp://exemple.fr/a"):
        with pytest.raises(ValueError):
            fetcher(url)
    assert fetcher("data:text/plain,bonjour").read() == b"bonjour"


# Views


def test_pages_du_document_par_role(client, contenu, django_capture_on_commit_callbacks):
    document = generer(django_capture_on_commit_callbacks)
    urls = [
        reverse("documents:etat", args=[document.uuid]),
        reverse("documents:etat_json", args=[document.uuid]),
        reverse("documents:telecharger", args=[document.uuid]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: login page

    client.force_login(UtilisateurFactory(ien=True))
    for url in urls:
        assert client.get(url).status_code == 404

    client.force_login(UtilisateurFactory(cpd=True))
    page = client.get(urls[0])
    assert page.status_code == 200
    contenu_page = page.content.decode()
    assert "Télécharger le document" in contenu_page
    assert document.empreinte in contenu_page
    assert "Versions du document" in contenu_page
    assert "http-equiv" not in contenu_page

    etat = client.get(urls[1]).json()
    assert (etat["etat"], etat["progression"], etat["en_cours"]) == ("termine", 100, False)
    assert etat["url_telechargement"] == urls[2]
    assert "Télécharger le document" in etat["html"]

    reponse = client.get(urls[2])
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"].startswith('attachment; filename="essai-v1')
    assert b"".join(reponse.streaming_content).startswith(b"%PDF")


def test_page_d_un_document_en_attente(client, contenu, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        document = service.demander_document(TYPE, CLE)
    client.force_login(UtilisateurFactory(cpd=True))
    page = client.get(reverse("documents:etat", args=[document.uuid])).content.decode()
    assert "<progress" in page
    assert "Actualiser" in page
    assert 'data-suivi="actif"' in page
    assert client.get(reverse("documents:etat_json", args=[document.uuid])).json()["en_cours"] is True
    assert client.get(reverse("documents:telecharger", args=[document.uuid])).status_code == 404


def test_telecharger_un_doublon_sert_le_fichier_de_la_version_reprise(
    client, contenu, django_capture_on_commit_callbacks
):
    v1 = generer(django_capture_on_commit_callbacks)
    v2 = generer(django_capture_on_commit_callbacks)
    client.force_login(UtilisateurFactory(cpd=True))
    reponse = client.get(reverse("documents:telecharger", args=[v2.uuid]))
    assert reponse.status_code == 200
    with v1.fichier.open("rb") as f:
        assert b"".join(reponse.streaming_content) == f.read()
    page = client.get(reverse("documents:etat", args=[v2.uuid])).content.decode()
    assert "Le contenu n'a pas changé depuis la version 1" in page


def test_demander_par_formulaire(client, contenu, django_capture_on_commit_callbacks):
    url = reverse("documents:demander")
    client.force_login(UtilisateurFactory(ien=True))
    assert client.post(url, {"type_document": TYPE, "cle": CLE}).status_code == 404
    assert client.post(url, {"type_document": "inconnu", "cle": "inconnu:1"}).status_code == 404

    utilisateur = UtilisateurFactory(cpd=True)
    client.force_login(utilisateur)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url, {"type_document": TYPE, "cle": CLE})
    document = Document.objects.get(cle=CLE)
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("documents:etat", args=[document.uuid])
    assert document.demande_par == utilisateur
    assert document.etat == EtatDocument.TERMINE
