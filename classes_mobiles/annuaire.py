"""Import of the official school directory "Annuaire de l'éducation" (data.education.gouv.fr,
dataset fr-en-annuaire-education), CSV export separated by ";".

Only open public schools (type "Ecole", état "OUVERT") of the configured department are kept.
Circonscriptions, communes and schools are created or updated (schools matched by UAI); a second
run on the same file changes nothing. The whole import runs in one transaction: a malformed file
raises ``AnnuaireInvalide`` before any write, and ``dry_run`` rolls everything back.

Unknown columns of the real file (about 70) are ignored, as are pupil counts: the model has no
place for them, and the number of classes is filled in by the schools themselves.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from classes_mobiles.enums import TypeEcole
from classes_mobiles.models import Circonscription, Commune, Ecole
from classes_mobiles.uai import normaliser_uai, valider_uai

COLONNES_REQUISES = (
    "identifiant_de_l_etablissement",
    "nom_etablissement",
    "type_etablissement",
    "statut_public_prive",
    "code_commune",
    "nom_commune",
    "code_departement",
    "code_circonscription",
    "nom_circonscription",
    "etat",
    "ecole_maternelle",
    "ecole_elementaire",
)
# Read when present: adresse_1, code_postal, latitude, longitude.

TAILLE_LOT = 500  # rows per bulk_create / bulk_update query

_CODE_INSEE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
_CODE_POSTAL = re.compile(r"^[0-9]{5}$")
_SIX_DECIMALES = Decimal("0.000001")


class AnnuaireInvalide(Exception):
    """The file cannot be read as an export of the Annuaire de l'éducation; nothing was imported."""


@dataclass(frozen=True)
class LigneRejetee:
    numero: int
    uai: str
    motif: str

    def __str__(self):
        uai = f" ({self.uai})" if self.uai else ""
        return f"Ligne {self.numero}{uai} : {self.motif}"


@dataclass
class RapportImport:
    departement: str
    dry_run: bool = False
    lignes_lues: int = 0
    creees: int = 0
    mises_a_jour: int = 0
    inchangees: int = 0
    fermees: int = 0
    ignorees: dict[str, int] = field(default_factory=dict)
    rejetees: list[LigneRejetee] = field(default_factory=list)
    circonscriptions_creees: int = 0
    circonscriptions_mises_a_jour: int = 0
    communes_creees: int = 0
    communes_mises_a_jour: int = 0

    @property
    def nb_ignorees(self):
        return sum(self.ignorees.values())

    def ignorer(self, motif):
        self.ignorees[motif] = self.ignorees.get(motif, 0) + 1

    def lignes(self):
        """The report as French text lines: summary, then one line per rejected line."""
        return [*self.resume(), *(str(rejet) for rejet in self.rejetees)]

    def resume(self):
        """The counts as French text lines (management command, admin page)."""
        texte = []
        if self.dry_run:
            texte.append("Simulation : aucune modification n'a été enregistrée.")
        texte.append(f"Département {self.departement} : {self.lignes_lues} lignes lues.")
        texte.append(
            f"Écoles : {self.creees} créées, {self.mises_a_jour} mises à jour, {self.inchangees} inchangées"
            + (f", {self.fermees} marquées fermées." if self.fermees else ".")
        )
        texte.append(
            f"Circonscriptions : {self.circonscriptions_creees} créées, "
            f"{self.circonscriptions_mises_a_jour} mises à jour."
        )
        texte.append(f"Communes : {self.communes_creees} créées, {self.communes_mises_a_jour} mises à jour.")
        detail = ", ".join(f"{motif} : {nb}" for motif, nb in sorted(self.ignorees.items()))
        texte.append(f"Lignes ignorées : {self.nb_ignorees}" + (f" ({detail})." if detail else "."))
        texte.append(f"Lignes rejetées : {len(self.rejetees)}.")
        return texte

    def __str__(self):
        return "\n".join(self.lignes())


class _Rejet(Exception):
    pass


def _sans_accents(valeur):
    decompose = unicodedata.normalize("NFKD", valeur or "")
    return "".join(c for c in decompose if not unicodedata.combining(c)).strip().lower()


def _texte(valeur):
    return " ".join((valeur or "").split())


def normaliser_departement(code):
    """'062', '62' and ' 62 ' compare equal, as do '02A' and '2A'."""
    return (code or "").strip().upper().lstrip("0")


def _booleen(valeur):
    return _sans_accents(valeur) in {"1", "oui", "vrai", "true", "o"}


