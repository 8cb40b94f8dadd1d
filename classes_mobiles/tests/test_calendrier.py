import datetime
import io
import json
from pathlib import Path

import pytest
from django.contrib import messages
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from classes_mobiles.admin_actions import generer_periodes_action
from classes_mobiles.calendrier import (
    DESCRIPTION_RENTREE,
    CalendrierIndisponible,
    CalendrierInvalide,
    calculer_periodes,
    date_locale,
    generer_periodes,
    importer_calendrier,
    vacances_du_paquet,
)
from classes_mobiles.enums import ModePeriodes, Zone
from classes_mobiles.models import Periode, Vacances
from classes_mobiles.tests.factories import CampagneFactory

EXEMPLE = Path(__file__).resolve().parent.parent / "donnees" / "calendrier_scolaire_exemple.csv"
ENTETE = "description;population;start_date;end_date;location;zones;annee_scolaire"
J = datetime.date


def fichier(*lignes):
    return io.StringIO("\n".join(lignes) + "\n")


def instantane():
    return sorted(Vacances.objects.values_list("annee_scolaire", "zone", "description", "date_debut", "date_reprise"))


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        ("2025-10-17T22:00:00+00:00", J(2025, 10, 18)),  # summer time: Paris midnight is 22:00 UTC
        ("2025-11-02T23:00:00+00:00", J(2025, 11, 3)),  # winter time: 23:00 UTC
        ("2025-11-02T23:00:00Z", J(2025, 11, 3)),
        ("2025-11-03T00:00:00+01:00", J(2025, 11, 3)),
        ("2025-11-03T00:00:00", J(2025, 11, 3)),  # naive: already local
        ("2025-11-03", J(2025, 11, 3)),
    ],
)
def test_date_locale_convertit_l_instant_utc_en_date_de_paris(valeur, attendu):
    assert date_locale(valeur) == attendu


@pytest.mark.django_db
def test_import_de_l_exemple_puis_reimport_identique():
    rapport = importer_calendrier(EXEMPLE)
    # 2 years x 3 zones x (rentrée + 6 holidays), each read from two académies.
    assert rapport.crees == 42
    assert (rapport.mis_a_jour, rapport.inchanges) == (0, 0)
    assert rapport.regroupees == 42
    assert rapport.ignorees == {"dates des enseignants seulement": 12, "zone hors métropole (A, B, C)": 2}
    premier = instantane()

    deuxieme = importer_calendrier(EXEMPLE)
    assert (deuxieme.crees, deuxieme.mis_a_jour, deuxieme.inchanges) == (0, 0, 42)
    assert instantane() == premier

    toussaint = Vacances.objects.get(annee_scolaire="2025-2026", zone=Zone.B, description="Vacances de la Toussaint")
    assert (toussaint.date_debut, toussaint.date_reprise) == (J(2025, 10, 18), J(2025, 11, 3))
    ete = Vacances.objects.get(annee_scolaire="2025-2026", zone=Zone.B, description="Vacances d'Été")
    assert (ete.date_debut, ete.date_reprise) == (J(2026, 7, 4), None)
    rentree = Vacances.objects.get(annee_scolaire="2025-2026", zone=Zone.B, description=DESCRIPTION_RENTREE)
    assert rentree.date_debut == rentree.date_reprise == J(2025, 9, 1)


@pytest.mark.django_db
def test_import_met_a_jour_une_date_modifiee_et_filtre_l_annee():
    importer_calendrier(EXEMPLE)
    rapport = importer_calendrier(
        fichier(
            ENTETE,
            "Vacances de Noël;-;2025-12-18T23:00:00+00:00;2026-01-04T23:00:00+00:00;Lille;Zone B;2025-2026",
            "Vacances de Noël;-;2024-12-20T23:00:00+00:00;2025-01-05T23:00:00+00:00;Lille;Zone B;2024-2025",
        ),
        annee_scolaire="2025-2026",
    )
    assert (rapport.crees, rapport.mis_a_jour, rapport.inchanges) == (0, 1, 0)
    assert rapport.ignorees == {"autre année scolaire que 2025-2026": 1}
    noel = Vacances.objects.get(annee_scolaire="2025-2026", zone=Zone.B, description="Vacances de Noël")
    assert noel.date_debut == J(2025, 12, 19)


@pytest.mark.django_db
def test_import_json_de_l_api():
    enregistrements = {
        "results": [
            {
                "description": "Vacances de la Toussaint",
                "population": "-",
                "start_date": "2025-10-17T22:00:00+00:00",
                "end_date": "2025-11-02T23:00:00+00:00",
                "location": "Lille",
                "zones": "Zone B",
                "annee_scolaire": "2025-2026",
            }
        ]
    }
    rapport = importer_calendrier(io.StringIO(json.dumps(enregistrements)))
    assert rapport.crees == 1
    assert Vacances.objects.get().date_reprise == J(2025, 11, 3)


