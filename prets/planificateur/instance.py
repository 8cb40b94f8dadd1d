"""Lecture et contrôle d'une instance `classes-mobiles/instance@1` (voir FORMAT.md).

Toute incohérence lève `InstanceInvalide` avec un message en français qui nomme l'enregistrement fautif :
la commande `planifier` l'affiche tel quel, sans trace d'exécution.
"""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

FORMAT_INSTANCE = "classes-mobiles/instance@1"
FORMAT_AFFECTATION = "classes-mobiles/assignment@1"
TYPES_KIT = ("tablet", "laptop")
LIBELLES_TYPE = {"tablet": "tablettes", "laptop": "ordinateurs portables"}
RAYON_TERRE_KM = 6371.0088  # same constant as the shared validator


class InstanceInvalide(ValueError):
    """Fichier d'instance illisible ou incohérent (message en français)."""


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * RAYON_TERRE_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass
class Instance:
    """Index d'une instance contrôlée ; `donnees` garde le JSON d'origine."""

    donnees: dict
    nom: str
    periodes: list  # ids in period order
    rang_periode: dict  # period id -> 0-based order
    depots: dict  # depot id -> (lat, lon)
    ecoles: dict  # school id -> record
    kits: dict  # kit id -> record
    candidatures: list  # records, file order
    poids: dict  # rank (int) -> weight in percent
    rang_max: int
    restreint: bool
    planchers: dict  # circonscription id -> floor
    circonscriptions: dict = field(default_factory=dict)

    def bassin(self, departement):
        """Pool of kits a candidature of this department may use."""
        return departement if self.restreint else "*"

    def poids_option(self, cand, periode):
        """Integer objective coefficient: priority x preference weight (percent), as the validator computes it."""
        rang = int(cand["periods"][periode])
        return int(cand["priority"]) * self.poids[min(rang, self.rang_max)]

    def plafond(self, ecole_id):
        return int(self.ecoles[ecole_id].get("max_kits_per_period", 1))


