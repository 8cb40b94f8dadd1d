import pytest
from django.core.exceptions import ValidationError

from classes_mobiles.models import Ecole
from classes_mobiles.tests.factories import CirconscriptionFactory, CommuneFactory
from classes_mobiles.uai import lettre_controle, uai_est_valide, valider_uai


@pytest.mark.parametrize(
    "code",
    [
        "0620001P",  # Pas-de-Calais (metropolitan)
        "0750001U",  # Paris
        "6200001G",  # Corse-du-Sud (620…)
        "7200001N",  # Haute-Corse (720…)
        "9710001Z",  # Guadeloupe (97…)
        "9740001H",  # La Réunion
        "0620001p",  # lower case is normalised
    ],
)
def test_uai_valides(code):
    valider_uai(code)
    assert uai_est_valide(code)


@pytest.mark.parametrize("code", ["0620001A", "6200001A", "9710001A", "0750001V"])
def test_lettre_de_controle_fausse_refusee_avec_la_lettre_attendue(code):
    with pytest.raises(ValidationError) as erreur:
        valider_uai(code)
    attendue = lettre_controle(code[:7])
    assert f"devrait être « {attendue} »" in erreur.value.messages[0]
    assert not uai_est_valide(code)


@pytest.mark.parametrize("code", ["", "062001P", "06200012P", "A620001P", "0620001", "0620001I"])
def test_format_invalide(code):
    with pytest.raises(ValidationError, match="7 chiffres suivis d'une lettre|lettre de contrôle"):
        valider_uai(code)


def test_lettres_i_o_q_exclues_de_l_alphabet():
    lettres = {lettre_controle(f"{n:07d}") for n in range(23)}
    assert len(lettres) == 23 and not lettres & {"I", "O", "Q"}


@pytest.mark.django_db
def test_le_modele_ecole_refuse_un_uai_faux():
    ecole = Ecole(uai="0620001A", nom="École test", circonscription=CirconscriptionFactory(), commune=CommuneFactory())
    with pytest.raises(ValidationError) as erreur:
        ecole.full_clean()
    assert "uai" in erreur.value.message_dict
