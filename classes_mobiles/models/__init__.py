from .calendrier import Campagne, Periode, Vacances
from .comptes import Utilisateur
from .documents import Document
from .territoire import Circonscription, Commune, DiagnosticEquipement, Ecole

__all__ = [
    "Campagne",
    "Circonscription",
    "Commune",
    "DiagnosticEquipement",
    "Document",
    "Ecole",
    "Periode",
    "Utilisateur",
    "Vacances",
]
