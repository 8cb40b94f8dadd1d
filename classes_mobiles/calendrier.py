"""School calendar: import of official holidays and derivation of a campaign's loan periods.

Sources, in order of preference:
1. the official dataset « fr-en-calendrier-scolaire » (Open data Éducation nationale), CSV or JSON export,
   loaded with ``importer_calendrier`` (management command ``importer_calendrier``);
2. offline fallback: the ``vacances-scolaires-france`` package bundled in the virtualenv, used automatically
   when no holiday is stored for a school year and zone (``charger_depuis_paquet``).
When neither has data, ``CalendrierIndisponible`` is raised: periods are never guessed.

A holiday is the half-open interval [date_debut, date_reprise). The dataset's « Rentrée scolaire des élèves »
entry is stored as a Vacances row too, with date_debut = date_reprise = rentrée day (an empty interval), so
the official rentrée is kept without a model change; ``vacances_de`` leaves it out.
"""

import csv
import datetime
import functools
import io
import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import ProtectedError

from classes_mobiles.enums import ModePeriodes, Zone
from classes_mobiles.models import Periode, Vacances

PARIS = ZoneInfo("Europe/Paris")

COLONNES_OBLIGATOIRES = ("description", "population", "start_date", "end_date", "zones", "annee_scolaire")

# Kind of entry -> label stored (the dataset's own spelling, so that package and dataset rows never duplicate).
LIBELLES = {
    "toussaint": "Vacances de la Toussaint",
    "noel": "Vacances de Noël",
    "hiver": "Vacances d'Hiver",
    "printemps": "Vacances de Printemps",
    "ascension": "Pont de l'Ascension",
    "ete": "Vacances d'Été",
    "rentree": "Rentrée scolaire des élèves",
}
DESCRIPTION_RENTREE = LIBELLES["rentree"]
# Holidays that split the year into loan periods, in calendar order; short breaks (Ascension) do not.
VACANCES_DECOUPANTES = ("toussaint", "noel", "hiver", "printemps", "ete")
NOMS_COURTS = {"toussaint": "Toussaint", "noel": "Noël", "hiver": "hiver", "printemps": "printemps", "ete": "été"}


class ErreurCalendrier(Exception):
    """Base class: the message is in French and can be shown to the user as is."""


class CalendrierInvalide(ErreurCalendrier):
    """The file is not a usable export of the official calendar: nothing was imported."""


class CalendrierIndisponible(ErreurCalendrier):
    """No holiday data for this school year and zone: never guess periods."""


class PeriodesUtilisees(ErreurCalendrier):
    """Regenerating would delete periods that candidatures already refer to."""


@dataclass
class Rapport:
    lignes: int = 0
    crees: int = 0
    mis_a_jour: int = 0
    inchanges: int = 0
    regroupees: int = 0  # lines repeating an entry already read (one line per académie of the zone)
    ignorees: Counter = field(default_factory=Counter)  # reason -> number of lines
    avertissements: list = field(default_factory=list)
    simulation: bool = False

    def lignes_rapport(self):
        titre = "Simulation (rien n'a été enregistré)" if self.simulation else "Import terminé"
        lignes = [
            f"{titre} : {self.lignes} ligne(s) lue(s).",
            f"  Vacances créées : {self.crees}",
            f"  Vacances mises à jour : {self.mis_a_jour}",
            f"  Vacances inchangées : {self.inchanges}",
            f"  Lignes regroupées (mêmes dates pour plusieurs académies) : {self.regroupees}",
            f"  Lignes ignorées : {sum(self.ignorees.values())}",
        ]
        lignes += [f"    - {raison} : {nombre}" for raison, nombre in sorted(self.ignorees.items())]
        lignes += [f"  Attention : {texte}" for texte in self.avertissements]
        return lignes

    def __str__(self):
        return "\n".join(self.lignes_rapport())


# --- Small helpers -------------------------------------------------------------------------------------------


def _sans_accents(texte):
    decompose = unicodedata.normalize("NFKD", texte or "")
    return "".join(c for c in decompose if not unicodedata.combining(c)).lower().strip()


def type_entree(description):
    """Kind of a dataset entry ("toussaint", "noel", ..., "rentree") or None when unknown."""
    texte = _sans_accents(description).replace("'", " ").replace("\u2019", " ")
    if "rentree" in texte:
        return "rentree" if "eleve" in texte else None
    for genre in ("toussaint", "noel", "hiver", "printemps", "ascension"):
        if genre in texte:
            return genre
    return "ete" if "ete" in texte.split() else None


