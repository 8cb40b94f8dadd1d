from django.urls import path

from classes_mobiles import views_documents

app_name = "documents"

urlpatterns = [
    path("demander/", views_documents.demander, name="demander"),
    path("<uuid:uuid>/", views_documents.etat, name="etat"),
    path("<uuid:uuid>/etat.json", views_documents.etat_json, name="etat_json"),
    path("<uuid:uuid>/telecharger/", views_documents.telecharger, name="telecharger"),
]
