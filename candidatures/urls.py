from django.urls import path

from . import views, views_dossier

app_name = "candidatures"

urlpatterns = [
    path("mes-candidatures/", views.mes_candidatures, name="mes_candidatures"),
    path("nouvelle/", views.nouvelle, name="nouvelle"),
    path("a-autoriser/", views.a_autoriser, name="a_autoriser"),
    path("a-examiner/", views.liste, {"a_examiner": True}, name="a_examiner"),
    path("liste/", views.liste, name="liste"),
    path("commission/", views.sessions, name="sessions"),
    path("commission/<uuid:uuid>/", views.session_detail, name="session_detail"),
    path("commission/<uuid:uuid>/inscrire/", views.session_inscrire, name="session_inscrire"),
    path("commission/<uuid:uuid>/proposer/", views.session_proposer, name="session_proposer"),
    path("commission/<uuid:uuid>/clore/", views.session_clore, name="session_clore"),
    path("commission/<uuid:uuid>/proces-verbal/", views.session_pv, name="session_pv"),
    path("commission/<uuid:uuid>/decisions/", views.decisions, name="decisions"),
    path("commission/<uuid:uuid>/decisions/decider/", views.decider_plusieurs, name="decider_plusieurs"),
    path("reperage/", views.reperage, name="reperage"),
    path("reperage/<str:uai>/inviter/", views.inviter, name="inviter"),
    path("pieces-jointes/<uuid:uuid>/", views.piece_jointe, name="piece_jointe"),
    path("pieces-jointes/<uuid:uuid>/supprimer/", views_dossier.supprimer_piece_jointe, name="supprimer_piece_jointe"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/modifier/", views.modifier, name="modifier"),
    # Before the generic transition URL: withdrawing goes through its confirmation page (GET), then POST.
    path("<uuid:uuid>/retirer/", views_dossier.retirer, name="retirer"),
    path("<uuid:uuid>/supprimer-brouillon/", views_dossier.supprimer, name="supprimer"),
    path("<uuid:uuid>/<slug:nom>/", views.transition, name="transition"),
]