def _coordonnee(valeur, limite, libelle):
    valeur = (valeur or "").strip().replace(",", ".")
    if not valeur:
        return None
    try:
        nombre = Decimal(valeur)
    except InvalidOperation:
        raise _Rejet(f"{libelle} invalide : « {valeur} » n'est pas un nombre") from None
    if not nombre.is_finite() or abs(nombre) > limite:
        raise _Rejet(f"{libelle} invalide : « {valeur} » est hors de [-{limite} ; {limite}]")
    return nombre.quantize(_SIX_DECIMALES)


def _lire_texte(source):
    """Return the file content as text, from a path, text, bytes or an (uploaded) file object."""
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and ";" not in source):
        chemin = Path(source)
        if not chemin.is_file():
            raise AnnuaireInvalide(f"Fichier introuvable : {chemin}.")
        source = chemin.read_bytes()
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        source = source.read()
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AnnuaireInvalide(
                "Le fichier n'est pas encodé en UTF-8 (octet illisible en position "
                f"{exc.start}). Téléchargez l'export CSV de l'annuaire sans le réenregistrer dans un tableur."
            ) from None
    return source.removeprefix("\ufeff")


def _lire_lignes(texte):
    """Check the header and return (DictReader, normalised header)."""
    premiere = texte.split("\n", 1)[0]
    if not premiere.strip():
        raise AnnuaireInvalide("Le fichier est vide : la ligne d'en-tête est absente.")
    if ";" not in premiere:
        indice = " Il semble séparé par des virgules." if "," in premiere else ""
        raise AnnuaireInvalide(
            "Le fichier n'est pas un CSV séparé par des points-virgules comme l'export de l'annuaire "
            f"de l'éducation.{indice}"
        )
    # strict: a stray quote inside a field, or a file ending inside quotes, raises csv.Error (line number given).
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=";", strict=True)
    try:
        entete = next(lecteur)
    except csv.Error as exc:
        raise AnnuaireInvalide(f"En-tête illisible : {exc}.") from None
    # The site can also export labels ("Identifiant_de_l_etablissement"): compare case-insensitively.
    entete = [_sans_accents(nom).replace(" ", "_") for nom in entete]
    manquantes = [nom for nom in COLONNES_REQUISES if nom not in entete]
    if manquantes:
        raise AnnuaireInvalide(
            "Colonnes obligatoires absentes : " + ", ".join(manquantes) + ". Ce fichier n'est pas un export "
            "de l'annuaire de l'éducation (jeu de données fr-en-annuaire-education)."
        )
    return lecteur, entete


def _motif_ignore(ligne, departement):
    if normaliser_departement(ligne["code_departement"]) != departement:
        return "autre département"
    if _sans_accents(ligne["type_etablissement"]) != "ecole":
        return "pas une école"
    if _sans_accents(ligne["statut_public_prive"]) != "public":
        return "école privée"
    if _sans_accents(ligne["etat"]) != "ouvert":
        return "école non ouverte"
    return None


def _analyser(ligne, code_departement):
    """Return the cleaned values of a kept line, or raise _Rejet with a French reason."""
    uai = normaliser_uai(ligne["identifiant_de_l_etablissement"])
    try:
        valider_uai(uai)
    except ValidationError as exc:
        raise _Rejet(exc.messages[0]) from None
    nom = _texte(ligne["nom_etablissement"])
    if not nom:
        raise _Rejet("nom de l'école manquant")
    if len(nom) > Ecole._meta.get_field("nom").max_length:
        raise _Rejet("nom de l'école trop long")

    code_circ = normaliser_uai(ligne["code_circonscription"])
    if not code_circ:
        raise _Rejet("circonscription manquante (colonne code_circonscription vide)")
    try:
        valider_uai(code_circ)
    except ValidationError as exc:
        raise _Rejet("code de circonscription invalide : " + exc.messages[0]) from None

    code_insee = (ligne["code_commune"] or "").strip().upper()
    if not code_insee:
        raise _Rejet("code INSEE de la commune manquant")
    if not _CODE_INSEE.match(code_insee):
        raise _Rejet(f"code INSEE de la commune invalide : « {code_insee} »")
    nom_commune = _texte(ligne["nom_commune"])
    if not nom_commune:
        raise _Rejet("nom de la commune manquant")

    code_postal = (ligne.get("code_postal") or "").strip()
    if code_postal and not _CODE_POSTAL.match(code_postal):
        raise _Rejet(f"code postal invalide : « {code_postal} »")

    latitude = _coordonnee(ligne.get("latitude"), 90, "latitude")
    longitude = _coordonnee(ligne.get("longitude"), 180, "longitude")
    if (latitude is None) != (longitude is None):
        raise _Rejet("coordonnées incomplètes : latitude et longitude vont ensemble")

    maternelle, elementaire = _booleen(ligne["ecole_maternelle"]), _booleen(ligne["ecole_elementaire"])
    if maternelle and not elementaire:
        type_ecole = TypeEcole.MATERNELLE
    elif elementaire and not maternelle:
        type_ecole = TypeEcole.ELEMENTAIRE
    else:
        # Both levels, or neither flag filled in (rare special schools): primaire is the safe default.
        type_ecole = TypeEcole.PRIMAIRE

    return {
        "uai": uai,
        "circonscription": {
            "code": code_circ,
            "nom": _texte(ligne["nom_circonscription"])[:150],
            "departement_code": code_departement,
        },
        "commune": {"code_insee": code_insee, "nom": nom_commune[:150], "code_postal": code_postal},
        "ecole": {
            "nom": nom,
            "type_ecole": type_ecole,
            "adresse": _texte(ligne.get("adresse_1"))[:250],
            "code_postal": code_postal,
            "latitude": latitude,
            "longitude": longitude,
            "ouverte": True,
        },
    }


