"""Repérage (seeds/000 phase 1): rank the schools that would gain most from a mobile kit.

Need grows with poor equipment against the recommendations (seeds/001), a low validation rate of
digital skills, and with never having been served by the scheme.
"""

from dataclasses import dataclass

from django.db.models import Case, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, Least, Mod, NullIf

from classes_mobiles.models import Ecole

from .enums import Etat
from .models import Candidature

TAUX_VALIDATION_INCONNU = 50  # neutral value when the school's rate is unknown
BONUS_JAMAIS_SERVIE = 30
# The per-class recommendations counted by DiagnosticEquipement.taux_equipement().
ELEMENTS_PAR_CLASSE = (
    "classes_deux_prises",
    "classes_ordinateur",
    "classes_affichage_interactif",
    "classes_enceintes",
)


@dataclass
class Besoin:
    ecole: Ecole
    taux_equipement: int | None
    taux_validation: int | None
    deja_servie: bool
    candidature_en_cours: bool
    score: int

    @property
    def raisons(self):
        raisons = []
        if self.taux_equipement is None:
            raisons.append("Aucun diagnostic d'équipement.")
        elif self.taux_equipement < 50:
            raisons.append(f"Équipement à {self.taux_equipement} % des préconisations.")
        if self.taux_validation is not None and self.taux_validation < 60:
            raisons.append(f"Compétences numériques validées à {self.taux_validation} %.")
        if not self.deja_servie:
            raisons.append("Jamais bénéficiaire d'une classe mobile.")
        return raisons


def _taux_equipement():
    """DiagnosticEquipement.taux_equipement() in SQL: round(100 × Σ min(element, classes) / (4 × classes)) with
    Python's rounding (half to even), in integers; 0 without classes, NULL without a diagnostic."""
    entier = IntegerField()
    classes = F("nb_classes")
    somme = sum(
        (Least(F(f"diagnostic__{champ}"), classes, output_field=entier) for champ in ELEMENTS_PAR_CLASSE[1:]),
        Least(F(f"diagnostic__{ELEMENTS_PAR_CLASSE[0]}"), classes, output_field=entier),
    )
    numerateur = ExpressionWrapper(Value(100) * somme, output_field=entier)
    # NULL without classes (no division by zero; that case is 0, below).
    denominateur = NullIf(ExpressionWrapper(Value(len(ELEMENTS_PAR_CLASSE)) * classes, output_field=entier), 0)
    # Integer division on integer operands (PostgreSQL, SQLite).
    quotient = ExpressionWrapper(numerateur / denominateur, output_field=entier)
    double_reste = ExpressionWrapper(Value(2) * Mod(numerateur, denominateur), output_field=entier)
    return Case(
        When(diagnostic__isnull=True, then=Value(None)),
        When(nb_classes=0, then=Value(0)),
        When(Q(double_reste__gt=F("_den")) | (Q(double_reste=F("_den")) & Q(_quotient_impair=1)), then=F("_q") + 1),
        default=F("_q"),
        output_field=IntegerField(),
    ), {"_q": quotient, "_den": denominateur, "double_reste": double_reste}


class Classement:
    """The ranked schools as a lazy sequence for Paginator: count() and slices run in SQL (ORDER BY score,
    LIMIT/OFFSET); only the rows of the requested slice become ``Besoin`` objects."""

    def __init__(self, ecoles):
        self.ecoles = ecoles

    def count(self):
        return self.ecoles.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._besoin(e) for e in self.ecoles[index]]
        return self._besoin(self.ecoles[index])

    def __iter__(self):
        return (self._besoin(e) for e in self.ecoles)

    @staticmethod
    def _besoin(ecole):
        return Besoin(
            ecole=ecole,
            taux_equipement=ecole.taux_equipement_calcule,
            taux_validation=ecole.taux_validation_calcule,
            deja_servie=ecole.deja_servie,
            candidature_en_cours=getattr(ecole, "candidature_en_cours", False),
            score=ecole.score,
        )


def classer_ecoles(ecoles, campagne=None):
    """Rank ``ecoles`` (a queryset) neediest first, in the database: a ``Classement`` whose slices cost one query
    each, whatever the number of schools (the count one more)."""
    servies = Candidature.objects.filter(ecole=OuterRef("pk"), etat=Etat.ACCEPTEE)
    ecoles = ecoles.select_related("diagnostic", "commune", "circonscription").annotate(deja_servie=Exists(servies))
    if campagne is not None:
        en_cours = Candidature.objects.filter(ecole=OuterRef("pk"), campagne=campagne).exclude(
            etat__in=[Etat.BROUILLON, Etat.RETIREE]
        )
        ecoles = ecoles.annotate(candidature_en_cours=Exists(en_cours))
    taux, intermediaires = _taux_equipement()
    ecoles = (
        ecoles.annotate(**intermediaires)
        .annotate(_quotient_impair=Mod(F("_q"), Value(2)))
        .annotate(
            taux_equipement_calcule=taux,
            taux_validation_calcule=F("diagnostic__taux_validation_competences"),
        )
        .annotate(
            score=(Value(100) - Coalesce(F("taux_equipement_calcule"), Value(0)))
            + (Value(100) - Coalesce(F("taux_validation_calcule"), Value(TAUX_VALIDATION_INCONNU)))
            + Case(When(deja_servie=False, then=Value(BONUS_JAMAIS_SERVIE)), default=Value(0))
        )
        .order_by("-score", "nom", "pk")
    )
    return Classement(ecoles)
