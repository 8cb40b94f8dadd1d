"""What a signed-in user sees stays private: no cache keeps it, and an idle session ends.

- ``PasDeCacheMiddleware``: ``Cache-Control: no-store`` (Django's never-cache headers) on every response to a
  signed-in user, and on every file or export (a response with ``Content-Disposition``) whoever asks, so that
  neither the browser's cache nor a proxy keeps a page, an export or a document after the session ends.
- ``SessionGlissanteMiddleware``: sliding expiry. A session lasts ``SESSION_COOKIE_AGE`` (a working day) after
  the last request, not after the login. Rather than saving the session on every request
  (``SESSION_SAVE_EVERY_REQUEST``, one database write per page), it is saved again when its last save is older
  than ``SESSION_RAFRAICHISSEMENT`` seconds: the expiry slides to within that precision.
  Place it after SessionMiddleware and AuthenticationMiddleware.
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.cache import add_never_cache_headers

CLE_DERNIERE_SAUVEGARDE = "_cm_vu"


def _connecte(request):
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class PasDeCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        if reponse.has_header("Content-Disposition") or _connecte(request):
            add_never_cache_headers(reponse)
        return reponse


class SessionGlissanteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and _connecte(request):
            maintenant = int(time.time())
            if maintenant - session.get(CLE_DERNIERE_SAUVEGARDE, 0) >= settings.SESSION_RAFRAICHISSEMENT:
                # Marks the session modified: SessionMiddleware saves it with a new expiry and re-sends the cookie.
                session[CLE_DERNIERE_SAUVEGARDE] = maintenant
        return reponse


@receiver(user_logged_in, dispatch_uid="session_glissante")
def _noter_connexion(sender, request, user, **kwargs):
    # A login saves the session anyway: its first pages need not save it again.
    session = getattr(request, "session", None)
    if session is not None:
        session[CLE_DERNIERE_SAUVEGARDE] = int(time.time())
