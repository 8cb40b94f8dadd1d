import datetime

import factory
from factory.django import DjangoModelFactory

from classes_mobiles.enums import ModePeriodes, Role, Zone
from classes_mobiles.models import Campagne, Circonscription, Commune, DiagnosticEquipement, Ecole, Periode, Utilisateur
from classes_mobiles.uai import lettre_controle


def uai_depuis(numero):
    sept = f"{numero:07d}"
    return sept + lettre_controle(sept)


class CirconscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Circonscription

    code = factory.Sequence(lambda n: uai_depuis(620900 + n))
    nom = factory.Sequence(lambda n: f"Circonscription {n}")
    departement_code = "062"


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune

    # Five digits whatever the number of communes a test run creates (SQLite would not enforce max_length).
    code_insee = factory.Sequence(lambda n: f"{(62000 + n) % 100000:05d}")
    nom = factory.Sequence(lambda n: f"Commune {n}")
    code_postal = "62000"


class EcoleFactory(DjangoModelFactory):
    class Meta:
        model = Ecole

    uai = factory.Sequence(lambda n: uai_depuis(621000 + n))
    nom = factory.Sequence(lambda n: f"École {n}")
    circonscription = factory.SubFactory(CirconscriptionFactory)
    commune = factory.SubFactory(CommuneFactory)
    nb_classes = 6


class DiagnosticFactory(DjangoModelFactory):
    class Meta:
        model = DiagnosticEquipement

    ecole = factory.SubFactory(EcoleFactory)
    classes_deux_prises = 2
    classes_ordinateur = 3


MOT_DE_PASSE = "mot-de-passe-de-test-42"


class UtilisateurFactory(DjangoModelFactory):
    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@ac-exemple.fr")
    prenom = "Camille"
    nom = factory.Sequence(lambda n: f"Testeur{n}")
    role = Role.ENSEIGNANT
    ecole = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role in (Role.ENSEIGNANT, Role.DIRECTEUR)),
        factory.SubFactory(EcoleFactory),
        None,
    )
    circonscription = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role in (Role.IEN, Role.ERUN)),
        factory.SubFactory(CirconscriptionFactory),
        None,
    )
    password = factory.PostGenerationMethodCall("set_password", MOT_DE_PASSE)

    @factory.post_generation
    def enregistrer(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        enseignant = factory.Trait(role=Role.ENSEIGNANT)
        directeur = factory.Trait(role=Role.DIRECTEUR)
        ien = factory.Trait(role=Role.IEN)
        erun = factory.Trait(role=Role.ERUN)
        cpd = factory.Trait(role=Role.CPD)
        commission = factory.Trait(role=Role.COMMISSION)
        dasen = factory.Trait(role=Role.DASEN)
        dsi = factory.Trait(role=Role.DSI)
        admin = factory.Trait(role=Role.ADMIN, is_staff=True, is_superuser=True)


DANS_DEUX_MOIS = datetime.timedelta(days=60)


def annee_scolaire_de(jour):
    """« 2025-2026 » for any day from 1 September 2025 to 31 August 2026."""
    debut = jour.year if jour.month >= 9 else jour.year - 1
    return f"{debut}-{debut + 1}"


class CampagneFactory(DjangoModelFactory):
    class Meta:
        model = Campagne

    nom = factory.Sequence(lambda n: f"Campagne {n}")
    # The school year of the loans (in about two months), whatever today's date: the campaign is open now and
    # its periods (PeriodeFactory) are still to come.
    annee_scolaire = factory.LazyFunction(lambda: annee_scolaire_de(datetime.date.today() + DANS_DEUX_MOIS))
    zone = Zone.B
    mode_periodes = ModePeriodes.SIX_SEMAINES
    date_ouverture_depot = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=10))
    date_cloture_depot = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    # At most one campaign is in progress (a database constraint): the first one made is, later ones are not
    # unless asked (``active=True`` then requires the others to be inactive).
    active = factory.LazyFunction(lambda: not Campagne.objects.filter(active=True).exists())


class PeriodeFactory(DjangoModelFactory):
    class Meta:
        model = Periode

    campagne = factory.SubFactory(CampagneFactory)
    numero = factory.Sequence(lambda n: n + 1)
    libelle = factory.LazyAttribute(lambda o: f"Période {o.numero}")
    date_debut = factory.LazyFunction(lambda: datetime.date.today() + DANS_DEUX_MOIS)
    date_fin = factory.LazyAttribute(lambda o: o.date_debut + datetime.timedelta(days=40))
