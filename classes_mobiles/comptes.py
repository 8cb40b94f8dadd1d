"""Login and password reset.

Failed logins are counted by django-axes per (account, address) pair, on our login page and on /admin/login/
(settings ``AXES_*``); this module gives it the account and the client address it counts, and the French
lockout page. The password-reset form is limited per address and per account (a small counter in Django's
cache), and its e-mail leaves through a Celery task queued on commit whatever the address typed, so that
neither the answer nor its timing tells whether an account exists.
"""

import hashlib
import ipaddress
from functools import partial

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import render

from classes_mobiles.tasks_comptes import envoyer_lien_reinitialisation

# --- What django-axes counts ---------------------------------------------------------------------------------


def identifiant_tentative(request, credentials=None):
    """The account a login attempt aims at (AXES_USERNAME_CALLABLE): the e-mail typed, trimmed, in lower case."""
    valeur = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(valeur).strip().lower()


def adresse_client(request):
    """The client's address (AXES_CLIENT_IP_CALLABLE, and the reset limiter's).

    The connection's address, unless ``PROXY_DE_CONFIANCE`` says N reverse proxies of ours stand in front:
    then the N-th address from the right of X-Forwarded-For, the one our outermost proxy saw. What stands
    left of it was written by the client and is never read.
    """
    adresse = request.META.get("REMOTE_ADDR", "")
    proxys = settings.PROXY_DE_CONFIANCE
    if proxys > 0:
        chaine = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(chaine) >= proxys:
            adresse = chaine[-proxys]
    for candidat in (adresse, request.META.get("REMOTE_ADDR", "")):
        try:
            return str(ipaddress.ip_address(candidat))
        except ValueError:
            continue
    return None  # no address (a request built by code, e.g. a test client's force_login)


def reponse_blocage(request, original_response=None, credentials=None):
    """The lockout page (AXES_LOCKOUT_CALLABLE), in French in the site's layout, status 429."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "comptes/connexion_bloquee.html", {"minutes": minutes}, status=429)


# --- Login ---------------------------------------------------------------------------------------------------


class ConnexionForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    ordinateur_partage = forms.BooleanField(
        label="Ordinateur partagé : me déconnecter à la fermeture du navigateur",
        required=False,
    )

    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }


class ConnexionView(auth_views.LoginView):
    template_name = "comptes/connexion.html"
    authentication_form = ConnexionForm

    def form_valid(self, form):
        reponse = super().form_valid(form)
        if form.cleaned_data.get("ordinateur_partage"):
            # 0: the session cookie lasts until the browser closes (the server still ends it after a working day
            # of inactivity, SESSION_COOKIE_AGE).
            self.request.session.set_expiry(0)
        return reponse


# --- Password reset ------------------------------------------------------------------------------------------

TROP_DE_DEMANDES = (
    "Trop de demandes de réinitialisation pour cette adresse électronique ou depuis votre connexion. "
    "Réessayez dans une heure ou adressez-vous à l'administrateur du service."
)


def compter_demande(cle, maximum, fenetre):
    """Count one more request under ``cle`` (for ``fenetre`` seconds from the first); True once past ``maximum``."""
    cache.add(cle, 0, fenetre)
    try:
        nombre = cache.incr(cle)
    except ValueError:  # expired between add() and incr()
        cache.set(cle, 1, fenetre)
        nombre = 1
    return nombre > maximum


class ReinitialisationForm(PasswordResetForm):
    email = forms.EmailField(
        label="Adresse électronique", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        fenetre = settings.REINITIALISATION_FENETRE_SECONDES
        # Both counters move on every request, whether the account exists or not: the answer tells nothing.
        compte = hashlib.sha256(email.encode()).hexdigest()
        trop_compte = compter_demande(
            f"reinitialisation:compte:{compte}", settings.REINITIALISATION_MAX_PAR_COMPTE, fenetre
        )
        trop_adresse = compter_demande(
            f"reinitialisation:adresse:{adresse_client(self.request)}",
            settings.REINITIALISATION_MAX_PAR_ADRESSE,
            fenetre,
        )
        if trop_compte or trop_adresse:
            raise forms.ValidationError(TROP_DE_DEMANDES, code="trop_de_demandes")
        return email

    def save(self, **kwargs):
        # The worker looks the account up, makes the link and sends it; the request only queues the address.
        transaction.on_commit(partial(envoyer_lien_reinitialisation.delay, self.cleaned_data["email"]))


class ReinitialisationView(auth_views.PasswordResetView):
    template_name = "comptes/mot_de_passe_oubli.html"
    form_class = ReinitialisationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        reponse = super().form_invalid(form)
        if form.has_error("email", code="trop_de_demandes"):
            reponse.status_code = 429
        return reponse