@pytest.mark.django_db
def test_fichier_sans_colonne_obligatoire_n_importe_rien():
    contenu = fichier(
        "description;population;end_date;location;zones;annee_scolaire",
        "Vacances de Noël;-;2026-01-04T23:00:00+00:00;Lille;Zone B;2025-2026",
    )
    with pytest.raises(CalendrierInvalide, match="Colonne\\(s\\) manquante\\(s\\) : start_date"):
        importer_calendrier(contenu)
    assert not Vacances.objects.exists()


@pytest.mark.django_db
def test_date_illisible_n_importe_rien_meme_les_lignes_valides():
    contenu = fichier(
        ENTETE,
        "Vacances de la Toussaint;-;2025-10-17T22:00:00+00:00;2025-11-02T23:00:00+00:00;Lille;Zone B;2025-2026",
        "Vacances de Noël;-;20/12/2025;2026-01-04T23:00:00+00:00;Lille;Zone B;2025-2026",
    )
    with pytest.raises(CalendrierInvalide, match="Ligne 3 : date de début illisible « 20/12/2025 »"):
        importer_calendrier(contenu)
    assert not Vacances.objects.exists()


@pytest.mark.django_db
def test_fin_avant_debut_est_refusee():
    contenu = fichier(
        ENTETE, "Vacances de Noël;-;2026-01-04T23:00:00+00:00;2025-12-19T23:00:00+00:00;Lille;Zone B;2025-2026"
    )
    with pytest.raises(CalendrierInvalide, match="la date de fin précède la date de début"):
        importer_calendrier(contenu)


def vacances_decoupantes(annee, zone):
    # The Pont de l'Ascension is a short break inside the last period, by design.
    return Vacances.objects.filter(annee_scolaire=annee, zone=zone).exclude(
        description__in=[DESCRIPTION_RENTREE, "Pont de l'Ascension"]
    )


def verifier_periodes(periodes, annee, zone):
    jours_de_vacances = []
    for vacances in vacances_decoupantes(annee, zone):
        fin = vacances.date_reprise or vacances.date_debut + datetime.timedelta(days=60)
        jours_de_vacances.append((vacances.date_debut, fin))
    for numero, (_libelle, debut, fin) in enumerate(periodes):
        assert debut.weekday() < 5 and fin.weekday() < 5
        assert debut <= fin
        if numero:
            assert periodes[numero - 1][2] < debut
        for premier_jour, reprise in jours_de_vacances:
            assert not (premier_jour <= debut < reprise), f"{debut} tombe pendant des vacances"
            assert not (premier_jour <= fin < reprise), f"{fin} tombe pendant des vacances"


@pytest.mark.django_db
def test_campagne_zone_b_2025_2026_en_six_semaines():
    importer_calendrier(EXEMPLE)
    campagne = CampagneFactory(annee_scolaire="2025-2026", zone=Zone.B, mode_periodes=ModePeriodes.SIX_SEMAINES)

    periodes = generer_periodes(campagne)

    calculees = [(p.libelle, p.date_debut, p.date_fin) for p in periodes]
    assert calculees == [
        ("Période 1 : rentrée – Toussaint", J(2025, 9, 1), J(2025, 10, 17)),
        ("Période 2 : Toussaint – Noël", J(2025, 11, 3), J(2025, 12, 19)),
        ("Période 3 : Noël – hiver", J(2026, 1, 5), J(2026, 2, 13)),
        ("Période 4 : hiver – printemps", J(2026, 3, 2), J(2026, 4, 10)),
        ("Période 5 : printemps – été", J(2026, 4, 27), J(2026, 7, 3)),
    ]
    verifier_periodes(calculees, "2025-2026", Zone.B)
    # No period contains a single day of holidays (besides the Ascension bridge).
    for _libelle, debut, fin in calculees:
        for vacances in vacances_decoupantes("2025-2026", Zone.B):
            assert fin < vacances.date_debut or (vacances.date_reprise and debut >= vacances.date_reprise)
    assert list(campagne.periodes.values_list("numero", flat=True)) == [1, 2, 3, 4, 5]


