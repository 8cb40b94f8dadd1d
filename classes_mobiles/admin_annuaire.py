"""Admin page to upload the CSV export of the Annuaire de l'éducation (see classes_mobiles.annuaire).

Plugged into EcoleAdmin.get_urls (before the default URLs, which end with a catch-all):

    def get_urls(self):
        return urls_import_annuaire(self.admin_site) + super().get_urls()
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from classes_mobiles.annuaire import AnnuaireInvalide, importer_annuaire
from classes_mobiles.models import Ecole

NOM_URL = "classes_mobiles_ecole_import_annuaire"
CLE_SESSION = "rapport_import_annuaire"
TAILLE_MAX = 100 * 1024 * 1024  # the national file is about 60 Mo; a department export well under 1 Mo


class ImportAnnuaireForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier CSV de l'annuaire de l'éducation",
        help_text=(
            "Export CSV (séparateur « ; ») du jeu de données « Annuaire de l'éducation » de "
            "data.education.gouv.fr, national ou filtré sur le département."
        ),
    )
    dry_run = forms.BooleanField(
        label="Simulation : afficher le rapport sans rien enregistrer",
        required=False,
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > TAILLE_MAX:
            raise forms.ValidationError("Le fichier dépasse 100 Mo : ce n'est pas un export de l'annuaire.")
        return fichier


def _rapport_en_session(rapport):
    return {
        "dry_run": rapport.dry_run,
        "resume": rapport.resume(),
        "rejetees": [{"numero": r.numero, "uai": r.uai, "motif": r.motif} for r in rapport.rejetees],
    }


def urls_import_annuaire(admin_site):
    """URL patterns of the import page, relative to the Ecole admin (admin:classes_mobiles_ecole_import_annuaire)."""

    def import_annuaire(request):
        if not (
            request.user.has_perm("classes_mobiles.add_ecole") and request.user.has_perm("classes_mobiles.change_ecole")
        ):
            raise PermissionDenied
        url_page = reverse(f"{admin_site.name}:{NOM_URL}", current_app=admin_site.name)
        form = ImportAnnuaireForm(data=request.POST or None, files=request.FILES or None)
        if request.method == "POST" and form.is_valid():
            dry_run = form.cleaned_data["dry_run"]
            try:
                rapport = importer_annuaire(form.cleaned_data["fichier"], dry_run=dry_run)
            except AnnuaireInvalide as exc:
                form.add_error("fichier", f"Import annulé, rien n'a été enregistré. {exc}")
            else:
                request.session[CLE_SESSION] = _rapport_en_session(rapport)
                resume = (
                    f"{rapport.creees} écoles créées, {rapport.mises_a_jour} mises à jour, "
                    f"{rapport.inchangees} inchangées, {len(rapport.rejetees)} lignes rejetées."
                )
                if dry_run:
                    messages.info(request, f"Simulation terminée, rien n'a été enregistré : {resume}")
                elif rapport.rejetees:
                    messages.warning(request, f"Import terminé : {resume}")
                else:
                    messages.success(request, f"Import terminé : {resume}")
                return redirect(url_page)
        context = {
            **admin_site.each_context(request),
            "title": "Importer l'annuaire de l'éducation",
            "opts": Ecole._meta,
            "form": form,
            # Shown once, after the redirect that follows the import.
            "rapport": request.session.pop(CLE_SESSION, None) if request.method == "GET" else None,
        }
        return TemplateResponse(request, "admin/classes_mobiles/ecole/import_annuaire.html", context)

    return [path("importer-annuaire/", admin_site.admin_view(import_annuaire), name=NOM_URL)]