def _differences(objet, valeurs):
    """Set the changed values on objet and return their field names."""
    changes = []
    for nom, valeur in valeurs.items():
        if getattr(objet, nom) != valeur:
            setattr(objet, nom, valeur)
            changes.append(nom)
    return changes


def importer_annuaire(fichier_texte_ou_chemin, departement=None, dry_run=False, limite=None) -> RapportImport:
    """Import the schools of `departement` (default settings.DEPARTEMENT_CODE) from an annuaire CSV.

    `fichier_texte_ou_chemin`: a path, the CSV text, bytes or a file object. `limite`: read at most
    that many data lines. Raises AnnuaireInvalide (nothing imported) when the file is malformed.
    """
    departement = departement or settings.DEPARTEMENT_CODE
    cle_departement = normaliser_departement(departement)
    if not cle_departement:
        raise AnnuaireInvalide("Code de département vide.")
    code_departement = cle_departement.zfill(3)  # stored as in the official file: "062", "02A"
    rapport = RapportImport(departement=code_departement, dry_run=dry_run)

    lecteur, entete = _lire_lignes(_lire_texte(fichier_texte_ou_chemin))

    # 1. Read and check every line before touching the database.
    retenues = {}  # uai -> (line number, values)
    fermees = set()  # UAIs the file lists as closed ("FERME")
    fin_precedente = lecteur.line_num
    try:
        for ligne_brute in lecteur:
            if limite is not None and rapport.lignes_lues >= limite:
                break
            # A record may span several physical lines (a quoted field with a line break, or an unbalanced
            # quote that swallows the next lines): report it with the number of its first line.
            numero, fin, fin_precedente = fin_precedente + 1, lecteur.line_num, lecteur.line_num
            if not any(v.strip() for v in ligne_brute):
                continue  # blank line (often the last one)
            rapport.lignes_lues += 1
            uai = ligne_brute[0].strip().replace("\x00", "") if ligne_brute else ""
            if fin > numero and any("\n" in v or "\r" in v for v in ligne_brute):
                rapport.rejetees.append(
                    LigneRejetee(
                        numero,
                        uai,
                        f"guillemet non fermé : les lignes {numero} à {fin} ont été lues comme une seule ; "
                        "corrigez le guillemet et importez de nouveau le fichier",
                    )
                )
                continue
            if len(ligne_brute) != len(entete):
                rapport.rejetees.append(
                    LigneRejetee(numero, uai, f"{len(ligne_brute)} colonnes au lieu de {len(entete)}")
                )
                continue
            if any("\x00" in v for v in ligne_brute):
                rapport.rejetees.append(LigneRejetee(numero, uai, "caractère nul (\\0) dans la ligne"))
                continue
            ligne = dict(zip(entete, ligne_brute, strict=True))
            motif = _motif_ignore(ligne, cle_departement)
            if motif:
                rapport.ignorer(motif)
                if motif == "école non ouverte" and _sans_accents(ligne["etat"]) == "ferme":
                    fermees.add(normaliser_uai(ligne["identifiant_de_l_etablissement"]))
                continue
            uai_brut = normaliser_uai(ligne["identifiant_de_l_etablissement"])
            try:
                valeurs = _analyser(ligne, code_departement)
                if valeurs["uai"] in retenues:
                    raise _Rejet(f"UAI en double dans le fichier (déjà présent ligne {retenues[valeurs['uai']][0]})")
            except _Rejet as rejet:
                rapport.rejetees.append(LigneRejetee(numero, uai_brut, str(rejet)))
                continue
            retenues[valeurs["uai"]] = (numero, valeurs)
    except csv.Error:
        raise AnnuaireInvalide(
            f"Fichier CSV illisible ligne {fin_precedente + 1} : guillemet mal placé ou non fermé (un champ entre "
            "guillemets se termine par un guillemet suivi de « ; », les guillemets intérieurs sont doublés)."
        ) from None

    with transaction.atomic():
        _enregistrer(retenues, rapport)
        if fermees:
            # Known schools the file now lists as closed: flag them, never delete them (loans refer to them).
            rapport.fermees = Ecole.objects.filter(uai__in=fermees, ouverte=True).update(
                ouverte=False, date_maj_annuaire=timezone.now()
            )
        if dry_run:
            transaction.set_rollback(True)
    return rapport


