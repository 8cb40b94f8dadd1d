"""Error pages (400, 403, 404, 500, CSRF failure): French, in the DSFR layout, with a way back.

The 400, 403, 404 and CSRF pages render with the request (header, menu of a signed-in user). The 500
page renders with no request context at all: a context processor, the session or the database may be
what failed. If even that template cannot render, a bare French page is returned.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)

PAGES = {
    400: {
        "titre": "Requête incorrecte",
        "texte": "La requête envoyée au serveur est incomplète ou mal formée.",
        "conseil": "Revenez à la page précédente et recommencez. Si le problème persiste, contactez le service.",
    },
    403: {
        "titre": "Accès refusé",
        "texte": "Vous n'avez pas les droits nécessaires pour accéder à cette page.",
        "conseil": "Si vous pensez qu'il s'agit d'une erreur, contactez le service des classes mobiles.",
    },
    404: {
        "titre": "Page non trouvée",
        "texte": "La page que vous cherchez est introuvable, ou n'est pas visible avec votre compte.",
        "conseil": "Si vous avez tapé l'adresse, vérifiez-la. Sinon, repartez de la page d'accueil.",
    },
    500: {
        "titre": "Erreur inattendue",
        "texte": "Désolés, le service a rencontré un problème. Il a été signalé à l'équipe technique.",
        "conseil": "Réessayez dans quelques instants. Ce que vous n'avez pas encore enregistré est peut-être perdu.",
    },
}
CSRF = {
    "titre": "Formulaire expiré",
    "texte": "Le formulaire n'a pas pu être envoyé : la page était restée ouverte trop longtemps, "
    "votre session a changé, ou votre navigateur refuse les cookies de ce site.",
    "conseil": "Rechargez la page du formulaire, puis envoyez-le de nouveau. "
    "Les cookies doivent être autorisés pour ce site.",
}


def _page_precedente(request):
    """The referring page when it belongs to this site (a way back), else None."""
    referent = request.META.get("HTTP_REFERER", "")
    if not referent or urlsplit(referent).path == request.path:
        return None
    if url_has_allowed_host_and_scheme(referent, allowed_hosts={request.get_host()}, require_https=False):
        return referent
    return None


def _rendre(request, statut, contenu, detail=""):
    contexte = {
        **contenu,
        "statut": statut,
        "detail": detail,
        "page_precedente": _page_precedente(request),
        "accueil": reverse("accueil"),
    }
    return HttpResponse(loader.render_to_string("erreurs/erreur.html", contexte, request=request), status=statut)


def mauvaise_requete(request, exception=None):
    return _rendre(request, 400, PAGES[400])


def acces_refuse(request, exception=None):
    # Our own PermissionDenied carry a French message ("Cette page n'est pas accessible avec votre rôle.").
    detail = str(exception) if exception is not None and exception.args else ""
    return _rendre(request, 403, PAGES[403], detail)


def page_introuvable(request, exception=None):
    return _rendre(request, 404, PAGES[404])


def echec_csrf(request, reason=""):
    logger.warning("Échec CSRF sur %s : %s", request.path, reason)
    return _rendre(request, 403, CSRF)


def erreur_serveur(request):
    contexte = {
        **PAGES[500],
        "statut": 500,
        "detail": "",
        "page_precedente": None,
        "office_nom": settings.OFFICE_NOM,
        "office_service": settings.OFFICE_SERVICE,
    }
    try:
        contexte["accueil"] = reverse("accueil")
        html = loader.render_to_string("erreurs/erreur.html", contexte)
    except Exception:  # the page that says something failed must not fail itself
        logger.exception("La page d'erreur 500 n'a pas pu être rendue")
        html = (
            '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Erreur inattendue</title></head>'
            f"<body><main><h1>Erreur inattendue</h1><p>{PAGES[500]['texte']}</p>"
            '<p><a href="/">Retour à l\'accueil</a></p></main></body></html>'
        )
    return HttpResponse(html, status=500)
