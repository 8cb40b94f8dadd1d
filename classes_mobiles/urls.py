from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from classes_mobiles import sante, views
from classes_mobiles.comptes import ConnexionView, ReinitialisationView

admin.site.site_header = "Classes mobiles — administration"
admin.site.site_title = "Classes mobiles"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("connexion/", ConnexionView.as_view(), name="connexion"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="deconnexion"),
    path("mot-de-passe/oubli/", ReinitialisationView.as_view(), name="mot_de_passe_oubli"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="comptes/mot_de_passe_envoye.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="comptes/mot_de_passe_nouveau.html"),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordResetCompleteView.as_view(template_name="comptes/mot_de_passe_modifie.html"),
        name="password_reset_complete",
    ),
    path("ecoles/", views.ecole_liste, name="ecole_liste"),
    path("ecoles/<str:uai>/", views.ecole_detail, name="ecole_detail"),
    path("campagnes/", views.campagne_liste, name="campagne_liste"),
    path("campagnes/<uuid:uuid>/", views.campagne_detail, name="campagne_detail"),
    path("accessibilite/", views.page_statique, {"template_name": "pages/accessibilite.html"}, name="accessibilite"),
    path(
        "mentions-legales/",
        views.page_statique,
        {"template_name": "pages/mentions_legales.html"},
        name="mentions_legales",
    ),
    path(
        "donnees-personnelles/",
        views.page_statique,
        {"template_name": "pages/donnees_personnelles.html"},
        name="donnees_personnelles",
    ),
    path("candidatures/", include("candidatures.urls")),
    path("documents/", include("classes_mobiles.urls_documents")),
    path("admin/", admin.site.urls),
    path("sante/", sante.sante, name="sante"),
    # Browsers ask for /favicon.ico on pages that do not name one (the admin's): no 404 in their console.
    path("favicon.ico", views.favicon),
]

# Error pages in French, in the DSFR layout (CSRF failures: CSRF_FAILURE_VIEW in the settings).
handler400 = "classes_mobiles.views_erreurs.mauvaise_requete"
handler403 = "classes_mobiles.views_erreurs.acces_refuse"
handler404 = "classes_mobiles.views_erreurs.page_introuvable"
handler500 = "classes_mobiles.views_erreurs.erreur_serveur"
