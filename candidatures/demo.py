"""Demo candidatures at every step of the chain (invented people, no pupil data)."""

import datetime

from django.db import transaction
from django.utils import timezone

from classes_mobiles.enums import Role
from classes_mobiles.models import Ecole, Utilisateur

from . import workflow
from .enums import Avis, Decision, Niveau, Proposition
from .models import Candidature, SessionCommission, VoeuPeriode

PROJETS = [
    ("Reporters numériques du quartier", [Niveau.CM1, Niveau.CM2], "autorisee"),
    ("Programmer un robot au CP", [Niveau.CP], "soumise"),
    ("Carnet de lecture sonore", [Niveau.CE1, Niveau.CE2], "avis_donne"),
    ("Cartographie de notre commune", [Niveau.CM2], "proposee"),
    ("Album photo des saisons", [Niveau.GS], "acceptee"),
    ("Journal de l'école en ligne", [Niveau.CE2, Niveau.CM1], "brouillon"),
]
PRENOMS = ["Maëlle", "Romain", "Sofiane", "Claire", "Julien", "Anaïs"]
NOMS = ["Duquesnoy", "Lemaire-Roux", "Benali", "Haudecoeur", "Prévost", "Tellier"]


@transaction.atomic
def creer_candidatures_demo(campagne, sortie=print):
    if campagne is None or Candidature.objects.filter(campagne=campagne).exists():
        return
    # Only periods still to come can be wished (see annee_scolaire_courante: there always are some).
    periodes = list(campagne.periodes.filter(date_debut__gt=timezone.localdate()).order_by("date_debut"))
    ien = Utilisateur.objects.filter(role=Role.IEN).first()
    commission = Utilisateur.objects.filter(role=Role.COMMISSION).first()
    dasen = Utilisateur.objects.filter(role=Role.DASEN).first()
    if not (periodes and ien and commission and dasen):
        return
    ecoles = list(Ecole.objects.filter(circonscription_id=ien.circonscription_id).order_by("uai")[1 : len(PROJETS) + 1])
    session = SessionCommission.objects.create(
        campagne=campagne, date=datetime.date(campagne.date_ouverture_depot.year, 12, 10), lieu="DSDEN, salle 2"
    )
    session.membres.add(commission)
    for i, ((titre, niveaux, etat_vise), ecole) in enumerate(zip(PROJETS, ecoles, strict=False)):
        # The accounts of an earlier year's demo are reused (run again in a later school year).
        enseignant = _compte(f"enseignant{i + 2}", Role.ENSEIGNANT, ecole, PRENOMS[i], NOMS[i])
        directeur = _compte(f"directeur{i + 2}", Role.DIRECTEUR, ecole, "Direction", ecole.nom[:90])
        c = Candidature.objects.create(
            campagne=campagne, ecole=ecole, enseignant=enseignant, titre=titre, niveaux=niveaux,
            nb_eleves=20 + i, motivation="Faire entrer le numérique dans les pratiques ordinaires de la classe.",
            objectifs="Produire, publier et présenter des travaux d'élèves.",
            inscription_programmes="Domaines 1 et 2 du socle commun ; éducation aux médias.",
            inscription_projets="Axe « numérique » du projet d'école.", apprentissages="Écrire, lire, coopérer.",
            usages_prevus="Ateliers en demi-groupe, deux séances par semaine.", stockage_securise=i != 2,
            acces_internet=True, engagement_usage_securise=True, engagement_formateurs=True,
            engagement_parents=True, engagement_bilan=True, engagement_formation=True,
        )  # fmt: skip
        VoeuPeriode.objects.create(candidature=c, periode=periodes[i % len(periodes)], rang=1)
        etapes = ["soumise", "autorisee", "avis_donne", "inscrite", "proposee", "acceptee"]
        if etat_vise == "brouillon":
            continue
        for etape in etapes[: etapes.index(etat_vise) + 1]:
            if etape == "soumise":
                workflow.appliquer("soumettre", c, enseignant)
            elif etape == "autorisee":
                workflow.appliquer("autoriser", c, directeur)
            elif etape == "avis_donne":
                workflow.appliquer("donner_avis", c, ien, commentaire="Projet solide et bien construit.",
                                   avis=Avis.FAVORABLE)  # fmt: skip
            elif etape == "inscrite":
                workflow.appliquer("inscrire", c, commission, session=session)
            elif etape == "proposee":
                workflow.appliquer("proposer", c, commission, proposition=Proposition.RETENUE,
                                   periode=periodes[i % len(periodes)], rang=i)  # fmt: skip
            elif etape == "acceptee":
                workflow.appliquer("decider", c, dasen, commentaire="Projet retenu par la commission.",
                                   decision=Decision.ACCEPTEE)  # fmt: skip
    sortie(f"{len(PROJETS)} candidatures de démonstration et une session de commission créées.")


def _compte(identifiant, role, ecole, prenom, nom):
    email = f"{identifiant}@demo.classes-mobiles.fr"
    user = Utilisateur.objects.filter(email=email).first()
    if user is None:
        return Utilisateur.objects.create_user(email, None, role=role, ecole=ecole, prenom=prenom, nom=nom)
    user.role, user.ecole, user.prenom, user.nom, user.is_active = role, ecole, prenom, nom, True
    user.save(update_fields=["role", "ecole", "prenom", "nom", "is_active"])
    return user
