from django.db import models


class Etat(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    SOUMISE = "soumise", "Soumise au directeur"
    AUTORISEE = "autorisee", "Autorisée par le directeur"
    REFUSEE_DIRECTEUR = "refusee_directeur", "Refusée par le directeur"
    A_COMPLETER = "a_completer", "Renvoyée pour compléments"
    AVIS_DONNE = "avis_donne", "Avis de l'IEN donné"
    INSCRITE = "inscrite", "Inscrite en commission"
    PROPOSEE = "proposee", "Proposition de la commission"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"
    LISTE_ATTENTE = "liste_attente", "Sur liste d'attente"
    RETIREE = "retiree", "Retirée par l'enseignant"


class Avis(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVE = "reserve", "Réservé"
    DEFAVORABLE = "defavorable", "Défavorable"


class Proposition(models.TextChoices):
    RETENUE = "retenue", "Retenue"
    LISTE_ATTENTE = "liste_attente", "Liste d'attente"
    NON_RETENUE = "non_retenue", "Non retenue"


class Decision(models.TextChoices):
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"
    LISTE_ATTENTE = "liste_attente", "Liste d'attente"


class Niveau(models.TextChoices):
    TPS = "TPS", "Toute petite section"
    PS = "PS", "Petite section"
    MS = "MS", "Moyenne section"
    GS = "GS", "Grande section"
    CP = "CP", "CP"
    CE1 = "CE1", "CE1"
    CE2 = "CE2", "CE2"
    CM1 = "CM1", "CM1"
    CM2 = "CM2", "CM2"


NIVEAUX_MATERNELLE = (Niveau.TPS, Niveau.PS, Niveau.MS, Niveau.GS)
NIVEAUX_ELEMENTAIRE = (Niveau.CP, Niveau.CE1, Niveau.CE2, Niveau.CM1, Niveau.CM2)


class Materiel(models.TextChoices):
    TABLETTES = "tablettes", "Tablettes"
    PORTABLES = "portables", "Ordinateurs portables"
    INDIFFERENT = "indifferent", "Indifférent"
