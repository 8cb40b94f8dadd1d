"""The one PDF pipeline: template → Celery task → versioned stored document with its content hash.

An app registers a generator for a document type::

    @enregistrer_generateur(TypeDocument.PV_COMMISSION, peut_voir=peut_voir_pv)
    def pv_commission(cle):
        ...
        return "pdf/pv_commission.html", context, "pv-commission-2026-01-15"

then a view calls ``demander_document(type, cle, user)``, which creates the next version in state
« en attente » and queues ``classes_mobiles.tasks_documents.generer_document`` once the transaction commits.
The task calls ``generer(document_id)``, which renders the template (extending ``pdf/base.html``), computes
the content hash, prints it on every page, runs WeasyPrint and stores the file.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from classes_mobiles.enums import EtatDocument
from classes_mobiles.models import Document

logger = logging.getLogger(__name__)

# Progress steps the status page shows.
PROGRESSION_DEBUT, PROGRESSION_HTML, PROGRESSION_PDF, PROGRESSION_FIN = 10, 50, 90, 100


@dataclass(frozen=True)
class Generateur:
    """A registry entry: how to build a document of this type and who may see or request it."""

    type_document: str
    construire: Callable[[str], tuple[str, dict[str, Any], str]]
    peut_voir: Callable[[Any, str], bool]
    peut_demander: Callable[[Any, str], bool]

    def __call__(self, cle):
        return self.construire(cle)


GENERATEURS: dict[str, Generateur] = {}


class GenerateurInconnu(LookupError):
    pass


def enregistrer_generateur(type_document, *, peut_voir, peut_demander=None):
    """Decorator registering ``fonction(cle) -> (template_name, context, nom_fichier)`` for a document type.

    ``peut_voir(user, cle)`` says whether the user may see the underlying object (download, status);
    ``peut_demander(user, cle)`` whether they may (re)generate it — ``peut_voir`` when not given.
    ``nom_fichier`` has no extension: the version number and ``.pdf`` are added.
    """

    def decorateur(fonction):
        GENERATEURS[str(type_document)] = Generateur(
            type_document=str(type_document),
            construire=fonction,
            peut_voir=peut_voir,
            peut_demander=peut_demander or peut_voir,
        )
        return fonction

    return decorateur


def generateur_pour(type_document):
    try:
        return GENERATEURS[str(type_document)]
    except KeyError:
        raise GenerateurInconnu(
            f"Aucun générateur n'est enregistré pour le type de document « {type_document} »."
        ) from None


def cle_document(type_document, identifiant):
    """The conventional key: ``"<type>:<identifiant>"``, e.g. ``"pv_commission:<uuid de la session>"``."""
    return f"{type_document}:{identifiant}"


def identifiant_de(cle):
    return cle.split(":", 1)[1]


def _connecte(user):
    return bool(user and user.is_authenticated and user.is_active)


def peut_voir(user, document):
    """Whether the user may see this document (status, download): its type's ``peut_voir`` on its key."""
    generateur = GENERATEURS.get(document.type_document)
    return _connecte(user) and bool(generateur and generateur.peut_voir(user, document.cle))


def peut_demander(user, type_document, cle):
    """Whether the user may ask for a (new) version of the document ``cle`` of this type."""
    generateur = GENERATEURS.get(str(type_document))
    return (
        _connecte(user)
        and generateur is not None
        and cle.startswith(f"{generateur.type_document}:")
        and bool(generateur.peut_demander(user, cle))
    )


def versions(cle):
    """The versions of a document, newest first, for pages listing earlier versions.

    A version whose content was identical to the previous one (``doublon_de``) is left out: it holds no
    new content and shares that version's file.
    """
    return Document.objects.versions(cle).select_related("demande_par")


def derniere_version(cle):
    """The latest row for this key (whatever its state), or None."""
    return Document.objects.filter(cle=cle).order_by("-version").first()


def demander_document(type_document, cle, user=None):
    """Create the next version of a document and queue its generation once the transaction commits.

    When a version of this key is already waiting or being generated, return it instead (no new row,
    nothing queued again).
    """
    generateur_pour(type_document)  # fails early for an unknown type
    demande_par = user if user is not None and user.is_authenticated else None
    for tentative in range(3):
        en_cours = Document.objects.filter(cle=cle).en_cours().order_by("-version").first()
        if en_cours is not None:
            return en_cours
        version = (Document.objects.filter(cle=cle).aggregate(v=Max("version"))["v"] or 0) + 1
        try:
            with transaction.atomic():
                document = Document.objects.create(
                    cle=cle, type_document=type_document, version=version, demande_par=demande_par
                )
        except IntegrityError:
            # A concurrent request took this version number: look again (it is probably pending).
            if tentative == 2:
                raise
            continue
        break
    _programmer(document)
    return document


def _programmer(document):
    from classes_mobiles.tasks_documents import generer_document

    document_id = document.pk
    # robust: without a broker the task runs eagerly here; a failure is recorded on the row (« échec »)
    # and logged instead of breaking the request that asked for the document.
    transaction.on_commit(lambda: generer_document.delay(document_id), robust=True)


