"""Faults of the document pipeline: nothing stuck, nothing rendered twice (claim, stuck rows, asking again)."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from classes_mobiles import documents as service
from classes_mobiles.celery import app as celery_app
from classes_mobiles.enums import ROLES_DEPARTEMENT, EtatDocument
from classes_mobiles.models import Document
from classes_mobiles.models.documents import MESSAGE_BLOQUE
from classes_mobiles.tasks_documents import generer_document, relancer_documents_bloques
from classes_mobiles.tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db

TYPE = "essai"
CLE = "essai:1"


@pytest.fixture(autouse=True)
def taches_immediates(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", True)


@pytest.fixture
def rendus(monkeypatch):
    """A test type whose every rendering is counted."""
    rendus = []

    def construire(cle):
        rendus.append(cle)
        return "pdf/base.html", {"office_nom": "Essai"}, "essai"

    def peut_voir(user, cle):
        return user.is_superuser or user.role in ROLES_DEPARTEMENT

    monkeypatch.setitem(
        service.GENERATEURS,
        TYPE,
        service.Generateur(type_document=TYPE, construire=construire, peut_voir=peut_voir, peut_demander=peut_voir),
    )
    return rendus


def vieillir(document, secondes):
    """As if the row had not moved for ``secondes``."""
    Document.objects.filter(pk=document.pk).update(
        date_modification=timezone.now() - datetime.timedelta(seconds=secondes)
    )
    document.refresh_from_db()
    return document


def en_attente(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return service.demander_document(TYPE, CLE)


def test_un_seul_job_reserve_la_ligne(rendus, django_capture_on_commit_callbacks):
    """Two deliveries of the same job: the first claims and renders, the second finds it done."""
    document = en_attente(django_capture_on_commit_callbacks)
    assert service.generer(document.pk).etat == EtatDocument.TERMINE
    assert service.generer(document.pk) is None
    generer_document.delay(document.pk)
    assert len(rendus) == 1
    document.refresh_from_db()
    assert (document.etat, document.tentatives, document.jeton) == (EtatDocument.TERMINE, 1, None)


def test_une_ligne_tenue_par_un_job_vivant_n_est_pas_reprise(rendus, django_capture_on_commit_callbacks, settings):
    document = en_attente(django_capture_on_commit_callbacks)
    premiere = service.reserver(document.pk)
    assert premiere.etat == EtatDocument.EN_COURS and premiere.jeton
    with pytest.raises(service.DocumentOccupe) as occupe:
        service.reserver(document.pk)
    assert 1 <= occupe.value.attente <= settings.DOCUMENTS_DELAI_SANS_PROGRES + 1
    assert generer_document.delay(document.pk).result is None  # eager: not rendered, not failed
    assert rendus == []


def test_une_ligne_bloquee_est_reprise_et_l_ancien_job_s_arrete(rendus, django_capture_on_commit_callbacks, settings):
    """A job whose worker died is taken over; if it wakes up, its writes are refused and it stops."""
    document = en_attente(django_capture_on_commit_callbacks)
    ancien = service.reserver(document.pk)
    vieillir(document, settings.DOCUMENTS_DELAI_SANS_PROGRES + 1)

    assert service.generer(document.pk).etat == EtatDocument.TERMINE
    with pytest.raises(service.ReservationPerdue):
        service._enregistrer(ancien, progression=90)
    document.refresh_from_db()
    assert (document.etat, document.progression, document.tentatives) == (EtatDocument.TERMINE, 100, 2)
    assert len(rendus) == 1


def test_un_job_sans_progres_est_affiche_en_echec_et_peut_etre_redemande(
    client, rendus, django_capture_on_commit_callbacks, settings
):
    document = en_attente(django_capture_on_commit_callbacks)
    service.reserver(document.pk)  # then the worker is killed: the row stays « en cours »
    utilisateur = UtilisateurFactory(cpd=True)
    client.force_login(utilisateur)
    etat = client.get(reverse("documents:etat_json", args=[document.uuid])).json()
    assert (etat["etat"], etat["en_cours"]) == ("en_cours", True)

    vieillir(document, settings.DOCUMENTS_DELAI_SANS_PROGRES + 1)
    etat = client.get(reverse("documents:etat_json", args=[document.uuid])).json()
    assert (etat["etat"], etat["en_cours"], etat["erreur"]) == ("echec", False, MESSAGE_BLOQUE)
    page = client.get(reverse("documents:etat", args=[document.uuid])).content.decode()
    assert "La génération n&#x27;a pas abouti ; vous pouvez la relancer." in page
    assert "Relancer la génération" in page
    assert 'data-suivi="fini"' in page

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("documents:demander"), {"type_document": TYPE, "cle": CLE})
    nouvelle = Document.objects.get(cle=CLE, version=2)
    assert reponse["Location"] == reverse("documents:etat", args=[nouvelle.uuid])
    assert nouvelle.etat == EtatDocument.TERMINE and nouvelle.demande_par == utilisateur
    document.refresh_from_db()
    assert (document.etat, document.erreur) == (EtatDocument.ECHEC, MESSAGE_BLOQUE)
    # A late delivery of the old job cannot claim the abandoned row any more.
    assert service.generer(document.pk) is None
    assert len(rendus) == 1


def test_redemander_un_document_en_echec_le_programme_de_nouveau(rendus, django_capture_on_commit_callbacks):
    document = en_attente(django_capture_on_commit_callbacks)
    Document.objects.filter(pk=document.pk).update(etat=EtatDocument.ECHEC, erreur="panne")
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        nouvelle = service.demander_document(TYPE, CLE)
    assert len(rappels) == 1
    nouvelle.refresh_from_db()
    assert (nouvelle.version, nouvelle.etat) == (2, EtatDocument.TERMINE)


def test_une_demande_pendant_une_generation_vivante_renvoie_la_meme_ligne(
    rendus, django_capture_on_commit_callbacks, settings
):
    document = en_attente(django_capture_on_commit_callbacks)
    vieillir(document, settings.DOCUMENTS_DELAI_SANS_PROGRES - 30)
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        assert service.demander_document(TYPE, CLE) == document
    assert rappels == []


def test_broker_en_panne_la_demande_aboutit_et_le_balayage_relance(
    client, rendus, django_capture_on_commit_callbacks, settings
):
    """Redis down when asked: the request succeeds, the row waits; the sweep queues it again once back."""
    panne = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    client.force_login(UtilisateurFactory(cpd=True))
    with mock.patch.object(generer_document, "delay", side_effect=panne) as envoi:
        with django_capture_on_commit_callbacks(execute=True):
            reponse = client.post(reverse("documents:demander"), {"type_document": TYPE, "cle": CLE})
    assert envoi.called
    assert reponse.status_code == 302
    document = Document.objects.get(cle=CLE)
    assert document.etat == EtatDocument.EN_ATTENTE

    with django_capture_on_commit_callbacks(execute=True):
        assert relancer_documents_bloques.delay().result == 0  # not stuck yet: left alone
    vieillir(document, settings.DOCUMENTS_DELAI_SANS_PROGRES + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert relancer_documents_bloques.delay().result == 1
    document.refresh_from_db()
    assert document.etat == EtatDocument.TERMINE
    assert len(rendus) == 1


def test_le_balayage_abandonne_apres_trop_de_tentatives(rendus, django_capture_on_commit_callbacks, settings):
    document = en_attente(django_capture_on_commit_callbacks)
    Document.objects.filter(pk=document.pk).update(
        etat=EtatDocument.EN_COURS, tentatives=settings.DOCUMENTS_TENTATIVES_MAX
    )
    vieillir(document, settings.DOCUMENTS_DELAI_SANS_PROGRES + 1)
    assert service.relancer_bloques() == 0
    document.refresh_from_db()
    assert (document.etat, document.erreur) == (EtatDocument.ECHEC, MESSAGE_BLOQUE)
    assert rendus == []


def test_reglages_du_pipeline(settings):
    """A lost worker requeues its task; the broker redelivers after the longest job, well before an hour."""
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert generer_document.acks_late and generer_document.reject_on_worker_lost
    visibilite = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert generer_document.time_limit < visibilite < settings.DOCUMENTS_DELAI_SANS_PROGRES <= 600
    assert celery_app.conf.broker_transport_options["visibility_timeout"] == visibilite
    assert any(
        t["task"] == "classes_mobiles.tasks_documents.relancer_documents_bloques"
        for t in settings.CELERY_BEAT_SCHEDULE.values()
    )