def date_locale(valeur):
    """Date in Paris of a dataset value: an ISO instant (UTC of Paris midnight), a naive datetime or a date.

    >>> date_locale("2025-10-17T22:00:00+00:00")
    datetime.date(2025, 10, 18)
    """
    texte = (valeur or "").strip()
    if len(texte) == 10:
        return datetime.date.fromisoformat(texte)
    instant = datetime.datetime.fromisoformat(texte)
    if instant.tzinfo is None:
        return instant.date()
    return instant.astimezone(PARIS).date()


def premier_jour_de_classe(jour):
    """First school day (Monday to Friday) on or after ``jour``."""
    while jour.weekday() >= 5:
        jour += datetime.timedelta(days=1)
    return jour


def dernier_jour_de_classe_avant(jour):
    """Last school day (Monday to Friday) strictly before ``jour``."""
    jour -= datetime.timedelta(days=1)
    while jour.weekday() >= 5:
        jour -= datetime.timedelta(days=1)
    return jour


def _annee_valide(annee_scolaire):
    debut, _, fin = (annee_scolaire or "").partition("-")
    return debut.isdigit() and fin.isdigit() and len(debut) == 4 and int(fin) == int(debut) + 1


# --- Import of the official dataset --------------------------------------------------------------------------


def _lire_texte(fichier):
    if isinstance(fichier, str | Path):
        contenu = Path(fichier).read_bytes()
    else:
        contenu = fichier.read()
    if isinstance(contenu, bytes):
        try:
            contenu = contenu.decode("utf-8-sig")
        except UnicodeDecodeError as erreur:
            raise CalendrierInvalide(
                "Le fichier n'est pas encodé en UTF-8 : est-ce bien l'export officiel ?"
            ) from erreur
    return contenu.lstrip("\ufeff")


def _enregistrements(texte):
    """(line number, record dict) of a CSV or JSON export."""
    if texte.lstrip()[:1] in ("[", "{"):
        try:
            donnees = json.loads(texte)
        except json.JSONDecodeError as erreur:
            raise CalendrierInvalide(f"Fichier JSON illisible (ligne {erreur.lineno}) : {erreur.msg}.") from erreur
        if isinstance(donnees, dict):
            donnees = donnees.get("results", donnees.get("records"))
        if not isinstance(donnees, list):
            raise CalendrierInvalide("Fichier JSON inattendu : une liste d'enregistrements est attendue.")
        enregistrements = []
        for numero, enregistrement in enumerate(donnees, start=1):
            if isinstance(enregistrement, dict) and isinstance(enregistrement.get("fields"), dict):
                enregistrement = enregistrement["fields"]  # API v1 layout
            if not isinstance(enregistrement, dict):
                raise CalendrierInvalide(f"Enregistrement {numero} : un objet JSON est attendu.")
            manquantes = [c for c in COLONNES_OBLIGATOIRES if c not in enregistrement and c != "end_date"]
            if manquantes:
                raise CalendrierInvalide(f"Enregistrement {numero} : champ(s) manquant(s) : {', '.join(manquantes)}.")
            enregistrements.append((numero, {k: "" if v is None else str(v) for k, v in enregistrement.items()}))
        return enregistrements

    lecteur = csv.DictReader(io.StringIO(texte), delimiter=";")
    entetes = [(nom or "").strip() for nom in (lecteur.fieldnames or [])]
    manquantes = [c for c in COLONNES_OBLIGATOIRES if c not in entetes]
    if manquantes:
        raise CalendrierInvalide(
            f"Colonne(s) manquante(s) : {', '.join(manquantes)}. Le fichier attendu est l'export CSV (séparateur « ; ») "
            "du jeu de données « fr-en-calendrier-scolaire »."
        )
    lecteur.fieldnames = entetes
    return [(numero, ligne) for numero, ligne in enumerate(lecteur, start=2)]


