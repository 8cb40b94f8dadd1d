"""The commission minutes through the PDF pipeline."""

import datetime
import io
import os
import re
import time
from pathlib import Path

import pytest
from django.urls import include, path, reverse
from pypdf import PdfReader

from candidatures.documents import cle_pv, demander_pv
from candidatures.enums import Avis, Proposition
from candidatures.models import Candidature
from candidatures.tests.factories import CandidatureFactory, SessionCommissionFactory
from classes_mobiles import urls as urls_principales
from classes_mobiles.celery import app as celery_app
from classes_mobiles.documents import versions
from classes_mobiles.enums import EtatDocument
from classes_mobiles.models import Document
from classes_mobiles.tests.factories import (
    CampagneFactory,
    CirconscriptionFactory,
    EcoleFactory,
    PeriodeFactory,
    UtilisateurFactory,
)

urlpatterns = list(urls_principales.urlpatterns)
if not any(getattr(p, "namespace", None) == "documents" for p in urlpatterns):
    urlpatterns.append(path("documents/", include("classes_mobiles.urls_documents")))

pytestmark = pytest.mark.urls(__name__)

PROJETS = [
    ("Robotique et codage", "École des Tilleuls", Avis.FAVORABLE, Proposition.RETENUE),
    ("Journal numérique", "École Jean Jaurès", Avis.RESERVE, Proposition.LISTE_ATTENTE),
    ("Cartes au trésor", "École du Centre", Avis.DEFAVORABLE, Proposition.NON_RETENUE),
]


@pytest.fixture(autouse=True)
def taches_immediates(request):
    """Tasks run inline, except for the test that goes through a real worker."""
    anciens = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = request.node.get_closest_marker("worker") is None
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = anciens


def session_avec_candidatures():
    campagne = CampagneFactory()
    periode = PeriodeFactory(campagne=campagne, libelle="Période 3")
    circonscription = CirconscriptionFactory(nom="Circonscription de Lens")
    session = SessionCommissionFactory(
        campagne=campagne,
        date=datetime.date(2026, 1, 15),
        lieu="DSDEN, salle 4",
        membres_externes="Mme Durand, représentante de l'atelier Canopé",
    )
    session.membres.add(UtilisateurFactory(cpd=True, prenom="Alix", nom="Martin"))
    for rang, (titre, nom_ecole, avis, proposition) in enumerate(PROJETS, start=1):
        ecole = EcoleFactory(nom=nom_ecole, circonscription=circonscription)
        CandidatureFactory(
            inscrite=True,
            campagne=campagne,
            session=session,
            enseignant=UtilisateurFactory(enseignant=True, ecole=ecole),
            titre=titre,
            niveaux=["CE2", "CM1"],
            avis_ien=avis,
            avis_commentaire="Projet solide." if rang == 1 else "",
            rang=rang,
            proposition=proposition,
            periode_proposee=periode if proposition == Proposition.RETENUE else None,
            stockage_securise=rang != 2,
            voeux=[periode],
        )
    return session


def texte_pdf(document):
    with document.version_affichee.fichier.open("rb") as f:
        lecteur = PdfReader(io.BytesIO(f.read()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in lecteur.pages))


def verifier_contenu(texte, document):
    for titre, nom_ecole, _, _ in PROJETS:
        assert titre in texte
        assert nom_ecole in texte
    assert "Circonscription de Lens" in texte
    assert document.empreinte in texte.replace(" ", "")


