"""Accounts: the e-mail is the login; each account has one role and the territory of that role."""

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from classes_mobiles.enums import ROLES_CIRCONSCRIPTION, ROLES_DEPARTEMENT, ROLES_ECOLE, Role

from .territoire import _perimetre


class UtilisateurQuerySet(models.QuerySet):
    def visibles_par(self, user):
        niveau, ident = _perimetre(user)
        if niveau == "departement":
            return self
        if niveau == "circonscription":
            return self.filter(Q(circonscription_id=ident) | Q(ecole__circonscription_id=ident))
        if niveau == "ecole":
            return self.filter(ecole_id=ident)
        return self.none()


class UtilisateurManager(BaseUserManager.from_queryset(UtilisateurQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("role", Role.ADMIN)
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self.create_user(email, password, **extra)


class Utilisateur(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("adresse électronique", unique=True)
    prenom = models.CharField("prénom", max_length=100, blank=True)
    nom = models.CharField("nom", max_length=100, blank=True)
    role = models.CharField("rôle", max_length=12, choices=Role, default=Role.ENSEIGNANT)
    ecole = models.ForeignKey(
        "classes_mobiles.Ecole",
        verbose_name="école",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="personnels",
    )
    circonscription = models.ForeignKey(
        "classes_mobiles.Circonscription",
        verbose_name="circonscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="personnels",
    )
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration", default=False)
    date_joined = models.DateTimeField("date de création", default=timezone.now)

    objects = UtilisateurManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["nom", "prenom"]
        constraints = [
            models.CheckConstraint(
                name="utilisateur_role_ecole",
                condition=~Q(role__in=sorted(ROLES_ECOLE)) | Q(ecole__isnull=False),
                violation_error_message="Un enseignant ou un directeur doit être rattaché à une école.",
            ),
            models.CheckConstraint(
                name="utilisateur_role_circonscription",
                condition=~Q(role__in=sorted(ROLES_CIRCONSCRIPTION)) | Q(circonscription__isnull=False),
                violation_error_message="Un IEN ou un eRUN doit être rattaché à une circonscription.",
            ),
        ]

    def __str__(self):
        return self.nom_complet or self.email

    @property
    def nom_complet(self):
        return f"{self.prenom} {self.nom}".strip()

    def clean(self):
        super().clean()
        self.email = self.email.lower()
        # A role's territory is exactly one level: drop what does not belong to it.
        if self.role in ROLES_DEPARTEMENT:
            self.ecole = None
            self.circonscription = None
        elif self.role in ROLES_CIRCONSCRIPTION:
            self.ecole = None
        elif self.role in ROLES_ECOLE:
            self.circonscription = None

    @property
    def perimetre_libelle(self):
        niveau, _ = _perimetre(self)
        if niveau == "ecole":
            return str(self.ecole.nom)
        if niveau == "circonscription":
            return f"Circonscription {self.circonscription.nom}"
        if niveau == "departement":
            return "Département"
        return ""
