"""Status, progress (JSON for the polling script) and download of generated documents; request a new version."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from classes_mobiles import documents as service
from classes_mobiles.models import Document


def _document_visible(request, uuid):
    """The document if the user may see its underlying object, else 404 (as outside one's territory)."""
    document = get_object_or_404(Document.objects.select_related("doublon_de"), uuid=uuid)
    if not service.peut_voir(request.user, document):
        raise Http404("Document introuvable.")
    return document


@login_required
def etat(request, uuid):
    """The document's page: its progress or its download link, and the earlier versions (works without JS)."""
    document = _document_visible(request, uuid)
    return render(
        request,
        "documents/document_etat.html",
        {"document": document, "versions": service.versions(document.cle)},
    )


@login_required
def etat_json(request, uuid):
    document = _document_visible(request, uuid)
    return JsonResponse(
        {
            "etat": document.etat,
            "libelle": document.get_etat_display(),
            "progression": document.progression,
            "en_cours": document.en_cours,
            "termine": document.termine,
            "url_telechargement": reverse("documents:telecharger", args=[document.uuid]) if document.termine else None,
            "html": render_to_string(
                "documents/includes/etat_document_contenu.html", {"document": document}, request=request
            ),
        }
    )


@login_required
def telecharger(request, uuid):
    document = _document_visible(request, uuid)
    source = document.version_affichee
    if not document.termine or not source.fichier:
        raise Http404("Ce document n'est pas encore disponible.")
    try:
        fichier = source.fichier.open("rb")
    except FileNotFoundError:
        raise Http404("Le fichier de ce document est introuvable.") from None
    nom = source.fichier.name.rsplit("/", 1)[-1]
    return FileResponse(fichier, as_attachment=True, filename=nom, content_type="application/pdf")


@login_required
@require_POST
def demander(request):
    """Request a new version of a document (POST ``type_document`` and ``cle``), then show its progress."""
    type_document = request.POST.get("type_document", "")
    cle = request.POST.get("cle", "")
    if not service.peut_demander(request.user, type_document, cle):
        raise Http404("Document introuvable.")
    document = service.demander_document(type_document, cle, request.user)
    return redirect(document)
