"""Role checks for views. Territory is enforced by the ``visibles_par`` querysets (404 outside)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_requis(*roles):
    """The view is for these roles only: others get 403 (anonymous users are sent to the login page)."""

    def decorateur(vue):
        @login_required
        @wraps(vue)
        def enveloppe(request, *args, **kwargs):
            if request.user.role not in roles and not request.user.is_superuser:
                raise PermissionDenied("Cette page n'est pas accessible avec votre rôle.")
            return vue(request, *args, **kwargs)

        return enveloppe

    return decorateur
