"""Filters of the candidature lists (IEN "À examiner", the departmental list, exports)."""

from urllib.parse import urlencode

from django import forms

from classes_mobiles.models import Campagne, Circonscription

from .enums import Avis, Etat


class FiltreCandidatures(forms.Form):
    campagne = forms.ModelChoiceField(queryset=Campagne.objects.none(), required=False, empty_label="Toutes")
    circonscription = forms.ModelChoiceField(
        queryset=Circonscription.objects.none(), required=False, empty_label="Toutes", to_field_name="code"
    )
    etat = forms.ChoiceField(label="État", choices=[("", "Tous"), *Etat.choices], required=False)
    avis = forms.ChoiceField(label="Avis de l'IEN", choices=[("", "Tous"), *Avis.choices], required=False)
    q = forms.CharField(label="École, commune ou titre", required=False, max_length=100)

    def __init__(self, data, *, user, a_examiner=False):
        super().__init__(data=data)
        self.a_examiner = a_examiner
        self.fields["campagne"].queryset = Campagne.objects.visibles_par(user)
        circonscriptions = Circonscription.objects.visibles_par(user)
        self.fields["circonscription"].queryset = circonscriptions
        if a_examiner:
            del self.fields["etat"]

    def filtrer(self, qs):
        if self.a_examiner:
            qs = qs.filter(etat=Etat.AUTORISEE)
        if not self.is_valid():
            return qs.none()
        d = self.cleaned_data
        if d.get("campagne"):
            qs = qs.filter(campagne=d["campagne"])
        if d.get("circonscription"):
            qs = qs.filter(ecole__circonscription=d["circonscription"])
        if d.get("etat"):
            qs = qs.filter(etat=d["etat"])
        if d.get("avis"):
            qs = qs.filter(avis_ien=d["avis"])
        if d.get("q"):
            from django.db.models import Q

            q = d["q"]
            qs = qs.filter(Q(ecole__nom__icontains=q) | Q(ecole__commune__nom__icontains=q) | Q(titre__icontains=q))
        return qs

    def parametres(self):
        """The query string of the active filters (for the export links)."""
        if not self.is_bound:
            return ""
        return urlencode([(k, v) for k, v in self.data.items() if k not in ("page", "export") and v])
