"""Login with throttling of failed attempts (per e-mail and per client address)."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache


def _cles(email, ip):
    return [f"connexion:email:{(email or '').strip().lower()}", f"connexion:ip:{ip or '-'}"]


def connexion_bloquee(email, ip):
    return any((cache.get(cle) or 0) >= settings.LOGIN_MAX_TENTATIVES for cle in _cles(email, ip))


def noter_echec(email, ip):
    for cle in _cles(email, ip):
        cache.add(cle, 0, settings.LOGIN_BLOCAGE_SECONDES)
        try:
            cache.incr(cle)
        except ValueError:
            cache.set(cle, 1, settings.LOGIN_BLOCAGE_SECONDES)


def effacer_echecs(email, ip):
    cache.delete_many(_cles(email, ip))


class ConnexionForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
        "throttled": "Trop de tentatives de connexion. Réessayez dans quelques minutes.",
    }

    def clean(self):
        email = self.cleaned_data.get("username")
        ip = self.request.META.get("REMOTE_ADDR") if self.request else None
        if connexion_bloquee(email, ip):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            noter_echec(email, ip)
            raise
        effacer_echecs(email, ip)
        return cleaned