@pytest.mark.django_db
def test_le_proces_verbal_contient_les_candidatures_de_la_session(django_capture_on_commit_callbacks):
    session = session_avec_candidatures()
    with django_capture_on_commit_callbacks(execute=True):
        document = demander_pv(session, UtilisateurFactory(cpd=True))
    document.refresh_from_db()

    assert document.etat == EtatDocument.TERMINE
    assert document.cle == f"pv_commission:{session.uuid}"
    assert re.fullmatch(r"documents/pv_commission/[0-9a-f]{32}\.pdf", document.fichier.name)
    assert document.nom_fichier == "pv-commission-2026-01-15-v1.pdf"
    texte = texte_pdf(document)
    verifier_contenu(texte, document)
    assert "Procès-verbal de la commission de sélection" in texte
    assert "DSDEN, salle 4" in texte
    assert "Alix Martin" in texte
    assert "Mme Durand, représentante de l'atelier Canopé" in texte
    assert "Projet solide." in texte
    assert "Favorable" in texte and "Liste d'attente" in texte and "Période 3" in texte
    assert "Pas de lieu de stockage sécurisé" in texte  # an eligibility flag
    assert "IEN chargé(e) de la mission numérique" in texte
    assert texte.index("Robotique et codage") < texte.index("Journal numérique") < texte.index("Cartes au trésor")


@pytest.mark.django_db
def test_regenerer_apres_une_modification_garde_la_version_precedente(django_capture_on_commit_callbacks):
    session = session_avec_candidatures()
    with django_capture_on_commit_callbacks(execute=True):
        v1 = demander_pv(session, None)
    Candidature.objects.filter(session=session, rang=3).update(titre="Cartes et boussoles")
    with django_capture_on_commit_callbacks(execute=True):
        v2 = demander_pv(session, None)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert [d.version for d in versions(cle_pv(session))] == [2, 1]
    assert "Cartes et boussoles" in texte_pdf(v2)
    assert "Cartes au trésor" in texte_pdf(v1)


@pytest.mark.django_db
def test_telechargement_du_proces_verbal_par_role(client, django_capture_on_commit_callbacks):
    session = session_avec_candidatures()
    with django_capture_on_commit_callbacks(execute=True):
        document = demander_pv(session, None)
    url = reverse("documents:telecharger", args=[document.uuid])

    assert client.get(url).status_code == 302
    client.force_login(UtilisateurFactory(ien=True))  # sees no session of commission
    assert client.get(url).status_code == 404
    client.force_login(UtilisateurFactory(enseignant=True))
    assert client.get(url).status_code == 404

    client.force_login(UtilisateurFactory(commission=True))
    reponse = client.get(url)
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"] == 'attachment; filename="pv-commission-2026-01-15-v1.pdf"'
    assert b"".join(reponse.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_demander_le_proces_verbal_par_formulaire(client, django_capture_on_commit_callbacks):
    session = session_avec_candidatures()
    donnees = {"type_document": "pv_commission", "cle": cle_pv(session)}
    client.force_login(UtilisateurFactory(erun=True))
    assert client.post(reverse("documents:demander"), donnees).status_code == 404
    assert client.post(reverse("documents:demander"), {**donnees, "cle": "pv_commission:nimporte"}).status_code == 404

    client.force_login(UtilisateurFactory(cpd=True))
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("documents:demander"), donnees)
    document = Document.objects.get(cle=cle_pv(session))
    assert reponse["Location"] == reverse("documents:etat", args=[document.uuid])
    assert document.etat == EtatDocument.TERMINE


@pytest.mark.worker
@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="CELERY_BROKER_URL non défini : pas de worker")
def test_le_proces_verbal_par_le_worker_celery(transactional_db, settings):
    """Through Redis and a real worker sharing this test database (DATABASE_URL) and media folder."""
    # The worker stores the file in its MEDIA_ROOT: the same environment variable (or default) as here.
    settings.MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or Path(settings.BASE_DIR) / "media")
    session = session_avec_candidatures()
    document = demander_pv(session, None)  # autocommit: queued at once

    limite = time.monotonic() + 60
    while time.monotonic() < limite:
        document.refresh_from_db()
        if document.etat in (EtatDocument.TERMINE, EtatDocument.ECHEC):
            break
        time.sleep(0.5)
    assert document.etat == EtatDocument.TERMINE, document.erreur or f"état {document.etat} après 60 s"
    try:
        verifier_contenu(texte_pdf(document), document)
    finally:
        document.fichier.delete(save=False)
