"""School calendar: official holidays per zone, campaigns and their loan periods."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from classes_mobiles.enums import ModePeriodes, Zone

valider_annee_scolaire = RegexValidator(
    r"^\d{4}-\d{4}$", "L'année scolaire s'écrit « AAAA-AAAA », par exemple 2025-2026."
)


class Vacances(models.Model):
    """One holiday of the official calendar (dataset fr-en-calendrier-scolaire) for a zone.

    ``date_debut`` is the first day without school, ``date_reprise`` the day classes resume
    (the dataset's ``end_date``); for the summer holidays the return day may be unknown.
    """

    annee_scolaire = models.CharField("année scolaire", max_length=9, validators=[valider_annee_scolaire])
    zone = models.CharField("zone", max_length=1, choices=Zone)
    description = models.CharField("description", max_length=150)
    date_debut = models.DateField("premier jour des vacances")
    date_reprise = models.DateField("jour de reprise", null=True, blank=True)

    class Meta:
        verbose_name = "vacances scolaires"
        verbose_name_plural = "vacances scolaires"
        ordering = ["annee_scolaire", "zone", "date_debut"]
        constraints = [
            models.UniqueConstraint(
                fields=["annee_scolaire", "zone", "description"], name="vacances_unique_par_zone_annee"
            ),
        ]

    def __str__(self):
        return f"{self.description} {self.annee_scolaire} ({self.get_zone_display()})"


class CampagneQuerySet(models.QuerySet):
    def visibles_par(self, user):
        # Campaigns are departmental: every signed-in active user sees them.
        if user and user.is_authenticated and user.is_active:
            return self
        return self.none()

    def courante(self):
        return self.filter(active=True).order_by("-annee_scolaire", "-date_ouverture_depot", "-pk").first()


class Campagne(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nom = models.CharField("nom", max_length=150)
    annee_scolaire = models.CharField(
        "année scolaire", max_length=9, validators=[valider_annee_scolaire], help_text="Par exemple 2025-2026."
    )
    zone = models.CharField("zone de vacances", max_length=1, choices=Zone)
    mode_periodes = models.CharField("découpage des prêts", max_length=12, choices=ModePeriodes)
    date_ouverture_depot = models.DateField("ouverture du dépôt des candidatures")
    date_cloture_depot = models.DateField("clôture du dépôt des candidatures")
    active = models.BooleanField("campagne en cours", default=True)

    objects = CampagneQuerySet.as_manager()

    class Meta:
        ordering = ["-annee_scolaire", "nom"]
        constraints = [
            models.CheckConstraint(
                name="campagne_fenetre_depot",
                condition=Q(date_cloture_depot__gte=F("date_ouverture_depot")),
                violation_error_message="La clôture du dépôt doit suivre son ouverture.",
            ),
            models.UniqueConstraint(
                fields=["active"],
                condition=Q(active=True),
                name="une_seule_campagne_active",
                violation_error_message="Une seule campagne peut être en cours : "
                "décochez « campagne en cours » sur l'autre campagne d'abord.",
            ),
        ]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("campagne_detail", args=[self.uuid])

    def clean(self):
        super().clean()
        if self.annee_scolaire and len(self.annee_scolaire) == 9:
            debut, fin = self.annee_scolaire.split("-")
            if int(fin) != int(debut) + 1:
                raise ValidationError({"annee_scolaire": "Les deux années doivent se suivre (par exemple 2025-2026)."})

    @property
    def depot_ouvert(self):
        aujourd_hui = timezone.localdate()
        return self.date_ouverture_depot <= aujourd_hui <= self.date_cloture_depot


class Periode(models.Model):
    campagne = models.ForeignKey(Campagne, on_delete=models.CASCADE, related_name="periodes")
    numero = models.PositiveSmallIntegerField("numéro")
    libelle = models.CharField("libellé", max_length=100)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin")

    class Meta:
        ordering = ["campagne", "date_debut"]
        verbose_name = "période"
        constraints = [
            models.UniqueConstraint(fields=["campagne", "numero"], name="periode_numero_unique"),
            models.CheckConstraint(
                name="periode_dates_ordonnees",
                condition=Q(date_fin__gte=F("date_debut")),
                violation_error_message="La fin de la période doit suivre son début.",
            ),
        ]

    def __str__(self):
        return f"{self.libelle} ({self.date_debut:%d/%m/%Y} – {self.date_fin:%d/%m/%Y})"

    @classmethod
    def referencees(cls, ids):
        """The ids among ``ids`` that another row points to (a wish, a proposal, later a loan…).

        Read from every protected relation to Periode, so that a new app referring to periods is covered too.
        """
        ids, trouvees = set(ids), set()
        # include_hidden: wishes and proposals point here with related_name="+".
        relations = [f for f in cls._meta.get_fields(include_hidden=True) if isinstance(f, models.ForeignObjectRel)]
        for relation in relations:
            if relation.on_delete is not models.PROTECT or not ids - trouvees:
                continue
            champ = relation.field
            trouvees |= set(
                relation.related_model._base_manager.filter(**{f"{champ.name}__in": ids - trouvees})
                .values_list(champ.attname, flat=True)
                .distinct()
            )
        return trouvees

    def clean(self):
        super().clean()
        if self.pk is None:
            return
        avant = Periode.objects.filter(pk=self.pk).values("date_debut", "date_fin", "campagne_id").first()
        if avant is None:
            return
        if avant["campagne_id"] != self.campagne_id:
            raise ValidationError("Une période ne change pas de campagne.")
        if (avant["date_debut"], avant["date_fin"]) != (self.date_debut, self.date_fin) and Periode.referencees(
            [self.pk]
        ):
            raise ValidationError(
                "Des candidatures portent sur cette période : ses dates ne peuvent plus changer "
                "(les enseignants l'ont demandée telle quelle)."
            )
