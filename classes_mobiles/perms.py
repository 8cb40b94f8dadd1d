"""Role checks for views. Territory is enforced by the ``visibles_par`` querysets (404 outside).

One rule for administrators: the ``admin`` role and Django superusers are the same person to the app
(``est_admin``). An administrator opens every page and may perform every departmental action of the
workflow; actions reserved to an author, a school or a circonscription stay theirs.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from classes_mobiles.enums import Role


def est_admin(user):
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) == Role.ADMIN)


def a_un_role(user, roles):
    return getattr(user, "role", None) in roles or est_admin(user)


def role_requis(*roles):
    """The view is for these roles only: others get 403 (anonymous users are sent to the login page)."""

    def decorateur(vue):
        @login_required
        @wraps(vue)
        def enveloppe(request, *args, **kwargs):
            if not a_un_role(request.user, roles):
                raise PermissionDenied("Cette page n'est pas accessible avec votre rôle.")
            return vue(request, *args, **kwargs)

        return enveloppe

    return decorateur
