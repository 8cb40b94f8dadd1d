"""A believable demo department with invented names (never a real person's name)."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from classes_mobiles.calendrier import CalendrierIndisponible, calculer_periodes, generer_periodes
from classes_mobiles.enums import ModePeriodes, Role, TypeEcole, Zone
from classes_mobiles.models import (
    Campagne,
    Circonscription,
    Commune,
    DiagnosticEquipement,
    Ecole,
    Periode,
    Utilisateur,
)
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
    """The school year the demo campaign is about, on any day of the year.

    From March on, the next school year (its periods are all to come, as when schools prepare the next year);
    in January and February the current one (its last two periods are still to come). So a teacher of the demo
    can always wish a period that has not started yet.
    """
    aujourd_hui = aujourd_hui or timezone.localdate()
    debut = aujourd_hui.year if aujourd_hui.month >= 3 else aujourd_hui.year - 1
    return f"{debut}-{debut + 1}"


def fenetre_de_depot(annee, aujourd_hui=None):
    """The demo campaign's filing window: its usual dates (1 September – 30 June), widened to contain today."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    debut = int(annee[:4])
    ouverture = min(datetime.date(debut, 9, 1), aujourd_hui)
    cloture = max(datetime.date(debut + 1, 6, 30), aujourd_hui + datetime.timedelta(days=30))
    return ouverture, cloture


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
    """The current campaign (the only active one) and ``nb_campagnes - 1`` past ones; idempotent across years."""
    courante = annee_scolaire_courante()
    debut_courant = int(courante[:4])
    for k in range(nb_campagnes):
        debut = debut_courant - k
        annee = f"{debut}-{debut + 1}"
        campagne = Campagne.objects.filter(annee_scolaire=annee).order_by("pk").first()
        if campagne is None:
            ouverture, cloture = fenetre_de_depot(annee) if k == 0 else (
                datetime.date(debut, 9, 1), datetime.date(debut, 10, 15)
            )  # fmt: skip
            if k == 0:  # one campaign in progress (a database constraint): last year's is over
                Campagne.objects.filter(active=True).update(active=False)
            campagne = Campagne.objects.create(
                nom=f"Classes mobiles {annee}",
                annee_scolaire=annee,
                zone=Zone.B,
                mode_periodes=ModePeriodes.SIX_SEMAINES if k % 2 == 0 else ModePeriodes.TRIMESTRES,
                date_ouverture_depot=ouverture,
                date_cloture_depot=cloture,
                active=k == 0,
            )
        elif k == 0 and not campagne.active:
            Campagne.objects.filter(active=True).update(active=False)
            Campagne.objects.filter(pk=campagne.pk).update(active=True)
        if campagne.periodes.exists():
            continue
        try:
            periodes = generer_periodes(campagne)
            sortie(f"Campagne {annee} : {len(periodes)} périodes.")
        except CalendrierIndisponible as erreur:
            sortie(f"Campagne {annee} : {erreur}")
            sortie(MESSAGE_CALENDRIER.format(annee=annee))
            repli = _periodes_de_repli(campagne)
            if repli:
                sortie(
                    f"  En attendant, {len(repli)} périodes de démonstration approximatives : calendrier "
                    f"{repli[0][0]} décalé d'autant de semaines entières (à remplacer par les dates officielles)."
                )


MESSAGE_CALENDRIER = (
    "  Le paquet vacances-scolaires-france ne connaît pas encore l'année {annee}. Importez le calendrier officiel "
    "(jeu de données « fr-en-calendrier-scolaire » de data.education.gouv.fr, export CSV) :\n"
    "    python manage.py importer_calendrier fr-en-calendrier-scolaire.csv --annee {annee}\n"
    "  puis, dans l'administration, l'action « Générer les périodes depuis le calendrier scolaire » sur la campagne."
)


def _periodes_de_repli(campagne, essais=6):
    """Documented fallback for a year beyond the known calendars: the last known year's periods, moved by whole
    weeks (52 per year, so each period still starts on the same weekday) and labelled as approximate.

    Returns ``[(source year, Periode…)]``-like pairs, empty when no earlier calendar is known either.
    """
    debut = int(campagne.annee_scolaire[:4])
    for recul in range(1, essais + 1):
        source = f"{debut - recul}-{debut - recul + 1}"
        try:
            calculees = calculer_periodes(source, campagne.zone, campagne.mode_periodes)
        except CalendrierIndisponible:
            continue
        decalage = datetime.timedelta(weeks=52 * recul)
        periodes = Periode.objects.bulk_create(
            Periode(
                campagne=campagne,
                numero=numero,
                libelle=f"{libelle} (dates approximatives)",
                date_debut=date_debut + decalage,
                date_fin=date_fin + decalage,
            )  # fmt: skip
            for numero, (libelle, date_debut, date_fin) in enumerate(calculees, start=1)
        )
        return [(source, p) for p in periodes]
    return []


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
