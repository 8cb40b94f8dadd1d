"""Automatic planner of the loans (issue 6, point 4): the exact problem of FORMAT.md solved with HiGHS.

Pure module (no Django models): `lire_instance` reads a `classes-mobiles/instance@1` file, `planifier`
returns a `Resultat` whose `affectation` validate.py accepts.
"""

from .instance import FORMAT_AFFECTATION, FORMAT_INSTANCE, Instance, InstanceInvalide, controler_instance, lire_instance
from .solveur import Resultat, kilometres, planifier

__all__ = [
    "FORMAT_AFFECTATION",
    "FORMAT_INSTANCE",
    "Instance",
    "InstanceInvalide",
    "Resultat",
    "controler_instance",
    "kilometres",
    "lire_instance",
    "planifier",
]
