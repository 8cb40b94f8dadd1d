"""Generated PDF documents: one row per version of a document identified by its ``cle``."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from classes_mobiles.enums import EtatDocument, TypeDocument
from classes_mobiles.fichiers import nom_stockage

# Shown for a job that made no progress for DOCUMENTS_DELAI_SANS_PROGRES (its worker died, its message was lost).
MESSAGE_BLOQUE = "La génération n'a pas abouti ; vous pouvez la relancer."


def chemin_document(instance, nom_fichier):
    """A random storage name: nothing of the title or the date (the download name is ``nom_fichier``)."""
    return nom_stockage(f"documents/{instance.type_document}", "application/pdf")


def limite_sans_progres(maintenant=None):
    """Rows waiting or in progress untouched since before this instant are stuck."""
    return (maintenant or timezone.now()) - timedelta(seconds=settings.DOCUMENTS_DELAI_SANS_PROGRES)


class DocumentQuerySet(models.QuerySet):
    def en_cours(self):
        """Waiting or being generated (stuck ones included: see ``bloques``)."""
        return self.filter(etat__in=[EtatDocument.EN_ATTENTE, EtatDocument.EN_COURS])

    def bloques(self, maintenant=None):
        """Waiting or in progress without any progress for DOCUMENTS_DELAI_SANS_PROGRES: considered failed."""
        return self.en_cours().filter(date_modification__lt=limite_sans_progres(maintenant))

    def versions(self, cle):
        """The distinct versions of a document, newest first (rows that duplicated an earlier content excluded)."""
        return self.filter(cle=cle, doublon_de__isnull=True).order_by("-version")


class Document(models.Model):
    """One version of a generated document.

    ``cle`` names the underlying object (``"pv_commission:<uuid de la session>"``); each new request makes a
    new ``version``. ``empreinte`` is the SHA-256 of the document's content (the rendered HTML without its
    generation metadata) and is printed on every page; ``empreinte_fichier`` is the SHA-256 of the PDF bytes.
    A version whose content equals the previous finished one points to it with ``doublon_de`` and shares
    its file (see ``classes_mobiles.documents.generer``).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cle = models.CharField("clé", max_length=200, db_index=True)
    type_document = models.CharField("type de document", max_length=40, choices=TypeDocument)
    version = models.PositiveIntegerField("version")
    etat = models.CharField("état", max_length=12, choices=EtatDocument, default=EtatDocument.EN_ATTENTE)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0, validators=[MaxValueValidator(100)])
    fichier = models.FileField("fichier", upload_to=chemin_document, max_length=300, blank=True)
    nom_fichier = models.CharField("nom du fichier téléchargé", max_length=200, blank=True)
    tentatives = models.PositiveSmallIntegerField("tentatives de génération", default=0)
    jeton = models.UUIDField("jeton du job qui génère", null=True, blank=True, editable=False)
    empreinte = models.CharField("empreinte du contenu (SHA-256)", max_length=64, blank=True)
    empreinte_fichier = models.CharField("empreinte du fichier (SHA-256)", max_length=64, blank=True)
    erreur = models.TextField("erreur", blank=True)
    doublon_de = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="doublons",
        verbose_name="contenu identique à",
    )
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="demandé par",
    )
    date_demande = models.DateTimeField("date de la demande", auto_now_add=True)
    date_generation = models.DateTimeField("date de génération", null=True, blank=True)
    date_modification = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["cle", "-version"]
        verbose_name = "document"
        verbose_name_plural = "documents"
        constraints = [
            models.UniqueConstraint(fields=["cle", "version"], name="document_version_unique"),
            models.CheckConstraint(name="document_progression", condition=Q(progression__lte=100)),
        ]

    def __str__(self):
        return f"{self.get_type_document_display()} — version {self.version}"

    def get_absolute_url(self):
        return reverse("documents:etat", args=[self.uuid])

    @property
    def termine(self):
        return self.etat == EtatDocument.TERMINE

    @property
    def bloque(self):
        """Waiting or in progress without progress for too long: shown as failed, and may be asked again."""
        return (
            self.etat in (EtatDocument.EN_ATTENTE, EtatDocument.EN_COURS)
            and self.date_modification is not None
            and self.date_modification < limite_sans_progres()
        )

    @property
    def en_cours(self):
        return self.etat in (EtatDocument.EN_ATTENTE, EtatDocument.EN_COURS) and not self.bloque

    @property
    def echoue(self):
        return self.etat == EtatDocument.ECHEC or self.bloque

    @property
    def etat_affiche(self):
        """The state the user sees: a stuck job is a failure."""
        return EtatDocument.ECHEC if self.bloque else EtatDocument(self.etat)

    @property
    def message_erreur(self):
        if self.bloque:
            return MESSAGE_BLOQUE
        return self.erreur or "La génération du document a échoué ; vous pouvez la relancer."

    @property
    def version_affichee(self):
        """The version whose content this row holds (itself, or the earlier one it duplicates)."""
        return self.doublon_de or self