def _analyser(texte, annee_scolaire, rapport):
    """Validate every line, then return {(annee, zone, description): (debut, reprise)}; raises before any write."""
    entrees, origines = {}, {}
    for numero, ligne in _enregistrements(texte):
        rapport.lignes += 1
        valeur = {cle: (ligne.get(cle) or "").strip() for cle in COLONNES_OBLIGATOIRES}
        zone = valeur["zones"].removeprefix("Zone ").strip() if valeur["zones"].startswith("Zone ") else ""
        if zone not in Zone.values:
            rapport.ignorees["zone hors métropole (A, B, C)"] += 1
            continue
        if _sans_accents(valeur["population"]) not in ("", "-", "eleves"):
            rapport.ignorees["dates des enseignants seulement"] += 1
            continue
        annee = valeur["annee_scolaire"]
        if not _annee_valide(annee):
            raise CalendrierInvalide(f"Ligne {numero} : année scolaire illisible « {annee} » (attendu : 2025-2026).")
        if annee_scolaire and annee != annee_scolaire:
            rapport.ignorees[f"autre année scolaire que {annee_scolaire}"] += 1
            continue
        genre = type_entree(valeur["description"])
        if genre is None:
            rapport.ignorees["description non reconnue"] += 1
            continue
        dates = []
        for colonne, nom in (("start_date", "début"), ("end_date", "fin")):
            if not valeur[colonne]:
                dates.append(None)
                continue
            try:
                dates.append(date_locale(valeur[colonne]))
            except ValueError as erreur:
                raise CalendrierInvalide(f"Ligne {numero} : date de {nom} illisible « {valeur[colonne]} ».") from erreur
        debut, reprise = dates
        if genre == "rentree":
            debut = reprise = debut or reprise
        if debut is None:
            raise CalendrierInvalide(f"Ligne {numero} : date de début manquante ({valeur['description']}).")
        if reprise is not None and reprise < debut:
            raise CalendrierInvalide(f"Ligne {numero} : la date de fin précède la date de début.")
        if reprise is None and genre != "ete":
            raise CalendrierInvalide(f"Ligne {numero} : date de fin manquante ({valeur['description']}).")
        cle = (annee, zone, LIBELLES[genre])
        if cle in entrees:
            rapport.regroupees += 1
            if entrees[cle] != (debut, reprise):
                rapport.avertissements.append(
                    f"ligne {numero} : dates différentes pour {cle[2]} {annee} en zone {zone} "
                    f"(celles de la ligne {origines[cle]} sont conservées)."
                )
            continue
        entrees[cle], origines[cle] = (debut, reprise), numero
    return entrees


def _enregistrer(entrees, rapport):
    for (annee, zone, description), (debut, reprise) in sorted(entrees.items()):
        existante = Vacances.objects.filter(annee_scolaire=annee, zone=zone, description=description).first()
        if existante is None:
            Vacances.objects.create(
                annee_scolaire=annee, zone=zone, description=description, date_debut=debut, date_reprise=reprise
            )
            rapport.crees += 1
        elif (existante.date_debut, existante.date_reprise) == (debut, reprise):
            rapport.inchanges += 1
        else:
            existante.date_debut, existante.date_reprise = debut, reprise
            existante.save(update_fields=["date_debut", "date_reprise"])
            rapport.mis_a_jour += 1


class _Annulation(Exception):
    pass


def importer_calendrier(fichier, annee_scolaire=None, *, simulation=False):
    """Import (idempotently) the official calendar from a path or an open file; returns a ``Rapport``.

    Only zones A, B and C and the pupils' dates are kept. With ``simulation`` nothing is saved.
    Raises ``CalendrierInvalide`` (nothing imported) when the file cannot be used.
    """
    if annee_scolaire and not _annee_valide(annee_scolaire):
        raise CalendrierInvalide(f"Année scolaire illisible « {annee_scolaire} » (attendu : 2025-2026).")
    rapport = Rapport(simulation=simulation)
    entrees = _analyser(_lire_texte(fichier), annee_scolaire, rapport)
    if rapport.lignes == 0:
        raise CalendrierInvalide("Le fichier ne contient aucune ligne de données.")
    try:
        with transaction.atomic():
            _enregistrer(entrees, rapport)
            if simulation:
                raise _Annulation
    except _Annulation:
        pass
    return rapport


# --- Offline fallback: the vacances-scolaires-france package --------------------------------------------------


@functools.cache
def _plages_du_paquet():
    """{zone: [(genre, first day off, day of return)]} from the package's day-by-day data."""
    from vacances_scolaires_france import SchoolHolidayDates

    donnees = SchoolHolidayDates().data
    plages = {}
    for zone in Zone.values:
        cle_zone = f"vacances_zone_{zone.lower()}"
        courantes = []
        for jour in sorted(donnees):
            ligne = donnees[jour]
            if not ligne[cle_zone]:
                continue
            genre = type_entree(ligne["nom_vacances"])
            precedente = courantes[-1] if courantes else None
            if precedente and precedente[0] == genre and precedente[2] == jour:
                courantes[-1] = (genre, precedente[1], jour + datetime.timedelta(days=1))
            else:
                courantes.append((genre, jour, jour + datetime.timedelta(days=1)))
        plages[zone] = [plage for plage in courantes if plage[0] is not None]
    return plages


