"""Model and form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

LONGUEUR_TEXTE = 5000  # a long free text (project, opinion, motivation): about two pages


def TexteLong(verbose_name=None, longueur=LONGUEUR_TEXTE, **options):  # noqa: N802 (used like a field class)
    """A TextField whose length is bounded in the form (``maxlength``, French error) and by the model's
    validation (``full_clean``), so that no form accepts a 100,000-character text."""
    return models.TextField(verbose_name, max_length=longueur, validators=[MaxLengthValidator(longueur)], **options)


# --- Form fields -----------------------------------------------------------------------------------------------

PK_MAX = 2**63 - 1  # largest bigint: a larger integer in a POST would make the database raise


def _pk_hors_bornes(queryset, valeur):
    """True for a value that cannot be a primary key of ``queryset``'s model (``"99999999999999999999"``)."""
    if queryset.model._meta.pk.get_internal_type() not in {"AutoField", "BigAutoField", "IntegerField"}:
        return False
    texte = str(valeur).strip()
    return not texte.lstrip("-").isdigit() or not -PK_MAX <= int(texte) <= PK_MAX


class ChoixBorne(forms.ModelChoiceField):
    """ModelChoiceField refusing, with its French message, a value no primary key can have."""

    def to_python(self, value):
        if value not in self.empty_values and _pk_hors_bornes(self.queryset, value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ChoixMultiplesBornes(forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField refusing, with its French message, values no primary key can have."""

    def _check_values(self, value):
        for pk in value:
            if _pk_hors_bornes(self.queryset, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)
