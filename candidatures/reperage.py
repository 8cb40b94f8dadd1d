"""Repérage (seeds/000 phase 1): rank the schools that would gain most from a mobile kit.

Need grows with poor equipment against the recommendations (seeds/001), a low validation rate of
digital skills, and with never having been served by the scheme.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from classes_mobiles.models import Ecole

from .enums import Etat
from .models import Candidature

TAUX_VALIDATION_INCONNU = 50  # neutral value when the school's rate is unknown
BONUS_JAMAIS_SERVIE = 30


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


def classer_ecoles(ecoles, campagne=None):
    """Return ``Besoin`` rows for ``ecoles`` (a queryset), neediest first; one query whatever their number."""
    servies = Candidature.objects.filter(ecole=OuterRef("pk"), etat=Etat.ACCEPTEE)
    ecoles = ecoles.select_related("diagnostic", "commune", "circonscription").annotate(deja_servie=Exists(servies))
    if campagne is not None:
        en_cours = Candidature.objects.filter(ecole=OuterRef("pk"), campagne=campagne).exclude(
            etat__in=[Etat.BROUILLON, Etat.RETIREE]
        )
        ecoles = ecoles.annotate(candidature_en_cours=Exists(en_cours))
    lignes = []
    for ecole in ecoles:
        diagnostic = getattr(ecole, "diagnostic", None)
        taux_equipement = diagnostic.taux_equipement() if diagnostic else None
        taux_validation = diagnostic.taux_validation_competences if diagnostic else None
        score = (100 - (taux_equipement if taux_equipement is not None else 0)) + (
            100 - (taux_validation if taux_validation is not None else TAUX_VALIDATION_INCONNU)
        )
        if not ecole.deja_servie:
            score += BONUS_JAMAIS_SERVIE
        lignes.append(
            Besoin(
                ecole=ecole,
                taux_equipement=taux_equipement,
                taux_validation=taux_validation,
                deja_servie=ecole.deja_servie,
                candidature_en_cours=getattr(ecole, "candidature_en_cours", False),
                score=score,
            )
        )
    lignes.sort(key=lambda b: (-b.score, b.ecole.nom))
    return lignes