def _annee_de(jour):
    """School year a holiday starting on ``jour`` belongs to (summer ends the year it follows)."""
    debut = jour.year if jour.month >= 9 else jour.year - 1
    return f"{debut}-{debut + 1}"


def vacances_du_paquet(annee_scolaire, zone):
    """[(description, date_debut, date_reprise)] the package knows for this year and zone (maybe empty)."""
    return [
        (LIBELLES[genre], debut, reprise)
        for genre, debut, reprise in _plages_du_paquet().get(zone, [])
        if _annee_de(debut) == annee_scolaire
    ]


def _complet(descriptions):
    return all(LIBELLES[genre] in descriptions for genre in VACANCES_DECOUPANTES)


def charger_depuis_paquet(annee_scolaire, zones=None, *, simulation=False):
    """Store the package's holidays for the year (all zones by default); zones without full data are skipped."""
    if not _annee_valide(annee_scolaire):
        raise CalendrierInvalide(f"Année scolaire illisible « {annee_scolaire} » (attendu : 2025-2026).")
    rapport = Rapport(simulation=simulation)
    entrees = {}
    for zone in zones or Zone.values:
        trouvees = vacances_du_paquet(annee_scolaire, zone)
        rapport.lignes += len(trouvees)
        if not _complet({description for description, _, _ in trouvees}):
            rapport.avertissements.append(
                f"aucune donnée complète pour {annee_scolaire} en zone {zone} dans le paquet vacances-scolaires-france."
            )
            continue
        for description, debut, reprise in trouvees:
            entrees[(annee_scolaire, zone, description)] = (debut, reprise)
    try:
        with transaction.atomic():
            _enregistrer(entrees, rapport)
            if simulation:
                raise _Annulation
    except _Annulation:
        pass
    return rapport


# --- Loan periods ---------------------------------------------------------------------------------------------


def _message_indisponible(annee_scolaire, zone):
    return (
        f"Aucune donnée de vacances scolaires pour l'année {annee_scolaire} en zone {zone} : "
        "importez le calendrier officiel avant de créer les périodes."
    )


def vacances_de(annee_scolaire, zone):
    """Stored holidays of the year and zone (rentrée excluded), loading the package's when none is stored.

    Raises ``CalendrierIndisponible`` when neither the database nor the package has data.
    """
    lignes = Vacances.objects.filter(annee_scolaire=annee_scolaire, zone=zone).exclude(description=DESCRIPTION_RENTREE)
    if not lignes.exists():
        charger_depuis_paquet(annee_scolaire, [zone])
        if not lignes.exists():
            raise CalendrierIndisponible(_message_indisponible(annee_scolaire, zone))
    return list(lignes.order_by("date_debut"))


def _annee_precedente(annee_scolaire):
    debut = int(annee_scolaire[:4]) - 1
    return f"{debut}-{debut + 1}"


def date_rentree(annee_scolaire, zone):
    """Pupils' rentrée: the dataset entry, else the end of the previous summer, else 1 September."""
    ligne = Vacances.objects.filter(annee_scolaire=annee_scolaire, zone=zone, description=DESCRIPTION_RENTREE).first()
    if ligne:
        return premier_jour_de_classe(ligne.date_debut)
    precedente = _annee_precedente(annee_scolaire)
    ete = Vacances.objects.filter(
        annee_scolaire=precedente, zone=zone, description=LIBELLES["ete"], date_reprise__isnull=False
    ).first()
    reprise = ete.date_reprise if ete else None
    if reprise is None:
        reprise = next((r for d, _, r in vacances_du_paquet(precedente, zone) if d == LIBELLES["ete"]), None)
    premier_septembre = datetime.date(int(annee_scolaire[:4]), 9, 1)
    # A summer return far from September (e.g. the next year's rentrée) is not this year's rentrée.
    if reprise is None or abs((reprise - premier_septembre).days) > 15:
        reprise = premier_septembre
    return premier_jour_de_classe(reprise)


