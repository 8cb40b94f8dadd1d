"""A believable demo department with invented names (never a real person's name)."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from classes_mobiles.calendrier import CalendrierIndisponible, generer_periodes
from classes_mobiles.enums import ModePeriodes, Role, TypeEcole, Zone
from classes_mobiles.models import Campagne, Circonscription, Commune, DiagnosticEquipement, Ecole, Utilisateur
from classes_mobiles.uai import lettre_controle

MOT_DE_PASSE_DEMO = "Classes-Mobiles-2026"
DOMAINE = "demo.classes-mobiles.fr"

NOMS_CIRCONSCRIPTIONS = [
    "Val de Canche",
    "Plaine de la Lys",
    "Côte d'Opale Sud",
    "Collines de l'Artois",
    "Marais de l'Aa",
    "Bocage Boulonnais",
    "Haut Pays",
    "Vallée de la Ternoise",
    "Bassin minier Est",
    "Bassin minier Ouest",
    "Terres de l'Authie",
    "Pays de la Hem",
]
RACINES_COMMUNES = [
    "Beaurival",
    "Fontenelle",
    "Hautmarais",
    "Saint-Aubert",
    "Verlinghem",
    "Mont-Sorel",
    "Clairbois",
    "Rivecourt",
    "Haverbecq",
    "Noirval",
    "Esquelmont",
    "Pierrecourt",
    "Longuesaule",
    "Warlincourt",
    "Bellefosse",
]
SUFFIXES_COMMUNES = ["", "-sur-Canche", "-en-Artois", "-les-Prés", "-le-Vieil", "-la-Haute", "-sur-Lys", "-Plage"]
PATRONYMES_ECOLES = [
    "Les Tilleuls",
    "Jean-Jaurès",
    "Les Hirondelles",
    "Le Petit Prince",
    "Jules-Ferry",
    "Les Coquelicots",
    "Marie-Curie",
    "La Fontaine",
    "Les Oyats",
    "Pasteur",
    "Victor-Hugo",
    "Les Marronniers",
    "Louise-Michel",
    "Le Moulin",
    "Les Dunes",
    "Condorcet",
]

COMPTES = [
    (Role.ENSEIGNANT, "enseignant", "Léa", "Morvan"),
    (Role.DIRECTEUR, "directeur", "Bastien", "Carrel"),
    (Role.IEN, "ien", "Hélène", "Vasseur-Dumont"),
    (Role.ERUN, "erun", "Yanis", "Lefebvre-Oudart"),
    (Role.CPD, "cpd", "Nadia", "Brunel"),
    (Role.COMMISSION, "commission", "Olivier", "Sarrazin"),
    (Role.DASEN, "dasen", "Agnès", "Delcroix"),
    (Role.DSI, "dsi", "Thomas", "Guérard"),
    (Role.ADMIN, "admin", "Inès", "Fabre"),
]


def _uai(numero):
    sept = f"{numero:07d}"
    return sept + lettre_controle(sept)


def annee_scolaire_courante(aujourd_hui=None):
    aujourd_hui = aujourd_hui or timezone.localdate()
    debut = aujourd_hui.year if aujourd_hui.month >= 8 else aujourd_hui.year - 1
    return f"{debut}-{debut + 1}"


@transaction.atomic
def creer_departement(nb_circonscriptions=4, nb_ecoles=40, nb_campagnes=1, graine=62, sortie=print):
    """Create the demo department (idempotent: an existing department is kept as it is)."""
    rng = random.Random(graine)
    if Ecole.objects.exists():
        sortie("Données de démonstration déjà présentes : rien n'est recréé.")
    else:
        _creer_territoire(rng, nb_circonscriptions, nb_ecoles, sortie)
    _creer_campagnes(nb_campagnes, sortie)
    comptes = _creer_comptes()
    from candidatures.demo import creer_candidatures_demo

    creer_candidatures_demo(Campagne.objects.courante(), sortie)
    return comptes


def _creer_territoire(rng, nb_circonscriptions, nb_ecoles, sortie):
    circonscriptions = []
    for i in range(nb_circonscriptions):
        nom = NOMS_CIRCONSCRIPTIONS[i % len(NOMS_CIRCONSCRIPTIONS)]
        if i >= len(NOMS_CIRCONSCRIPTIONS):
            nom = f"{nom} {i // len(NOMS_CIRCONSCRIPTIONS) + 1}"
        circonscriptions.append(Circonscription(code=_uai(620800 + i), nom=nom, departement_code="062"))
    Circonscription.objects.bulk_create(circonscriptions)

    nb_communes = max(nb_circonscriptions * 3, nb_ecoles // 3)
    communes = []
    for i in range(nb_communes):
        racine = RACINES_COMMUNES[i % len(RACINES_COMMUNES)]
        suffixe = SUFFIXES_COMMUNES[(i // len(RACINES_COMMUNES)) % len(SUFFIXES_COMMUNES)]
        nom = f"{racine}{suffixe}"
        if i >= len(RACINES_COMMUNES) * len(SUFFIXES_COMMUNES):
            nom = f"{nom} {i}"
        communes.append(Commune(code_insee=f"62{i + 1:03d}", nom=nom, code_postal=f"62{(i * 7) % 1000:03d}"))
    Commune.objects.bulk_create(communes)

    ecoles = []
    for i in range(nb_ecoles):
        commune = communes[i % nb_communes]
        circo = circonscriptions[(i % nb_communes) * nb_circonscriptions // nb_communes]
        type_ecole = rng.choice([TypeEcole.ELEMENTAIRE, TypeEcole.PRIMAIRE, TypeEcole.MATERNELLE])
        patronyme = PATRONYMES_ECOLES[i % len(PATRONYMES_ECOLES)]
        ecoles.append(
            Ecole(
                uai=_uai(621000 + i),
                nom=f"{type_ecole.label} {patronyme}",
                type_ecole=type_ecole,
                circonscription=circo,
                commune=commune,
                adresse=f"{rng.randint(1, 120)} rue de l'École",
                code_postal=commune.code_postal,
                latitude=Decimal(f"{50.2 + rng.random() * 0.6:.6f}"),
                longitude=Decimal(f"{1.7 + rng.random() * 1.2:.6f}"),
                nb_classes=rng.randint(2, 14),
                date_maj_annuaire=timezone.now(),
            )
        )
    Ecole.objects.bulk_create(ecoles)
    ecoles = list(Ecole.objects.order_by("uai"))
    diagnostics = []
    for ecole in ecoles:
        nb = ecole.nb_classes
        diagnostics.append(
            DiagnosticEquipement(
                ecole=ecole,
                date_diagnostic=datetime.date(2026, 9, 15),
                classes_deux_prises=rng.randint(0, nb),
                classes_ordinateur=rng.randint(0, nb),
                classes_affichage_interactif=rng.randint(0, nb),
                classes_enceintes=rng.randint(0, nb),
                classes_visualiseur=rng.randint(0, nb // 2),
                classes_mobiles_possedees=rng.choice([0, 0, 0, 1]),
                micro_casques=rng.choice([0, 0, 12, 24]),
                wifi=rng.random() < 0.4,
                chariot_charge=rng.random() < 0.2,
                taux_validation_competences=rng.randint(35, 95),
            )
        )
    DiagnosticEquipement.objects.bulk_create(diagnostics)
    sortie(f"{len(circonscriptions)} circonscriptions, {len(communes)} communes, {len(ecoles)} écoles créées.")


def _creer_campagnes(nb_campagnes, sortie):
    courante = annee_scolaire_courante()
    debut_courant = int(courante[:4])
    for k in range(nb_campagnes):
        debut = debut_courant - k
        annee = f"{debut}-{debut + 1}"
        if Campagne.objects.filter(annee_scolaire=annee).exists():
            continue
        mode = ModePeriodes.SIX_SEMAINES if k % 2 == 0 else ModePeriodes.TRIMESTRES
        campagne = Campagne.objects.create(
            nom=f"Classes mobiles {annee}",
            annee_scolaire=annee,
            zone=Zone.B,
            mode_periodes=mode,
            date_ouverture_depot=datetime.date(debut, 9, 1),
            date_cloture_depot=datetime.date(debut + 1, 6, 30) if k == 0 else datetime.date(debut, 10, 15),
            active=k == 0,
        )
        try:
            periodes = generer_periodes(campagne)
            sortie(f"Campagne {annee} : {len(periodes)} périodes.")
        except CalendrierIndisponible as erreur:
            sortie(f"Campagne {annee} : périodes non générées ({erreur}).")


def _creer_comptes():
    ecole = Ecole.objects.order_by("uai").first()
    circo = ecole.circonscription if ecole else None
    comptes = []
    for role, identifiant, prenom, nom in COMPTES:
        email = f"{identifiant}@{DOMAINE}"
        user = Utilisateur.objects.filter(email=email).first() or Utilisateur(email=email)
        user.prenom, user.nom, user.role = prenom, nom, role
        user.ecole = ecole if role in (Role.ENSEIGNANT, Role.DIRECTEUR) else None
        user.circonscription = circo if role in (Role.IEN, Role.ERUN) else None
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.set_password(MOT_DE_PASSE_DEMO)
        user.save()
        comptes.append(user)
    return comptes
