import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from classes_mobiles.champs import TexteLong
from classes_mobiles.enums import Role
from classes_mobiles.models import Campagne, Ecole, Periode
from classes_mobiles.models.territoire import _perimetre
from classes_mobiles.perms import est_admin

from .enums import Avis, Decision, Etat, Materiel, Proposition

ENGAGEMENTS = [
    ("engagement_usage_securise", "Je m'engage à un usage sécurisé du matériel."),
    ("engagement_formateurs", "J'accepte la présence éventuelle en classe des formateurs et des partenaires."),
    ("engagement_parents", "Je m'engage à présenter aux parents le travail réalisé en fin d'action."),
    ("engagement_bilan", "Je m'engage à rédiger le retour d'usage et le bilan pédagogique."),
    (
        "engagement_formation",
        "Je m'engage à suivre la formation technique avant le retrait de la classe mobile.",
    ),
]

# Project fields a draft may leave empty but a submission may not.
CHAMPS_OBLIGATOIRES_DEPOT = [
    "nb_eleves",
    "motivation",
    "objectifs",
    "inscription_programmes",
    "inscription_projets",
    "apprentissages",
    "usages_prevus",
]


class CandidatureQuerySet(models.QuerySet):
    def visibles_par(self, user):
        """What this user may see: own candidatures for a teacher, the school's for its director
        (drafts excepted), the circonscription's for IEN/eRUN, all filed ones for departmental roles."""
        niveau, ident = _perimetre(user)
        if niveau is None:
            return self.none()
        if user.role == Role.DSI and not est_admin(user):
            # The lender's technical service needs the accepted candidatures only (to prepare the loans).
            return self.filter(etat=Etat.ACCEPTEE)
        deposees = self.exclude(etat=Etat.BROUILLON)
        if niveau == "departement":
            return deposees
        if niveau == "circonscription":
            return deposees.filter(ecole__circonscription_id=ident)
        if user.role == Role.DIRECTEUR:
            return self.filter(Q(enseignant=user) | (Q(ecole_id=ident) & ~Q(etat=Etat.BROUILLON)))
        return self.filter(enseignant=user)


# Who takes part in the commission's work: its sessions, their agenda and minutes (which name refused projects,
# teachers and IEN opinions). Not the DSI: it sees accepted candidatures only, to prepare the loans.
ROLES_SESSIONS = frozenset({Role.COMMISSION, Role.CPD, Role.DASEN, Role.ADMIN})


class SessionQuerySet(models.QuerySet):
    def visibles_par(self, user):
        niveau, _ = _perimetre(user)
        if niveau == "departement" and (est_admin(user) or user.role in ROLES_SESSIONS):
            return self
        return self.none()


def bornes_campagne(campagne):
    """The dates a campaign spans: from the opening of its filing to the end of its school year (31 August)."""
    fin_annee = int(campagne.annee_scolaire[-4:])
    return campagne.date_ouverture_depot, datetime.date(fin_annee, 8, 31)