def calculer_periodes(annee_scolaire, zone, mode):
    """[(libelle, date_debut, date_fin)] of the loan periods of a school year in a zone.

    ``six_semaines``: one period between two successive holidays (5 periods); ``trimestres``: rentrée–Noël,
    Noël–printemps, printemps–été. Periods start and end on school days (Monday to Friday) outside holidays;
    short breaks such as the Pont de l'Ascension fall inside a period.
    """
    if not _annee_valide(annee_scolaire):
        raise CalendrierIndisponible(f"Année scolaire illisible « {annee_scolaire} » (attendu : 2025-2026).")
    zone = str(zone)
    par_genre = {type_entree(v.description): v for v in vacances_de(annee_scolaire, zone)}
    manquantes = [LIBELLES[genre] for genre in VACANCES_DECOUPANTES if genre not in par_genre]
    if manquantes:
        raise CalendrierIndisponible(
            f"Calendrier incomplet pour l'année {annee_scolaire} en zone {zone} (il manque : {', '.join(manquantes)}) : "
            "importez le calendrier officiel avant de créer les périodes."
        )
    if mode == ModePeriodes.SIX_SEMAINES:
        coupures = VACANCES_DECOUPANTES
        libelle = "Période {numero} : {depuis} – {jusqua}"
    elif mode == ModePeriodes.TRIMESTRES:
        coupures = ("noel", "printemps", "ete")
        libelle = "Trimestre {numero} : {depuis} – {jusqua}"
    else:
        raise ValueError(f"Mode de découpage inconnu : {mode}")

    periodes, depuis, debut = [], "rentrée", date_rentree(annee_scolaire, zone)
    for numero, genre in enumerate(coupures, start=1):
        vacances = par_genre[genre]
        fin = dernier_jour_de_classe_avant(vacances.date_debut)
        if fin < debut:
            raise CalendrierIndisponible(
                f"Calendrier incohérent pour l'année {annee_scolaire} en zone {zone} : "
                f"{vacances.description} commence avant la fin de la période précédente."
            )
        periodes.append((libelle.format(numero=numero, depuis=depuis, jusqua=NOMS_COURTS[genre]), debut, fin))
        if genre != "ete":
            depuis, debut = NOMS_COURTS[genre], premier_jour_de_classe(vacances.date_reprise)
    return periodes


def generer_periodes(campagne):
    """(Re)create the campaign's periods from the school calendar; returns them in order.

    Existing periods are updated in place by number, so candidatures keep pointing at them; surplus periods are
    deleted. A period that a candidature refers to (a wish, a proposal) keeps its dates: when the new calendar
    would move them, or delete the period, nothing changes and ``PeriodesUtilisees`` says which period and why.
    """
    calculees = calculer_periodes(campagne.annee_scolaire, campagne.zone, campagne.mode_periodes)
    with transaction.atomic():
        # Locked: a candidature cannot choose one of these periods while they are being rewritten.
        existantes = {p.numero: p for p in Periode.objects.select_for_update().filter(campagne=campagne)}
        utilisees = Periode.referencees(p.pk for p in existantes.values())
        deplacees = [
            (existantes[numero], debut, fin)
            for numero, (_, debut, fin) in enumerate(calculees, start=1)
            if numero in existantes
            and existantes[numero].pk in utilisees
            and (existantes[numero].date_debut, existantes[numero].date_fin) != (debut, fin)
        ]
        if deplacees:
            details = " ; ".join(
                f"« {p.libelle} » ({p.date_debut:%d/%m/%Y} – {p.date_fin:%d/%m/%Y}) deviendrait "
                f"{debut:%d/%m/%Y} – {fin:%d/%m/%Y}"
                for p, debut, fin in deplacees
            )
            raise PeriodesUtilisees(
                f"Impossible de regénérer les périodes de « {campagne} » : des candidatures portent sur des périodes "
                f"dont les dates changeraient ({details}). Rien n'a été modifié."
            )
        periodes = []
        for numero, (libelle, debut, fin) in enumerate(calculees, start=1):
            periode, _ = Periode.objects.update_or_create(
                campagne=campagne, numero=numero, defaults={"libelle": libelle, "date_debut": debut, "date_fin": fin}
            )
            periodes.append(periode)
        try:
            Periode.objects.filter(campagne=campagne, numero__gt=len(calculees)).delete()
        except ProtectedError as erreur:
            raise PeriodesUtilisees(
                f"Impossible de remplacer les périodes de « {campagne} » : des candidatures portent sur des périodes "
                "qui disparaîtraient avec ce découpage."
            ) from erreur
    return periodes
