from django.db import models


class Role(models.TextChoices):
    ENSEIGNANT = "enseignant", "Enseignant ou enseignante"
    DIRECTEUR = "directeur", "Directeur ou directrice d'école"
    IEN = "ien", "Inspecteur ou inspectrice (IEN)"
    ERUN = "erun", "Enseignant référent aux usages du numérique (eRUN)"
    CPD = "cpd", "Conseiller pédagogique départemental (CPD)"
    COMMISSION = "commission", "Membre de la commission"
    DASEN = "dasen", "DASEN"
    DSI = "dsi", "Service informatique (DSI)"
    ADMIN = "admin", "Administrateur ou administratrice"


# Territorial scope of each role (DESIGN.md §2).
ROLES_ECOLE = frozenset({Role.ENSEIGNANT, Role.DIRECTEUR})
ROLES_CIRCONSCRIPTION = frozenset({Role.IEN, Role.ERUN})
ROLES_DEPARTEMENT = frozenset({Role.CPD, Role.COMMISSION, Role.DASEN, Role.DSI, Role.ADMIN})


class Zone(models.TextChoices):
    A = "A", "Zone A"
    B = "B", "Zone B"
    C = "C", "Zone C"


class ModePeriodes(models.TextChoices):
    TRIMESTRES = "trimestres", "Trimestres scolaires"
    SIX_SEMAINES = "six_semaines", "Périodes d'environ six semaines entre les vacances"


class TypeEcole(models.TextChoices):
    MATERNELLE = "maternelle", "École maternelle"
    ELEMENTAIRE = "elementaire", "École élémentaire"
    PRIMAIRE = "primaire", "École primaire"


class TypeDocument(models.TextChoices):
    """Kinds of generated PDF documents (each registers its generator in ``classes_mobiles.documents``)."""

    PV_COMMISSION = "pv_commission", "Procès-verbal de commission"
    PROJET_DEPOSE = "projet_depose", "Projet déposé (accusé de réception)"
    NOTIFICATION_DECISION = "notification_decision", "Notification de la décision"


class EtatDocument(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours de génération"
    TERMINE = "termine", "Terminé"
    ECHEC = "echec", "Échec"
