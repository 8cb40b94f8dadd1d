from .calendrier import Campagne, Periode, Vacances
from .comptes import Utilisateur
from .territoire import Circonscription, Commune, DiagnosticEquipement, Ecole

__all__ = [
    "Campagne",
    "Circonscription",
    "Commune",
    "DiagnosticEquipement",
    "Ecole",
    "Periode",
    "Utilisateur",
    "Vacances",
]