class SessionCommission(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campagne = models.ForeignKey(Campagne, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField("date de la session")
    lieu = models.CharField("lieu", max_length=200, blank=True)
    membres = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="membres", blank=True)
    membres_externes = TexteLong("autres membres", blank=True, help_text="Une personne par ligne (nom et qualité).")
    cloturee = models.BooleanField("propositions transmises au DASEN", default=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = "session de commission"
        verbose_name_plural = "sessions de commission"

    def __str__(self):
        return f"Commission du {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("candidatures:session_detail", args=[self.uuid])

    def clean(self):
        super().clean()
        if self.date and self.campagne_id:
            debut, fin = bornes_campagne(self.campagne)
            if not debut <= self.date <= fin:
                raise ValidationError(
                    {
                        "date": f"La session doit se tenir pendant la campagne « {self.campagne.nom} » : "
                        f"entre le {debut:%d/%m/%Y} et le {fin:%d/%m/%Y}."
                    }
                )


ETATS_DECIDES = [Etat.ACCEPTEE, Etat.REFUSEE, Etat.LISTE_ATTENTE]
ETATS_EN_SESSION = [Etat.INSCRITE, Etat.PROPOSEE, *ETATS_DECIDES]
ETATS_HORS_SESSION = [e for e in Etat.values if e not in ETATS_EN_SESSION]


def _dans(champ, choix, vide=False):
    """The field holds one of its choices (or is empty when ``vide``): the database refuses anything else."""
    return models.CheckConstraint(
        name=f"candidature_{champ}_valide", condition=Q(**{f"{champ}__in": [*choix, *([""] if vide else [])]})
    )


# What the workflow guarantees, refused by the database too (a bug, a script or a manual edit cannot break it).
CONTRAINTES_ETAT = [
    _dans("etat", Etat.values),
    _dans("avis_ien", Avis.values, vide=True),
    _dans("proposition", Proposition.values, vide=True),
    _dans("decision", Decision.values, vide=True),
    # A decision only in a decided state, and the one that state says (Decision and Etat share these values).
    models.CheckConstraint(
        name="candidature_decision_selon_etat",
        condition=Q(decision="", etat__in=[e for e in Etat.values if e not in ETATS_DECIDES])
        | Q(etat__in=ETATS_DECIDES, etat=F("decision")),
    ),
    # On an agenda from inscription on; never before, nor once withdrawn.
    models.CheckConstraint(
        name="candidature_session_selon_etat",
        condition=Q(etat__in=ETATS_HORS_SESSION, session__isnull=True)
        | Q(etat__in=[Etat.INSCRITE, Etat.PROPOSEE], session__isnull=False)
        | Q(etat__in=ETATS_DECIDES),
    ),
    # Rank and proposal belong to a session; a proposed period to a "retenue" proposal.
    models.CheckConstraint(
        name="candidature_rang_avec_session", condition=Q(rang__isnull=True) | Q(session__isnull=False)
    ),
    models.CheckConstraint(
        name="candidature_proposition_avec_session", condition=Q(proposition="") | Q(session__isnull=False)
    ),
    models.CheckConstraint(
        name="candidature_periode_si_retenue",
        condition=Q(periode_proposee__isnull=True) | Q(proposition=Proposition.RETENUE),
    ),
    # A proposal once transmitted, and in every decided state.
    models.CheckConstraint(
        name="candidature_proposition_transmise",
        condition=Q(etat__in=[Etat.PROPOSEE, *ETATS_DECIDES], proposition__in=Proposition.values)
        | Q(etat__in=[e for e in Etat.values if e not in (Etat.PROPOSEE, *ETATS_DECIDES)]),
    ),
]


class Candidature(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campagne = models.ForeignKey(Campagne, on_delete=models.PROTECT, related_name="candidatures")
    ecole = models.ForeignKey(Ecole, on_delete=models.PROTECT, related_name="candidatures")
    enseignant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="candidatures")
    etat = models.CharField("état", max_length=20, choices=Etat, default=Etat.BROUILLON, db_index=True)

    # The class
    titre = models.CharField("titre du projet", max_length=200)
    niveaux = models.JSONField("niveaux de la classe", default=list)
    nb_eleves = models.PositiveSmallIntegerField(
        "nombre d'élèves", null=True, validators=[MinValueValidator(1), MaxValueValidator(35)]
    )
    # The project
    motivation = TexteLong("motivation", blank=True)
    objectifs = TexteLong("objectifs et finalités du projet", blank=True)
    inscription_programmes = TexteLong("inscription dans les programmes et le socle commun", blank=True)
    inscription_projets = TexteLong(
        "inscription dans le projet d'école, de circonscription et le projet académique", blank=True
    )
    coherence_actions = TexteLong("cohérence avec les autres actions menées avec la classe", blank=True)
    apprentissages = TexteLong("apprentissages visés et culture numérique", blank=True)
    usages_prevus = TexteLong("usages prévus du matériel", blank=True)
    materiel = models.CharField("matériel souhaité", max_length=12, choices=Materiel, default=Materiel.INDIFFERENT)
    autre_dispositif = models.BooleanField(
        "la classe participe déjà à un autre dispositif partenarial avec intervenant", default=False
    )
    # Material conditions
    stockage_securise = models.BooleanField("lieu de stockage sécurisé avec alimentation électrique", default=False)
    acces_internet = models.BooleanField("accès à internet dans la classe", default=False)
    impression = models.BooleanField("possibilité d'impression", default=False)
    sauvegardes = models.BooleanField("possibilité de sauvegarde des productions", default=False)
    conditions_remarques = TexteLong("précisions sur les conditions matérielles", blank=True)
    # Commitments (all required to submit)
    engagement_usage_securise = models.BooleanField(ENGAGEMENTS[0][1], default=False)
    engagement_formateurs = models.BooleanField(ENGAGEMENTS[1][1], default=False)
    engagement_parents = models.BooleanField(ENGAGEMENTS[2][1], default=False)
    engagement_bilan = models.BooleanField(ENGAGEMENTS[3][1], default=False)
    engagement_formation = models.BooleanField(ENGAGEMENTS[4][1], default=False)

    # Instruction
    avis_ien = models.CharField("avis de l'IEN", max_length=12, choices=Avis, blank=True)
    avis_commentaire = TexteLong("commentaire de l'IEN", blank=True)
    session = models.ForeignKey(
        # PROTECT: a session with candidatures on its agenda is part of their history (rank, proposal, minutes).
        SessionCommission,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidatures",
    )
    rang = models.PositiveSmallIntegerField("rang en commission", null=True, blank=True)
    proposition = models.CharField("proposition de la commission", max_length=14, choices=Proposition, blank=True)
    periode_proposee = models.ForeignKey(
        Periode, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="période proposée"
    )
    decision = models.CharField("décision du DASEN", max_length=14, choices=Decision, blank=True)
    motivation_decision = TexteLong("motivation de la décision", blank=True)

    date_creation = models.DateTimeField(auto_now_add=True)
    date_modification = models.DateTimeField(auto_now=True)
    date_depot = models.DateTimeField("date de dépôt", null=True, blank=True)

    objects = CandidatureQuerySet.as_manager()

    class Meta:
        ordering = ["-date_creation"]
        constraints = [
            models.CheckConstraint(
                name="candidature_nb_eleves",
                condition=Q(nb_eleves__isnull=True) | Q(nb_eleves__gte=1, nb_eleves__lte=35),
            ),
            models.UniqueConstraint(
                fields=["session", "rang"], condition=Q(session__isnull=False, rang__isnull=False), name="rang_unique"
            ),
            *CONTRAINTES_ETAT,
        ]
        indexes = [models.Index(fields=["campagne", "etat"])]

    def __str__(self):
        return self.titre or f"Candidature {self.uuid}"

    def get_absolute_url(self):
        return reverse("candidatures:detail", args=[self.uuid])

    @property
    def numero(self):
        """The file number printed on receipts and notices, e.g. « 2025-0042 » (campaign year, then the id)."""
        return f"{self.campagne.annee_scolaire[:4]}-{self.pk:04d}" if self.pk else ""

    @property
    def niveaux_libelle(self):
        return ", ".join(self.niveaux)

    def champs_manquants(self):
        manquants = [n for n in ["titre", *CHAMPS_OBLIGATOIRES_DEPOT] if getattr(self, n) in (None, "")]
        if not self.niveaux:
            manquants.append("niveaux")
        return [str(self._meta.get_field(n).verbose_name) for n in manquants]

    def engagements_complets(self):
        return all(getattr(self, nom) for nom, _ in ENGAGEMENTS)


class VoeuPeriode(models.Model):
    candidature = models.ForeignKey(Candidature, on_delete=models.CASCADE, related_name="voeux")
    periode = models.ForeignKey(Periode, on_delete=models.PROTECT, related_name="+")
    rang = models.PositiveSmallIntegerField("rang")

    class Meta:
        ordering = ["candidature", "rang"]
        constraints = [
            models.UniqueConstraint(fields=["candidature", "rang"], name="voeu_rang_unique"),
            models.UniqueConstraint(fields=["candidature", "periode"], name="voeu_periode_unique"),
        ]

    def __str__(self):
        return f"Vœu {self.rang} : {self.periode}"


def chemin_piece_jointe(instance, nom_fichier):
    return f"candidatures/{instance.candidature.uuid}/{uuid.uuid4().hex}-{nom_fichier}"


class PieceJointe(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidature = models.ForeignKey(Candidature, on_delete=models.CASCADE, related_name="pieces_jointes")
    fichier = models.FileField(upload_to=chemin_piece_jointe)
    nom = models.CharField("nom du fichier", max_length=200)
    type_mime = models.CharField(max_length=100)
    taille = models.PositiveIntegerField()
    date_ajout = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date_ajout"]
        verbose_name = "pièce jointe"

    def __str__(self):
        return self.nom


class TransitionCandidature(models.Model):
    """The log of the workflow: who did what, when, from which state to which, with which comment."""

    candidature = models.ForeignKey(Candidature, on_delete=models.CASCADE, related_name="historique")
    transition = models.CharField(max_length=30)
    libelle = models.CharField(max_length=250)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateTimeField(auto_now_add=True)
    etat_avant = models.CharField(max_length=20, choices=Etat)
    etat_apres = models.CharField(max_length=20, choices=Etat)
    commentaire = TexteLong(blank=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.libelle} ({self.date:%d/%m/%Y %H:%M})"
