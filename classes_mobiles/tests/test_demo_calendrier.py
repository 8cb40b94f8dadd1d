"""The demo on any day of the year: built relative to today, idempotent across school years (issue 11, point 10).

Dates are frozen by patching ``django.utils.timezone.now`` (``localdate`` and the models' auto dates read it), so
no extra dependency is needed.
"""

import datetime
import io
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from candidatures.enums import Etat
from candidatures.models import Candidature
from classes_mobiles.calendrier import vacances_du_paquet
from classes_mobiles.models import Campagne, Utilisateur

pytestmark = pytest.mark.django_db


def le(jour):
    """Freeze the clock at noon, Paris time, on ``jour``."""
    instant = datetime.datetime.combine(jour, datetime.time(12), tzinfo=ZoneInfo("Europe/Paris"))
    return mock.patch("django.utils.timezone.now", return_value=instant)


def demo(jour):
    sortie = io.StringIO()
    with le(jour):
        call_command("demo_data", stdout=sortie)
    return sortie.getvalue()


def verifier_demo_utilisable(jour):
    campagne = Campagne.objects.get(active=True)
    assert campagne.date_ouverture_depot <= jour <= campagne.date_cloture_depot  # filing open today
    etats = set(Candidature.objects.filter(campagne=campagne).values_list("etat", flat=True))
    assert {Etat.SOUMISE, Etat.AUTORISEE, Etat.AVIS_DONNE, Etat.PROPOSEE, Etat.ACCEPTEE} <= etats
    # Every wish is a period that had not started on the day the demo was built.
    for c in Candidature.objects.filter(campagne=campagne).prefetch_related("voeux__periode"):
        assert all(v.periode.date_debut > jour for v in c.voeux.all()), c.titre
    return campagne


@pytest.mark.parametrize(
    "jour",
    [
        datetime.date(2026, 7, 14),  # mid-July: last year's filing closed
        datetime.date(2026, 8, 15),  # mid-August: the next one not yet open
        datetime.date(2026, 1, 15),
        datetime.date(2026, 6, 29),
        datetime.date(2026, 10, 1),
    ],
)
def test_demo_a_toute_date(jour):
    sortie = demo(jour)
    campagne = verifier_demo_utilisable(jour)
    assert f"Campagne {campagne.annee_scolaire} : 5 périodes." in sortie
    demo(jour)  # idempotent
    assert Candidature.objects.count() == 6


def test_premiere_annee_au_dela_du_calendrier_connu():
    """2028-2029 is not in the bundled holiday data: a clear message, approximate periods, a usable demo."""
    assert vacances_du_paquet("2028-2029", "B") == []
    jour = datetime.date(2028, 9, 20)
    sortie = demo(jour)
    assert "Aucune donnée de vacances scolaires pour l'année 2028-2029 en zone B" in sortie
    assert "python manage.py importer_calendrier fr-en-calendrier-scolaire.csv --annee 2028-2029" in sortie
    assert "5 périodes de démonstration approximatives : calendrier 2027-2028 décalé" in sortie
    campagne = verifier_demo_utilisable(jour)
    libelles = list(campagne.periodes.values_list("libelle", "date_debut"))
    assert all(libelle.endswith("(dates approximatives)") for libelle, _ in libelles)
    assert all(debut.weekday() == 0 for _, debut in libelles[1:])  # after holidays, periods start on Monday


def test_relance_une_annee_scolaire_plus_tard():
    """Run again in a later school year: a new current campaign, the accounts reused, no error."""
    demo(datetime.date(2026, 1, 15))
    comptes = Utilisateur.objects.count()
    sortie = demo(datetime.date(2026, 11, 5))
    assert "Campagne 2026-2027 : 5 périodes." in sortie
    assert Utilisateur.objects.count() == comptes
    assert list(Campagne.objects.filter(active=True).values_list("annee_scolaire", flat=True)) == ["2026-2027"]
    verifier_demo_utilisable(datetime.date(2026, 11, 5))
    assert Candidature.objects.count() == 12
