import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from candidatures.enums import Avis, Decision, Etat, Materiel, Proposition
from candidatures.models import Candidature, SessionCommission, VoeuPeriode
from classes_mobiles.enums import Role
from classes_mobiles.tests.factories import CampagneFactory, PeriodeFactory, UtilisateurFactory


class SessionCommissionFactory(DjangoModelFactory):
    class Meta:
        model = SessionCommission

    campagne = factory.SubFactory(CampagneFactory)
    date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=14))
    lieu = "DSDEN, salle du conseil"


class CandidatureFactory(DjangoModelFactory):
    """A complete project (ready to submit) in the draft state; the traits move it along the workflow.

    The teacher's school is the candidature's school; a period of the campaign is wished (``voeux``), pass
    ``voeux=[p1, p2]`` to choose them or ``voeux=[]`` for none.
    """

    class Meta:
        model = Candidature
        skip_postgeneration_save = True

    campagne = factory.SubFactory(CampagneFactory)
    enseignant = factory.SubFactory(UtilisateurFactory, role=Role.ENSEIGNANT)
    ecole = factory.LazyAttribute(lambda o: o.enseignant.ecole)
    etat = Etat.BROUILLON
    titre = factory.Sequence(lambda n: f"Projet numérique {n}")
    niveaux = factory.LazyFunction(lambda: ["CM1", "CM2"])
    nb_eleves = 24
    motivation = "Donner aux élèves une pratique régulière du numérique."
    objectifs = "Produire un journal de classe multimédia."
    inscription_programmes = "Domaine 2 du socle : les méthodes et outils pour apprendre."
    inscription_projets = "Axe numérique du projet d'école."
    apprentissages = "Recherche d'informations, écriture collaborative."
    usages_prevus = "Ateliers hebdomadaires en demi-groupes."
    materiel = Materiel.TABLETTES
    stockage_securise = True
    acces_internet = True
    engagement_usage_securise = True
    engagement_formateurs = True
    engagement_parents = True
    engagement_bilan = True
    engagement_formation = True

    class Params:
        deposee = factory.Trait(date_depot=factory.LazyFunction(timezone.now))
        soumise = factory.Trait(deposee=True, etat=Etat.SOUMISE)
        autorisee = factory.Trait(deposee=True, etat=Etat.AUTORISEE)
        avis_donne = factory.Trait(
            deposee=True,
            etat=Etat.AVIS_DONNE,
            avis_ien=Avis.FAVORABLE,
            avis_commentaire="Projet solide, équipe motivée.",
        )
        inscrite = factory.Trait(
            avis_donne=True,
            etat=Etat.INSCRITE,
            session=factory.SubFactory(SessionCommissionFactory, campagne=factory.SelfAttribute("..campagne")),
        )
        proposee = factory.Trait(
            inscrite=True,
            etat=Etat.PROPOSEE,
            rang=factory.Sequence(lambda n: n + 1),
            proposition=Proposition.RETENUE,
            periode_proposee=factory.SubFactory(PeriodeFactory, campagne=factory.SelfAttribute("..campagne")),
        )
        acceptee = factory.Trait(
            proposee=True,
            etat=Etat.ACCEPTEE,
            decision=Decision.ACCEPTEE,
            motivation_decision="Projet retenu par la commission.",
        )

    @factory.post_generation
    def voeux(obj, create, extracted, **kwargs):
        if not create:
            return
        periodes = extracted
        if periodes is None:
            periodes = [obj.periode_proposee or PeriodeFactory(campagne=obj.campagne)]
        VoeuPeriode.objects.bulk_create(
            VoeuPeriode(candidature=obj, periode=periode, rang=rang) for rang, periode in enumerate(periodes, start=1)
        )
