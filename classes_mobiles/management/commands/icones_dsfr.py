"""Write static/css/icones.css: the DSFR icon classes the templates use, and only those.

DSFR's utility.min.css defines every icon class (458 KB) where the app uses a handful; the base
icon rules are already in dsfr.min.css. Run again after using a new ``fr-icon-…`` class: a test
(classes_mobiles/tests/test_gabarits_statiques.py) fails until then.
"""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand

CLASSE_ICONE = re.compile(r"\bfr-(?:icon|fi)-[a-z0-9-]+")
SORTIE = Path(settings.BASE_DIR) / "static" / "css" / "icones.css"
SOURCE = "dsfr/dist/utility/utility.min.css"


def icones_utilisees():
    """Every ``fr-icon-…`` class written in the templates or the Python code of the project."""
    racine = Path(settings.BASE_DIR)
    fichiers = [*racine.glob("templates/**/*.html"), *racine.glob("*/**/*.py")]
    trouvees = set()
    for fichier in fichiers:
        if ".venv" in fichier.parts or fichier == Path(__file__):
            continue
        trouvees |= set(CLASSE_ICONE.findall(fichier.read_text(encoding="utf-8")))
    return trouvees


def _blocs(css):
    """Top-level statements of a stylesheet: (prelude, body) pairs; body None for `@charset…;`."""
    blocs, i = [], 0
    while i < len(css):
        accolade = css.find("{", i)
        point_virgule = css.find(";", i)
        if accolade == -1:
            break
        if point_virgule != -1 and point_virgule < accolade:
            blocs.append((css[i : point_virgule + 1].strip(), None))
            i = point_virgule + 1
            continue
        profondeur, j = 1, accolade + 1
        while profondeur:
            profondeur += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        blocs.append((css[i:accolade].strip(), css[accolade + 1 : j - 1]))
        i = j
    return blocs


def _filtrer(css, icones):
    sortie = []
    for prelude, corps in _blocs(css):
        if corps is None:
            continue
        if prelude.startswith("@"):
            interieur = _filtrer(corps, icones)
            if interieur:
                sortie.append(f"{prelude}{{{interieur}}}")
            continue
        selecteurs = [s for s in prelude.split(",") if set(CLASSE_ICONE.findall(s)) & icones]
        if selecteurs:
            sortie.append(f"{','.join(selecteurs)}{{{corps}}}")
    return "".join(sortie)


def css_icones(icones):
    source = Path(finders.find(SOURCE)).read_text(encoding="utf-8")
    css = _filtrer(source, icones)
    # utility.min.css sits in dsfr/dist/utility/; this file in css/.
    css = css.replace("url(../icons/", "url(../dsfr/dist/icons/")
    entete = "/* Généré par `manage.py icones_dsfr` depuis le DSFR (licence MIT) : seules les icônes utilisées. */\n"
    return entete + css.replace("}", "}\n")


class Command(BaseCommand):
    help = "Écrit static/css/icones.css avec les seules icônes DSFR utilisées par les gabarits."

    def handle(self, *args, **options):
        icones = icones_utilisees()
        SORTIE.write_text(css_icones(icones), encoding="utf-8")
        self.stdout.write(
            f"{SORTIE.relative_to(settings.BASE_DIR)} : {len(icones)} icônes ({', '.join(sorted(icones))})."
        )