@pytest.mark.django_db
def test_trimestres_et_regeneration_remplace_les_periodes():
    importer_calendrier(EXEMPLE)
    campagne = CampagneFactory(annee_scolaire="2025-2026", zone=Zone.B, mode_periodes=ModePeriodes.SIX_SEMAINES)
    generer_periodes(campagne)
    campagne.mode_periodes = ModePeriodes.TRIMESTRES
    campagne.save()

    generer_periodes(campagne)

    assert list(campagne.periodes.values_list("libelle", "date_debut", "date_fin")) == [
        ("Trimestre 1 : rentrée – Noël", J(2025, 9, 1), J(2025, 12, 19)),
        ("Trimestre 2 : Noël – printemps", J(2026, 1, 5), J(2026, 4, 10)),
        ("Trimestre 3 : printemps – été", J(2026, 4, 27), J(2026, 7, 3)),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("zone", Zone.values)
@pytest.mark.parametrize("annee", ["2024-2025", "2025-2026"])
def test_toutes_les_zones_de_l_exemple(annee, zone):
    importer_calendrier(EXEMPLE)
    periodes = calculer_periodes(annee, zone, ModePeriodes.SIX_SEMAINES)
    assert len(periodes) == 5
    verifier_periodes(periodes, annee, zone)


@pytest.mark.django_db
def test_reprise_un_mardi_apres_le_lundi_de_paques():
    importer_calendrier(EXEMPLE)
    periodes = calculer_periodes("2024-2025", Zone.B, ModePeriodes.SIX_SEMAINES)
    assert periodes[0][1] == J(2024, 9, 2)
    assert periodes[4][1:] == (J(2025, 4, 22), J(2025, 7, 4))


@pytest.mark.django_db
def test_sans_import_les_vacances_viennent_du_paquet():
    periodes = calculer_periodes("2026-2027", Zone.A, ModePeriodes.SIX_SEMAINES)

    assert Vacances.objects.filter(annee_scolaire="2026-2027", zone=Zone.A).count() == 6
    assert periodes[0][1] == J(2026, 9, 1)  # Tuesday 1 September 2026, end of the previous summer
    assert len(periodes) == 5
    verifier_periodes(periodes, "2026-2027", Zone.A)


@pytest.mark.django_db
def test_annee_sans_donnees_leve_calendrier_indisponible():
    assert all(vacances_du_paquet("2031-2032", zone) == [] for zone in Zone.values)
    campagne = CampagneFactory(annee_scolaire="2031-2032", zone=Zone.B)

    with pytest.raises(CalendrierIndisponible) as erreur:
        generer_periodes(campagne)

    assert str(erreur.value) == (
        "Aucune donnée de vacances scolaires pour l'année 2031-2032 en zone B : "
        "importez le calendrier officiel avant de créer les périodes."
    )
    assert not Periode.objects.exists()
    assert not Vacances.objects.exists()


@pytest.mark.django_db
def test_calendrier_incomplet_est_signale():
    importer_calendrier(
        fichier(
            ENTETE,
            "Vacances de la Toussaint;-;2031-10-17T22:00:00+00:00;2031-11-02T23:00:00+00:00;Lille;Zone B;2031-2032",
        )
    )
    with pytest.raises(CalendrierIndisponible, match="il manque : Vacances de Noël, Vacances d'Hiver"):
        calculer_periodes("2031-2032", Zone.B, ModePeriodes.TRIMESTRES)


class FauxAdmin:
    def __init__(self):
        self.messages = []

    def message_user(self, request, message, level=messages.INFO):
        self.messages.append((level, message))


@pytest.mark.django_db
def test_action_admin():
    importer_calendrier(EXEMPLE)
    bonne = CampagneFactory(nom="Bonne", annee_scolaire="2025-2026", zone=Zone.B)
    CampagneFactory(nom="Future", annee_scolaire="2031-2032", zone=Zone.B)
    modeladmin = FauxAdmin()

    generer_periodes_action(modeladmin, RequestFactory().post("/"), bonne.__class__.objects.order_by("nom"))

    assert modeladmin.messages == [
        (messages.SUCCESS, "Bonne : 5 périodes générées, du 01/09/2025 au 03/07/2026."),
        (
            messages.ERROR,
            "Future : Aucune donnée de vacances scolaires pour l'année 2031-2032 en zone B : "
            "importez le calendrier officiel avant de créer les périodes.",
        ),
    ]


@pytest.mark.django_db
def test_commande_dry_run_et_paquet():
    sortie = io.StringIO()
    call_command("importer_calendrier", str(EXEMPLE), "--dry-run", stdout=sortie)
    assert "Simulation (rien n'a été enregistré)" in sortie.getvalue()
    assert "Vacances créées : 42" in sortie.getvalue()
    assert not Vacances.objects.exists()

    sortie = io.StringIO()
    call_command("importer_calendrier", "--depuis-paquet", "2026-2027", stdout=sortie)
    assert "Vacances créées : 18" in sortie.getvalue()

    with pytest.raises(CommandError, match="Rien n'a été importé. Colonne"):
        call_command("importer_calendrier", __file__)
