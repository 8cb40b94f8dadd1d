"""Model fields shared by the apps."""

from django.core.validators import MaxLengthValidator
from django.db import models

LONGUEUR_TEXTE = 5000  # a long free text (project, opinion, motivation): about two pages


def TexteLong(verbose_name=None, longueur=LONGUEUR_TEXTE, **options):  # noqa: N802 (used like a field class)
    """A TextField whose length is bounded in the form (``maxlength``, French error) and by the model's
    validation (``full_clean``), so that no form accepts a 100,000-character text."""
    return models.TextField(verbose_name, max_length=longueur, validators=[MaxLengthValidator(longueur)], **options)
