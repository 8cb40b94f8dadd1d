from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static

from classes_mobiles.accueil import a_traiter, actions_pour
from classes_mobiles.enums import Role
from classes_mobiles.models import Campagne, Circonscription, Ecole
from classes_mobiles.perms import role_requis

ROLES_SAUF_ENSEIGNANT = [r for r in Role if r != Role.ENSEIGNANT]


@login_required
def accueil(request):
    user = request.user
    context = {
        "campagne": Campagne.objects.visibles_par(user).courante(),
        "nb_ecoles": Ecole.objects.visibles_par(user).count(),
        "actions": actions_pour(user),
        "a_traiter": a_traiter(user),
    }
    return render(request, "classes_mobiles/accueil.html", context)


@role_requis(*ROLES_SAUF_ENSEIGNANT)
def ecole_liste(request):
    ecoles = Ecole.objects.visibles_par(request.user).select_related("commune", "circonscription")
    circonscriptions = Circonscription.objects.visibles_par(request.user)
    recherche = request.GET.get("q", "").strip()
    circo = request.GET.get("circonscription", "").strip()
    if recherche:
        ecoles = ecoles.filter(
            Q(nom__icontains=recherche) | Q(uai__iexact=recherche) | Q(commune__nom__icontains=recherche)
        )
    if circo:
        ecoles = ecoles.filter(circonscription__code=circo)
    page = Paginator(ecoles.order_by("nom", "uai"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "classes_mobiles/ecole_liste.html",
        {"page": page, "recherche": recherche, "circonscriptions": circonscriptions, "circo": circo},
    )


@login_required
def ecole_detail(request, uai):
    ecole = get_object_or_404(
        Ecole.objects.visibles_par(request.user).select_related("commune", "circonscription"), uai=uai
    )
    diagnostic = getattr(ecole, "diagnostic", None)
    return render(request, "classes_mobiles/ecole_detail.html", {"ecole": ecole, "diagnostic": diagnostic})


@login_required
def campagne_liste(request):
    campagnes = Campagne.objects.visibles_par(request.user).annotate(nb_periodes=Count("periodes"))
    return render(request, "classes_mobiles/campagne_liste.html", {"campagnes": campagnes})


@login_required
def campagne_detail(request, uuid):
    campagne = get_object_or_404(Campagne.objects.visibles_par(request.user), uuid=uuid)
    return render(
        request,
        "classes_mobiles/campagne_detail.html",
        {"campagne": campagne, "periodes": campagne.periodes.all()},
    )


def page_statique(request, template_name):
    return render(request, template_name)


def favicon(request):
    return redirect(static("dsfr/dist/favicon/favicon.ico"), permanent=True)
