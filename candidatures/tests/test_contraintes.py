"""The database refuses what the rules forbid, whoever writes (a bug, a script, a manual edit)."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from candidatures import workflow
from candidatures.enums import Decision, Etat, Proposition
from candidatures.models import Candidature
from classes_mobiles.calendrier import PeriodesUtilisees, generer_periodes, importer_calendrier
from classes_mobiles.enums import ModePeriodes, Zone
from classes_mobiles.models import Campagne, Periode
from classes_mobiles.tests.factories import CampagneFactory, PeriodeFactory

from .factories import CandidatureFactory, SessionCommissionFactory

pytestmark = pytest.mark.django_db

EXEMPLE = Path(__file__).resolve().parents[2] / "classes_mobiles" / "donnees" / "calendrier_scolaire_exemple.csv"


def refuse(candidature, **champs):
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidature.objects.filter(pk=candidature.pk).update(**champs)


@pytest.mark.parametrize(
    "champs",
    [
        {"etat": "perdue"},
        {"avis_ien": "enthousiaste"},
        {"proposition": "peut-etre"},
        {"decision": "annulee"},
    ],
)
def test_valeurs_hors_des_choix(champs):
    refuse(CandidatureFactory(acceptee=True), **champs)


def test_decision_coherente_avec_l_etat():
    proposee, acceptee = CandidatureFactory(proposee=True), CandidatureFactory(acceptee=True)
    refuse(proposee, decision=Decision.ACCEPTEE)  # a decision before the DASEN decides
    refuse(acceptee, decision=Decision.REFUSEE)  # "acceptée" with a refusal
    refuse(acceptee, decision="")  # decided without a decision
    refuse(acceptee, proposition="")  # decided without a proposal


def test_rang_proposition_et_periode_avec_leur_session():
    inscrite = CandidatureFactory(inscrite=True)
    refuse(CandidatureFactory(avis_donne=True), rang=1)
    refuse(CandidatureFactory(avis_donne=True), session=inscrite.session)  # on an agenda before inscription
    refuse(inscrite, session=None)  # inscribed, on no agenda
    refuse(inscrite, proposition=Proposition.NON_RETENUE, periode_proposee=PeriodeFactory(campagne=inscrite.campagne))
    retiree = CandidatureFactory(proposee=True)
    refuse(retiree, etat=Etat.RETIREE)  # withdrawn but still on the agenda with its rank
    Candidature.objects.filter(pk=retiree.pk).update(
        etat=Etat.RETIREE, session=None, rang=None, proposition="", periode_proposee=None
    )


def test_une_seule_campagne_en_cours():
    courante = CampagneFactory()
    assert courante.active
    with pytest.raises(IntegrityError), transaction.atomic():
        CampagneFactory(active=True)
    # In the admin (model validation), a French message instead of a 500.
    autre = CampagneFactory.build(active=True)
    with pytest.raises(ValidationError) as erreur:
        autre.full_clean()
    assert "Une seule campagne peut être en cours" in str(erreur.value)
    courante.active = False
    courante.save()
    CampagneFactory(active=True)
    assert Campagne.objects.filter(active=True).count() == 1


def test_voeu_d_une_periode_d_une_autre_campagne_refuse():
    candidature = CandidatureFactory()
    etrangere = PeriodeFactory(libelle="Période d'ailleurs")
    with pytest.raises(workflow.TransitionImpossible) as erreur:
        workflow.enregistrer_voeux(candidature, [etrangere])
    assert erreur.value.message == "La période « Période d'ailleurs » n'appartient pas à la campagne de la candidature."
    assert [v.periode.campagne_id for v in candidature.voeux.all()] == [candidature.campagne_id]


def test_proposition_d_une_periode_d_une_autre_campagne_refusee():
    from classes_mobiles.tests.factories import UtilisateurFactory

    candidature = CandidatureFactory(inscrite=True)
    with pytest.raises(workflow.TransitionImpossible):
        workflow.appliquer(
            "proposer",
            candidature,
            UtilisateurFactory(commission=True),
            proposition=Proposition.RETENUE,
            periode=PeriodeFactory(),
        )


def test_une_periode_ne_change_pas_de_campagne_et_garde_ses_dates_une_fois_demandee():
    candidature = CandidatureFactory()
    periode = candidature.voeux.get().periode
    periode.campagne = CampagneFactory()
    with pytest.raises(ValidationError, match="ne change pas de campagne"):
        periode.full_clean()
    periode.refresh_from_db()
    periode.date_fin += datetime.timedelta(days=7)
    with pytest.raises(ValidationError, match="ses dates ne peuvent plus changer"):
        periode.full_clean()
    periode.refresh_from_db()
    periode.libelle = "Nouveau libellé"
    periode.full_clean()  # its label may change


def test_regenerer_refuse_de_deplacer_une_periode_demandee():
    importer_calendrier(EXEMPLE)
    campagne = CampagneFactory(annee_scolaire="2025-2026", zone=Zone.B, mode_periodes=ModePeriodes.SIX_SEMAINES)
    periodes = generer_periodes(campagne)
    CandidatureFactory(campagne=campagne, voeux=[periodes[0]])
    # Same calendar: nothing moves, regenerating is fine.
    generer_periodes(campagne)
    # Another cut of the year would move the wished period: refused, nothing changed.
    avant = list(Periode.objects.filter(campagne=campagne).values_list("numero", "date_debut", "date_fin"))
    campagne.mode_periodes = ModePeriodes.TRIMESTRES
    campagne.save()
    with pytest.raises(PeriodesUtilisees) as erreur:
        generer_periodes(campagne)
    assert str(erreur.value).startswith(
        f"Impossible de regénérer les périodes de « {campagne} » : des candidatures portent sur des périodes dont les "
        "dates changeraient (« Période 1 : rentrée – Toussaint » (01/09/2025 – 17/10/2025) deviendrait "
        "01/09/2025 – 19/12/2025)."
    )
    assert list(Periode.objects.filter(campagne=campagne).values_list("numero", "date_debut", "date_fin")) == avant


def test_regenerer_deplace_les_periodes_que_personne_n_a_choisies():
    importer_calendrier(EXEMPLE)
    campagne = CampagneFactory(annee_scolaire="2025-2026", zone=Zone.B, mode_periodes=ModePeriodes.TRIMESTRES)
    generer_periodes(campagne)
    campagne.mode_periodes = ModePeriodes.SIX_SEMAINES
    campagne.save()
    assert len(generer_periodes(campagne)) == 5


def test_session_supprimee_avec_son_ordre_du_jour_refusee():
    session = SessionCommissionFactory()
    CandidatureFactory(campagne=session.campagne, inscrite=True, session=session)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        session.delete()