def lire_instance(chemin):
    """Read and check an instance file; raise InstanceInvalide with a French message."""
    chemin = Path(chemin)
    try:
        texte = chemin.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstanceInvalide(f"Fichier d'instance introuvable : {chemin}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InstanceInvalide(f"Fichier d'instance illisible ({chemin}) : {exc}") from None
    try:
        donnees = json.loads(texte)
    except json.JSONDecodeError as exc:
        raise InstanceInvalide(
            f"Le fichier {chemin.name} n'est pas du JSON valide (ligne {exc.lineno}, colonne {exc.colno})."
        ) from None
    return controler_instance(donnees)


def _exiger(cond, message):
    if not cond:
        raise InstanceInvalide(message)


def _liste(donnees, cle):
    valeur = donnees.get(cle)
    _exiger(isinstance(valeur, list), f"Clé « {cle} » absente ou qui n'est pas une liste.")
    for i, rec in enumerate(valeur):
        _exiger(isinstance(rec, dict), f"« {cle} » : l'élément n° {i + 1} n'est pas un objet.")
    return valeur


def _champs(rec, cle, noms):
    ident = rec.get("id", "?")
    for nom in noms:
        _exiger(nom in rec, f"« {cle} » {ident} : champ « {nom} » manquant.")


def _coordonnees(rec, cle):
    try:
        lat, lon = float(rec["lat"]), float(rec["lon"])
    except (KeyError, TypeError, ValueError):
        raise InstanceInvalide(
            f"« {cle} » {rec.get('id', '?')} : coordonnées lat/lon absentes ou non numériques."
        ) from None
    _exiger(
        -90 <= lat <= 90 and -180 <= lon <= 180 and math.isfinite(lat) and math.isfinite(lon),
        f"« {cle} » {rec.get('id', '?')} : coordonnées hors bornes ({lat}, {lon}).",
    )
    return lat, lon


def _uniques(liste, cle):
    vus = {}
    for rec in liste:
        _exiger("id" in rec, f"« {cle} » : un élément n'a pas d'identifiant « id ».")
        _exiger(rec["id"] not in vus, f"« {cle} » : identifiant {rec['id']} en double.")
        vus[rec["id"]] = rec
    return vus


def _entier(valeur, message, minimum=None, maximum=None):
    if isinstance(valeur, bool) or not isinstance(valeur, int | float) or int(valeur) != valeur:
        raise InstanceInvalide(message)
    valeur = int(valeur)
    _exiger(minimum is None or valeur >= minimum, message)
    _exiger(maximum is None or valeur <= maximum, message)
    return valeur


def controler_instance(donnees):
    """Check the structure and cross references of an instance dict; return an Instance."""
    _exiger(isinstance(donnees, dict), "Le fichier d'instance doit contenir un objet JSON.")
    fmt = donnees.get("format")
    _exiger(fmt == FORMAT_INSTANCE, f"Format non reconnu : « {fmt} » (attendu « {FORMAT_INSTANCE} »).")
    periodes = _liste(donnees, "periods")
    _exiger(periodes, "L'instance ne contient aucune période.")
    par_id = _uniques(periodes, "periods")
    ordre = sorted(par_id, key=lambda p: (par_id[p].get("order", 0), p))
    depots = {}
    departements = _uniques(_liste(donnees, "departments"), "departments")
    for dep in departements.values():
        for depot in dep.get("depots") or []:
            _exiger(isinstance(depot, dict) and "id" in depot, f"Département {dep['id']} : dépôt sans identifiant.")
            depots[depot["id"]] = _coordonnees(depot, "depots")
    circs = _uniques(_liste(donnees, "circonscriptions"), "circonscriptions")
    ecoles = _uniques(_liste(donnees, "schools"), "schools")
    for ecole in ecoles.values():
        _champs(ecole, "schools", ("lat", "lon"))
        _coordonnees(ecole, "schools")
        _entier(
            ecole.get("max_kits_per_period", 1),
            f"École {ecole['id']} : « max_kits_per_period » doit être un entier positif ou nul.",
            minimum=0,
        )
    kits = _uniques(_liste(donnees, "kits"), "kits")
    for kit in kits.values():
        _champs(kit, "kits", ("department", "type", "depot"))
        _exiger(
            kit["type"] in TYPES_KIT,
            f"Classe mobile {kit['id']} : type « {kit['type']} » inconnu (attendu : {', '.join(TYPES_KIT)}).",
        )
        _exiger(
            kit["department"] in departements, f"Classe mobile {kit['id']} : département {kit['department']} inconnu."
        )
        _exiger(kit["depot"] in depots, f"Classe mobile {kit['id']} : dépôt {kit['depot']} inconnu.")
    regles = donnees.get("rules")
    _exiger(isinstance(regles, dict), "Clé « rules » absente ou qui n'est pas un objet.")
    try:
        poids = {int(r): int(w) for r, w in regles["preference_weights"].items()}
    except (KeyError, AttributeError, TypeError, ValueError):
        raise InstanceInvalide("« rules.preference_weights » absent ou mal formé (rang → poids entier).") from None
    _exiger(poids and min(poids) >= 1, "« rules.preference_weights » : les rangs commencent à 1.")
    equite = regles.get("fairness") or {}
    _exiger(isinstance(equite, dict), "« rules.fairness » doit être un objet.")
    planchers = {}
    for circ, n in (equite.get("floors") or {}).items():
        _exiger(circ in circs, f"Plancher d'équité pour une circonscription inconnue : {circ}.")
        planchers[circ] = _entier(n, f"Plancher de la circonscription {circ} : entier positif attendu.", minimum=0)
    transport = regles.get("transport") or {}
    _exiger(
        transport.get("metric", "haversine_km") == "haversine_km"
        and transport.get("start", "depot") == "depot"
        and transport.get("end", "depot") == "depot"
        and transport.get("idle", "stay") == "stay",
        "« rules.transport » : seul le modèle haversine_km, départ et retour au dépôt, immobile si inactive, est pris en charge.",
    )
    candidatures = _liste(donnees, "candidatures")
    _uniques(candidatures, "candidatures")
    for cand in candidatures:
        ident = cand["id"]
        _champs(cand, "candidatures", ("school", "circonscription", "department", "priority", "periods"))
        _exiger(cand["school"] in ecoles, f"Candidature {ident} : école {cand['school']} inconnue.")
        _exiger(
            cand["circonscription"] in circs,
            f"Candidature {ident} : circonscription {cand['circonscription']} inconnue.",
        )
        _exiger(cand["department"] in departements, f"Candidature {ident} : département {cand['department']} inconnu.")
        _entier(cand["priority"], f"Candidature {ident} : priorité entière de 1 à 100 attendue.", 1, 100)
        _exiger(isinstance(cand["periods"], dict), f"Candidature {ident} : « periods » doit associer période → rang.")
        for periode, rang in cand["periods"].items():
            _exiger(periode in par_id, f"Candidature {ident} : période {periode} inconnue.")
            _entier(rang, f"Candidature {ident} : rang de la période {periode} entier ≥ 1 attendu.", minimum=1)
        _exiger(
            cand.get("kit_type") in (None, *TYPES_KIT),
            f"Candidature {ident} : type de classe mobile « {cand.get('kit_type')} » inconnu.",
        )
    return Instance(
        donnees=donnees,
        nom=str(donnees.get("name", "")),
        periodes=ordre,
        rang_periode={p: i for i, p in enumerate(ordre)},
        depots=depots,
        ecoles=ecoles,
        kits=kits,
        candidatures=candidatures,
        poids=poids,
        rang_max=max(poids),
        restreint=bool(regles.get("kit_department_restricted", True)),
        planchers=planchers,
        circonscriptions=circs,
    )
