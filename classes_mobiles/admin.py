from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from post_office.models import EmailTemplate

from classes_mobiles.admin_actions import generer_periodes_action
from classes_mobiles.admin_annuaire import urls_import_annuaire
from classes_mobiles.models import (
    Campagne,
    Circonscription,
    Commune,
    DiagnosticEquipement,
    Ecole,
    Periode,
    Utilisateur,
    Vacances,
)

# Our e-mails are rendered from our own templates (classes_mobiles.courriels): post-office's template editor is
# unused, and its admin page loads CodeMirror from a public CDN, which our CSP (and our rule of no third-party
# resources) refuses. The outbox itself (e-mails, logs, attachments) stays in the admin.
if admin.site.is_registered(EmailTemplate):
    admin.site.unregister(EmailTemplate)


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    ordering = ["email"]
    list_display = ["email", "prenom", "nom", "role", "ecole", "circonscription", "is_active"]
    list_filter = ["role", "is_active", "circonscription"]
    # select_related: each row shows its school and circonscription (one query per row otherwise).
    list_select_related = ["ecole", "circonscription"]
    search_fields = ["email", "nom", "prenom"]
    autocomplete_fields = ["ecole", "circonscription"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("prenom", "nom")}),
        ("Rôle et territoire", {"fields": ("role", "ecole", "circonscription")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "role", "ecole", "circonscription", "password1", "password2")},
        ),
    )


@admin.register(Circonscription)
class CirconscriptionAdmin(admin.ModelAdmin):
    list_display = ["nom", "code", "departement_code"]
    search_fields = ["nom", "code"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["nom", "code_insee", "code_postal"]
    search_fields = ["nom", "code_insee"]


class DiagnosticInline(admin.StackedInline):
    model = DiagnosticEquipement
    extra = 0


@admin.register(Ecole)
class EcoleAdmin(admin.ModelAdmin):
    list_display = ["nom", "uai", "commune", "circonscription", "nb_classes", "ouverte"]
    list_filter = ["circonscription", "type_ecole", "ouverte"]
    list_select_related = ["commune", "circonscription"]
    search_fields = ["nom", "uai", "commune__nom"]
    autocomplete_fields = ["commune", "circonscription"]
    inlines = [DiagnosticInline]

    def get_urls(self):
        # The import page comes first: the default admin URLs end with a catch-all.
        return urls_import_annuaire(self.admin_site) + super().get_urls()


class PeriodeInline(admin.TabularInline):
    model = Periode
    extra = 0


@admin.register(Campagne)
class CampagneAdmin(admin.ModelAdmin):
    list_display = ["nom", "annee_scolaire", "zone", "mode_periodes", "active"]
    inlines = [PeriodeInline]
    actions = [generer_periodes_action]


@admin.register(Vacances)
class VacancesAdmin(admin.ModelAdmin):
    list_display = ["description", "annee_scolaire", "zone", "date_debut", "date_reprise"]
    list_filter = ["annee_scolaire", "zone"]
