"""The teacher's own file: confirmation pages (withdraw, delete a draft, delete an attachment).

Each action is a GET page that asks for confirmation and a POST that does it: it works without JavaScript,
and a link followed by mistake changes nothing. Objects are loaded through the author's scope (404 otherwise).
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render

from classes_mobiles.perms import role_requis

from . import workflow
from .enums import Etat
from .forms import CommentaireForm
from .models import Candidature, PieceJointe
from .views import ROLES_DEPOSANTS


def _supprimer_fichiers_apres_commit(fichiers):
    """Remove stored files once the deletion is committed (a rolled-back deletion keeps them)."""
    noms = [(f.storage, f.name) for f in fichiers if f]
    transaction.on_commit(lambda: [stockage.delete(nom) for stockage, nom in noms])


@role_requis(*ROLES_DEPOSANTS)
def retirer(request, uuid):
    candidature = get_object_or_404(Candidature.objects.visibles_par(request.user), uuid=uuid)
    if not workflow.est_permise(workflow.TRANSITIONS["retirer"], request.user, candidature):
        messages.error(request, workflow.TransitionImpossible.message_defaut)
        return redirect(candidature)
    form = CommentaireForm(data=request.POST or None)
    form.fields["commentaire"].label = "Motif du retrait (facultatif)"
    if request.method == "POST" and form.is_valid():
        try:
            workflow.appliquer("retirer", candidature, request.user, commentaire=form.cleaned_data["commentaire"])
        except workflow.TransitionImpossible as erreur:
            messages.error(request, erreur.message)
        else:
            messages.success(request, "Candidature retirée : elle ne sera pas examinée.")
        return redirect(candidature)
    return render(request, "candidatures/confirmer_retrait.html", {"candidature": candidature, "form": form})


@role_requis(*ROLES_DEPOSANTS)
def supprimer(request, uuid):
    candidature = get_object_or_404(Candidature.objects.filter(enseignant=request.user), uuid=uuid)
    if request.method == "POST":
        # Lock and re-read: a draft submitted meanwhile in another tab is not deleted.
        verrouillee = Candidature.objects.select_for_update().filter(pk=candidature.pk, etat=Etat.BROUILLON).first()
        if verrouillee is None:
            messages.error(request, "Seul un brouillon peut être supprimé ; cette candidature a été déposée.")
            return redirect(candidature)
        _supprimer_fichiers_apres_commit([p.fichier for p in verrouillee.pieces_jointes.all()])
        verrouillee.delete()
        messages.success(request, f"Brouillon « {candidature.titre} » supprimé.")
        return redirect("candidatures:mes_candidatures")
    if candidature.etat != Etat.BROUILLON:
        messages.error(request, "Seul un brouillon peut être supprimé ; cette candidature a été déposée.")
        return redirect(candidature)
    return render(request, "candidatures/confirmer_suppression.html", {"candidature": candidature})


@role_requis(*ROLES_DEPOSANTS)
def supprimer_piece_jointe(request, uuid):
    piece = get_object_or_404(
        PieceJointe.objects.filter(candidature__enseignant=request.user).select_related("candidature"), uuid=uuid
    )
    candidature = piece.candidature
    retour = redirect("candidatures:modifier", uuid=candidature.uuid)
    if candidature.etat not in workflow.ETATS_MODIFIABLES:
        messages.error(request, "Les pièces jointes d'une candidature déposée ne peuvent plus être supprimées.")
        return redirect(candidature)
    if request.method == "POST":
        modifiable = Candidature.objects.select_for_update().filter(
            pk=candidature.pk, etat__in=workflow.ETATS_MODIFIABLES
        )
        if not modifiable.exists():
            messages.error(request, "Les pièces jointes d'une candidature déposée ne peuvent plus être supprimées.")
            return redirect(candidature)
        _supprimer_fichiers_apres_commit([piece.fichier])
        piece.delete()
        messages.success(request, f"Pièce jointe « {piece.nom} » supprimée.")
        return retour
    return render(
        request, "candidatures/confirmer_suppression_piece.html", {"piece": piece, "candidature": candidature}
    )
