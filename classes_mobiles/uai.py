"""UAI (Unité administrative immatriculée) codes: 7 characters + a check letter.

The first seven characters are digits for metropolitan and Corsican schools (0620001P, 6200001?),
and for overseas ones (97…). The check letter is the 7-digit number modulo 23 used as an index
into ``ABCDEFGHJKLMNPRSTUVWXYZ`` (I, O and Q are left out).
"""

import re

from django.core.exceptions import ValidationError

ALPHABET_CONTROLE = "ABCDEFGHJKLMNPRSTUVWXYZ"
_FORMAT = re.compile(r"^[0-9]{7}[A-Z]$")


def lettre_controle(sept_chiffres: str) -> str:
    return ALPHABET_CONTROLE[int(sept_chiffres) % 23]


def normaliser_uai(valeur: str) -> str:
    return (valeur or "").strip().upper()


def uai_est_valide(valeur: str) -> bool:
    code = normaliser_uai(valeur)
    return bool(_FORMAT.match(code)) and lettre_controle(code[:7]) == code[7]


def valider_uai(valeur: str) -> None:
    code = normaliser_uai(valeur)
    if not _FORMAT.match(code):
        raise ValidationError(
            "« %(valeur)s » n'est pas un code UAI : 7 chiffres suivis d'une lettre de contrôle sont attendus "
            "(par exemple 0620001P).",
            code="uai_format",
            params={"valeur": valeur},
        )
    attendue = lettre_controle(code[:7])
    if code[7] != attendue:
        raise ValidationError(
            "Le code UAI « %(valeur)s » est invalide : sa lettre de contrôle devrait être « %(attendue)s ».",
            code="uai_lettre",
            params={"valeur": valeur, "attendue": attendue},
        )
