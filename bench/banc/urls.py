"""The app's URLs plus, under /banc/plancher/, the floor of each page of the load test: the same user, the same
rows fetched by one query (values, no model instances), a trivial template. A page's target is a ratio to its
floor, timed through the same server in the same run."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path

from candidatures.enums import Etat
from candidatures.models import Candidature, SessionCommission
from classes_mobiles.models import Ecole
from classes_mobiles.urls import urlpatterns as urls_application

GABARIT = engines["django"].from_string(
    "<!DOCTYPE html><html lang=fr><title>Plancher</title><table>"
    "{% for ligne in lignes %}<tr>{% for valeur in ligne %}<td>{{ valeur }}</td>{% endfor %}</tr>{% endfor %}"
    "</table></html>"
)


def _rendre(request, lignes):
    return HttpResponse(GABARIT.render({"lignes": lignes}, request))


@login_required
def plancher_liste(request):
    """The IEN's « À examiner » list: its first page of 50."""
    qs = Candidature.objects.visibles_par(request.user).filter(etat=Etat.AUTORISEE)
    qs = qs.order_by("ecole__circonscription__nom", "ecole__nom", "pk")[:50]
    return _rendre(
        request,
        qs.values_list(
            "pk", "campagne__annee_scolaire", "titre", "ecole__nom", "ecole__commune__nom", "enseignant__nom"
        ),
    )


@login_required
def plancher_session(request, uuid):
    """The session's inscribed candidatures, every one (the page shows them all)."""
    session = get_object_or_404(SessionCommission, uuid=uuid)
    qs = Candidature.objects.filter(session=session).order_by("rang", "ecole__nom")
    return _rendre(
        request,
        qs.values_list(
            "pk", "campagne__annee_scolaire", "titre", "ecole__nom", "ecole__commune__nom", "rang", "proposition"
        ),
    )


@login_required
def plancher_reperage(request):
    """The repérage's first page of 50 schools, with their diagnostic."""
    qs = Ecole.objects.visibles_par(request.user).filter(ouverte=True).order_by("nom")[:50]
    return _rendre(
        request,
        qs.values_list("nom", "commune__nom", "circonscription__nom", "diagnostic__taux_validation_competences"),
    )


urlpatterns = [
    path("banc/plancher/liste/", plancher_liste),
    path("banc/plancher/session/<uuid:uuid>/", plancher_session),
    path("banc/plancher/reperage/", plancher_reperage),
    *urls_application,
]