def _enregistrer(retenues, rapport):
    maintenant = timezone.now()
    lignes = [valeurs for _numero, valeurs in retenues.values()]

    # 2. Circonscriptions and communes: first value seen in the file wins (deterministic, so idempotent).
    voulues_circ, voulues_communes = {}, {}
    for valeurs in lignes:
        voulues_circ.setdefault(valeurs["circonscription"]["code"], valeurs["circonscription"])
        voulues_communes.setdefault(valeurs["commune"]["code_insee"], valeurs["commune"])

    circonscriptions = _synchroniser(
        Circonscription, "code", voulues_circ, ["nom", "departement_code"], rapport, "circonscriptions"
    )
    communes = _synchroniser(Commune, "code_insee", voulues_communes, ["nom", "code_postal"], rapport, "communes")

    # 3. Schools, matched by UAI.
    existantes = {e.uai: e for e in Ecole.objects.filter(uai__in=[v["uai"] for v in lignes])}
    a_creer, a_modifier, champs_modifies = [], [], set()
    for valeurs in lignes:
        champs = dict(valeurs["ecole"])
        champs["circonscription_id"] = circonscriptions[valeurs["circonscription"]["code"]].pk
        champs["commune_id"] = communes[valeurs["commune"]["code_insee"]].pk
        ecole = existantes.get(valeurs["uai"])
        if ecole is None:
            a_creer.append(Ecole(uai=valeurs["uai"], date_maj_annuaire=maintenant, **champs))
            continue
        changes = _differences(ecole, champs)
        if changes:
            ecole.date_maj_annuaire = maintenant
            champs_modifies.update(changes)
            a_modifier.append(ecole)
        else:
            rapport.inchangees += 1
    Ecole.objects.bulk_create(a_creer, batch_size=TAILLE_LOT)
    if a_modifier:
        Ecole.objects.bulk_update(a_modifier, [*sorted(champs_modifies), "date_maj_annuaire"], batch_size=TAILLE_LOT)
    rapport.creees = len(a_creer)
    rapport.mises_a_jour = len(a_modifier)


def _synchroniser(modele, cle, voulues, champs, rapport, prefixe):
    """Create or update rows of `modele` keyed by `cle`; return {key: instance}. Constant query count."""
    existants = {getattr(o, cle): o for o in modele.objects.filter(**{f"{cle}__in": list(voulues)})}
    a_creer, a_modifier, champs_modifies = [], [], set()
    for valeur_cle, valeurs in voulues.items():
        valeurs = {nom: valeurs[nom] for nom in champs}
        objet = existants.get(valeur_cle)
        if objet is None:
            if modele is Circonscription and not valeurs["nom"]:
                valeurs["nom"] = f"Circonscription {valeur_cle}"
            a_creer.append(modele(**{cle: valeur_cle}, **valeurs))
            continue
        # An empty value in the file never blanks a known name or postal code.
        valeurs = {nom: valeur for nom, valeur in valeurs.items() if valeur}
        changes = _differences(objet, valeurs)
        if changes:
            champs_modifies.update(changes)
            a_modifier.append(objet)
    if a_creer:
        modele.objects.bulk_create(a_creer, batch_size=TAILLE_LOT)
        # Re-read rather than rely on the backend returning primary keys from bulk_create.
        existants.update(
            (getattr(o, cle), o) for o in modele.objects.filter(**{f"{cle}__in": [getattr(o, cle) for o in a_creer]})
        )
    if a_modifier:
        modele.objects.bulk_update(a_modifier, sorted(champs_modifies), batch_size=TAILLE_LOT)
    setattr(rapport, f"{prefixe}_creees", len(a_creer))
    setattr(rapport, f"{prefixe}_mises_a_jour", len(a_modifier))
    return existants
