"""Admin actions on campaigns (wired into admin.py)."""

from django.contrib import admin, messages

from classes_mobiles.calendrier import ErreurCalendrier, generer_periodes


@admin.action(description="Générer les périodes depuis le calendrier scolaire")
def generer_periodes_action(modeladmin, request, queryset):
    for campagne in queryset:
        try:
            periodes = generer_periodes(campagne)
        except ErreurCalendrier as erreur:
            # CalendrierIndisponible (no holidays for the year and zone) or PeriodesUtilisees.
            modeladmin.message_user(request, f"{campagne} : {erreur}", level=messages.ERROR)
            continue
        modeladmin.message_user(
            request,
            f"{campagne} : {len(periodes)} périodes générées, du {periodes[0].date_debut:%d/%m/%Y} "
            f"au {periodes[-1].date_fin:%d/%m/%Y}.",
            level=messages.SUCCESS,
        )
