from django.conf import settings

from classes_mobiles.navigation import menu_pour


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "office_nom": settings.OFFICE_NOM,
        "office_service": settings.OFFICE_SERVICE,
        "menu": menu_pour(user, request.path) if user is not None else [],
    }
