"""Territory reference data: circonscriptions, communes, schools and their equipment diagnostic."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from classes_mobiles.enums import ROLES_CIRCONSCRIPTION, ROLES_DEPARTEMENT, ROLES_ECOLE, TypeEcole
from classes_mobiles.uai import valider_uai


def _perimetre(user):
    """Return ("departement" | "circonscription" | "ecole" | None, id) for a signed-in user."""
    if not user or not user.is_authenticated or not user.is_active:
        return None, None
    if user.is_superuser or user.role in ROLES_DEPARTEMENT:
        return "departement", None
    if user.role in ROLES_CIRCONSCRIPTION and user.circonscription_id:
        return "circonscription", user.circonscription_id
    if user.role in ROLES_ECOLE and user.ecole_id:
        return "ecole", user.ecole_id
    return None, None


class CirconscriptionQuerySet(models.QuerySet):
    def visibles_par(self, user):
        niveau, ident = _perimetre(user)
        if niveau == "departement":
            return self
        if niveau == "circonscription":
            return self.filter(pk=ident)
        if niveau == "ecole":
            return self.filter(ecoles__pk=ident)
        return self.none()


class Circonscription(models.Model):
    code = models.CharField("code", max_length=8, unique=True, validators=[valider_uai])
    nom = models.CharField("nom", max_length=150)
    departement_code = models.CharField("code du département", max_length=3)

    objects = CirconscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        verbose_name = "circonscription"

    def __str__(self):
        return self.nom


class CommuneQuerySet(models.QuerySet):
    def visibles_par(self, user):
        niveau, ident = _perimetre(user)
        if niveau == "departement":
            return self
        if niveau == "circonscription":
            return self.filter(ecoles__circonscription_id=ident).distinct()
        if niveau == "ecole":
            return self.filter(ecoles__pk=ident)
        return self.none()


class Commune(models.Model):
    code_insee = models.CharField("code INSEE", max_length=5, unique=True)
    nom = models.CharField("nom", max_length=150)
    code_postal = models.CharField("code postal", max_length=5, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]

    def __str__(self):
        return f"{self.nom} ({self.code_insee})"


class EcoleQuerySet(models.QuerySet):
    def visibles_par(self, user):
        niveau, ident = _perimetre(user)
        if niveau == "departement":
            return self
        if niveau == "circonscription":
            return self.filter(circonscription_id=ident)
        if niveau == "ecole":
            return self.filter(pk=ident)
        return self.none()


class Ecole(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uai = models.CharField(
        "code UAI",
        max_length=8,
        unique=True,
        validators=[valider_uai],
        help_text="7 chiffres et une lettre de contrôle.",
    )
    nom = models.CharField("nom", max_length=200)
    type_ecole = models.CharField("type", max_length=12, choices=TypeEcole, default=TypeEcole.PRIMAIRE)
    circonscription = models.ForeignKey(Circonscription, on_delete=models.PROTECT, related_name="ecoles")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="ecoles")
    adresse = models.CharField("adresse", max_length=250, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    latitude = models.DecimalField("latitude", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("longitude", max_digits=9, decimal_places=6, null=True, blank=True)
    nb_classes = models.PositiveSmallIntegerField("nombre de classes", default=0)
    ouverte = models.BooleanField("ouverte", default=True)
    date_maj_annuaire = models.DateTimeField("mise à jour depuis l'annuaire", null=True, blank=True)

    objects = EcoleQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        verbose_name = "école"
        indexes = [models.Index(fields=["circonscription", "nom"])]

    def __str__(self):
        return f"{self.nom} ({self.uai})"

    def get_absolute_url(self):
        return reverse("ecole_detail", args=[self.uai])


class DiagnosticEquipement(models.Model):
    """Equipment of a school against the recommendations of the DANE (seeds/001):
    per class 2 network outlets, a connected computer, an interactive display, speakers,
    optionally a visualiser; per school mobile kits of 10–12 devices, as many headsets,
    a charging cart with a Wi-Fi access point."""

    ecole = models.OneToOneField(Ecole, on_delete=models.CASCADE, related_name="diagnostic")
    date_diagnostic = models.DateField("date du diagnostic", null=True, blank=True)
    classes_deux_prises = models.PositiveSmallIntegerField("classes avec 2 prises réseau", default=0)
    classes_ordinateur = models.PositiveSmallIntegerField("classes avec un ordinateur relié à internet", default=0)
    classes_affichage_interactif = models.PositiveSmallIntegerField(
        "classes avec un tableau ou vidéoprojecteur interactif", default=0
    )
    classes_enceintes = models.PositiveSmallIntegerField("classes sonorisées", default=0)
    classes_visualiseur = models.PositiveSmallIntegerField("classes avec un visualiseur", default=0)
    classes_mobiles_possedees = models.PositiveSmallIntegerField("classes mobiles possédées", default=0)
    micro_casques = models.PositiveSmallIntegerField("micro-casques", default=0)
    wifi = models.BooleanField("Wi-Fi disponible", default=False)
    chariot_charge = models.BooleanField("chariot ou valise de chargement", default=False)
    taux_validation_competences = models.PositiveSmallIntegerField(
        "taux de validation des compétences numériques (%)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = "diagnostic d'équipement"

    def __str__(self):
        return f"Diagnostic de {self.ecole}"

    def taux_equipement(self):
        """Share (0–100) of the per-class recommendations met, over the school's classes."""
        nb = self.ecole.nb_classes
        if not nb:
            return 0
        elements = (
            self.classes_deux_prises,
            self.classes_ordinateur,
            self.classes_affichage_interactif,
            self.classes_enceintes,
        )
        return round(100 * sum(min(e, nb) for e in elements) / (len(elements) * nb))