def _enregistrer(document, **champs):
    for nom, valeur in champs.items():
        setattr(document, nom, valeur)
    document.save(update_fields=[*champs, "date_modification"])


def _contexte_commun():
    return {"office_nom": settings.OFFICE_NOM, "office_service": settings.OFFICE_SERVICE}


def _meta(document=None, empreinte="", date_generation=None):
    """Generation metadata the base template prints in the footer; all empty when computing the hash."""
    return {
        "empreinte": empreinte,
        "version": document.version if document else "",
        "date_generation": date_generation or "",
    }


def generer(document_id):
    """Generate the PDF of a document version (called by the Celery task). Idempotent.

    - Already « terminé »: nothing is done.
    - The content hash is the SHA-256 of the HTML rendered with the footer metadata (hash, version number,
      generation date) left empty, so it only changes when the content changes.
    - Duplicate: when the previous finished version of the same key has the same content hash, this row
      is kept (the user following it keeps a working page) but it generates nothing: it is marked
      « terminé » with ``doublon_de`` pointing to that version and shares its file and hashes. ``versions()``
      lists only distinct contents. After a change, a new version is generated and earlier ones are kept.
    - On error the row goes to « échec » with a French message and the exception is raised again so the
      task retries; a retry starts over.
    """
    document = Document.objects.get(pk=document_id)
    if document.etat == EtatDocument.TERMINE:
        return document
    generateur = generateur_pour(document.type_document)
    _enregistrer(document, etat=EtatDocument.EN_COURS, progression=PROGRESSION_DEBUT, erreur="")
    try:
        template_name, context, nom_fichier = generateur.construire(document.cle)
        html_contenu = render_to_string(template_name, {**_contexte_commun(), **context, "pdf": _meta()})
        empreinte = hashlib.sha256(html_contenu.encode()).hexdigest()

        precedente = (
            Document.objects.filter(
                cle=document.cle, etat=EtatDocument.TERMINE, doublon_de__isnull=True, version__lt=document.version
            )
            .order_by("-version")
            .first()
        )
        if precedente is not None and precedente.empreinte == empreinte:
            _enregistrer(
                document,
                doublon_de=precedente,
                fichier=precedente.fichier.name,
                empreinte=empreinte,
                empreinte_fichier=precedente.empreinte_fichier,
                etat=EtatDocument.TERMINE,
                progression=PROGRESSION_FIN,
                date_generation=timezone.now(),
            )
            return document

        date_generation = timezone.now()
        _enregistrer(document, empreinte=empreinte, progression=PROGRESSION_HTML)
        html = render_to_string(
            template_name, {**_contexte_commun(), **context, "pdf": _meta(document, empreinte, date_generation)}
        )
        pdf = ecrire_pdf(html)
        _enregistrer(document, progression=PROGRESSION_PDF)

        document.fichier.save(f"{nom_fichier}-v{document.version}.pdf", ContentFile(pdf), save=False)
        _enregistrer(
            document,
            fichier=document.fichier.name,
            empreinte_fichier=hashlib.sha256(pdf).hexdigest(),
            etat=EtatDocument.TERMINE,
            progression=PROGRESSION_FIN,
            date_generation=date_generation,
        )
        return document
    except Exception as exc:
        logger.exception("Échec de la génération du document %s", document.uuid)
        _enregistrer(
            document,
            etat=EtatDocument.ECHEC,
            erreur=f"La génération du document a échoué : {exc}",
        )
        raise


def _racines_locales():
    racines = [Path(settings.BASE_DIR) / "static"]
    if getattr(settings, "STATIC_ROOT", None):
        racines.append(Path(settings.STATIC_ROOT))
    return [r.resolve() for r in racines]


def _fetcher_local():
    """A WeasyPrint URL fetcher that never goes on the network: data: URLs and files of the static folders."""
    from weasyprint.urls import URLFetcher

    class FetcherLocal(URLFetcher):
        def fetch(self, url, headers=None):
            parties = urlsplit(url)
            if parties.scheme == "data":
                return super().fetch(url, headers)
            if parties.scheme == "file":
                chemin = Path(unquote(parties.path)).resolve()
                if any(chemin.is_relative_to(racine) for racine in _racines_locales()):
                    return super().fetch(url, headers)
            raise ValueError(f"Ressource non locale refusée : {url}")

    return FetcherLocal(allowed_protocols=("file", "data"), allow_redirects=False)


# Tagged for assistive technologies (structure tree, marked content, title shown, language): PDF/UA-1. The title
# is the template's <title>, the language the <html lang> of pdf/base.html.
VARIANTE_PDF = "pdf/ua-1"


def ecrire_pdf(html):
    """HTML → PDF bytes with WeasyPrint, relative URLs resolved against the static folder, no network."""
    import weasyprint

    base_url = (Path(settings.BASE_DIR) / "static").as_uri() + "/"
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=_fetcher_local())
    return document.write_pdf(pdf_variant=VARIANTE_PDF, pdf_tags=True)
