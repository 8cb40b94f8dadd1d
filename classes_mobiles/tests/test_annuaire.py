import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, include, path, reverse

from classes_mobiles import urls as urls_projet
from classes_mobiles.admin_annuaire import urls_import_annuaire
from classes_mobiles.annuaire import COLONNES_REQUISES, AnnuaireInvalide, importer_annuaire
from classes_mobiles.enums import TypeEcole
from classes_mobiles.models import Circonscription, Commune, Ecole
from classes_mobiles.tests.factories import (
    CirconscriptionFactory,
    CommuneFactory,
    EcoleFactory,
    UtilisateurFactory,
    uai_depuis,
)

DONNEES = Path(__file__).resolve().parent.parent / "donnees"
EXEMPLE = DONNEES / "annuaire_exemple.csv"
CASSE = DONNEES / "annuaire_casse.csv"

# The project's URLs with the import page plugged into the admin as EcoleAdmin.get_urls will do it.
urlpatterns = [p for p in urls_projet.urlpatterns if str(p.pattern) != "admin/"] + [
    path(
        "admin/",
        (
            [path("classes_mobiles/ecole/", include(urls_import_annuaire(admin.site))), *admin.site.get_urls()],
            "admin",
            admin.site.name,
        ),
    )
]

pytestmark = pytest.mark.django_db

CHAMPS_COMPARES = [
    "uai",
    "nom",
    "type_ecole",
    "circonscription__code",
    "commune__code_insee",
    "adresse",
    "code_postal",
    "latitude",
    "longitude",
    "nb_classes",
    "ouverte",
    "date_maj_annuaire",
]


def etat_base():
    return (
        list(Ecole.objects.order_by("uai").values_list(*CHAMPS_COMPARES)),
        list(Circonscription.objects.order_by("code").values_list("code", "nom", "departement_code")),
        list(Commune.objects.order_by("code_insee").values_list("code_insee", "nom", "code_postal")),
    )


def ligne(numero, **valeurs):
    """One line of the official file for school number `numero` (kept by default)."""
    return {
        "identifiant_de_l_etablissement": uai_depuis(620000 + numero),
        "nom_etablissement": f"Ecole primaire numéro {numero}",
        "type_etablissement": "Ecole",
        "statut_public_prive": "Public",
        "adresse_1": f"{numero} rue de l'Exemple",
        "code_postal": "62000",
        "code_commune": f"62{numero % 7:03d}",
        "nom_commune": f"Commune {numero % 7}",
        "code_departement": "062",
        "code_circonscription": uai_depuis(622100 + numero % 3),
        "nom_circonscription": f"Circonscription {numero % 3}",
        "latitude": "50.291",
        "longitude": "2.7775",
        "etat": "OUVERT",
        "ecole_maternelle": "1",
        "ecole_elementaire": "1",
        "nombre_d_eleves": "120",
        "libelle_academie": "Lille",  # a column the import does not know
        **valeurs,
    }


def fichier(lignes):
    sortie = io.StringIO()
    ecrivain = csv.DictWriter(sortie, list(ligne(0)), delimiter=";", lineterminator="\n")
    ecrivain.writeheader()
    ecrivain.writerows(lignes)
    return sortie.getvalue()


# --- Sample file -------------------------------------------------------------------------------


def test_import_du_fichier_exemple():
    rapport = importer_annuaire(EXEMPLE)

    assert (rapport.lignes_lues, rapport.creees, rapport.mises_a_jour, rapport.inchangees) == (23, 17, 0, 0)
    assert (rapport.circonscriptions_creees, rapport.communes_creees) == (4, 8)
    assert Ecole.objects.count() == 17
    assert set(Circonscription.objects.values_list("departement_code", flat=True)) == {"062"}
    maternelle = Ecole.objects.get(nom="Ecole maternelle Les Hirondelles")
    assert maternelle.type_ecole == TypeEcole.MATERNELLE
    assert maternelle.commune.code_insee == "62041"
    assert maternelle.commune.code_postal == "62000"
    assert maternelle.circonscription.nom == "Circonscription d'Arras 1"
    assert maternelle.latitude == Decimal("50.295") and maternelle.longitude == Decimal("2.7775")
    assert maternelle.date_maj_annuaire is not None
    assert Ecole.objects.get(nom="Ecole élémentaire Les Boves").type_ecole == TypeEcole.ELEMENTAIRE
    assert Ecole.objects.get(nom="Ecole primaire du Beffroi").type_ecole == TypeEcole.PRIMAIRE
    sans_coordonnees = Ecole.objects.get(nom="Ecole primaire du Louvre-Lens")
    assert sans_coordonnees.latitude is None and sans_coordonnees.longitude is None


def test_second_import_ne_change_rien():
    importer_annuaire(EXEMPLE)
    avant = etat_base()

    rapport = importer_annuaire(EXEMPLE)

    assert etat_base() == avant
    assert (rapport.creees, rapport.mises_a_jour, rapport.inchangees) == (0, 0, 17)
    assert (rapport.circonscriptions_creees, rapport.circonscriptions_mises_a_jour) == (0, 0)
    assert (rapport.communes_creees, rapport.communes_mises_a_jour) == (0, 0)
    assert "17 inchangées" in str(rapport)


def test_lignes_ignorees_sans_erreur():
    rapport = importer_annuaire(EXEMPLE)

    assert rapport.ignorees == {
        "autre département": 1,
        "pas une école": 1,
        "école non ouverte": 1,
        "école privée": 1,
    }
    noms = set(Ecole.objects.values_list("nom", flat=True))
    assert not noms & {
        "Ecole primaire privée Sainte-Bernadette",
        "Ecole maternelle du Marais",
        "Ecole primaire de la Deûle",
        "Collège Les Quatre Vents",
    }


def test_lignes_rejetees_avec_leur_motif():
    rapport = importer_annuaire(EXEMPLE)

    assert [(r.numero, r.uai) for r in rapport.rejetees] == [(23, "0629022A"), (24, uai_depuis(629023))]
    assert "lettre de contrôle devrait être « V »" in rapport.rejetees[0].motif
    assert rapport.rejetees[1].motif == "nom de l'école manquant"
    assert not Ecole.objects.filter(uai__in=["0629022A", "0629022V", uai_depuis(629023)]).exists()


def test_autres_motifs_de_rejet():
    texte = fichier(
        [
            ligne(1, latitude="cinquante"),
            ligne(2, longitude="250"),
            ligne(3, code_circonscription=""),
            ligne(4, code_circonscription="0622100A"),
            ligne(5, code_commune=""),
            ligne(6, latitude=""),
            ligne(7, code_postal="6200"),
            ligne(8, identifiant_de_l_etablissement="062ABCD"),
            ligne(9),
            ligne(9, nom_etablissement="Doublon"),
        ]
    )

    rapport = importer_annuaire(texte)

    motifs = {r.numero: r.motif for r in rapport.rejetees}
    assert motifs[2] == "latitude invalide : « cinquante » n'est pas un nombre"
    assert motifs[3] == "longitude invalide : « 250 » est hors de [-180 ; 180]"
    assert motifs[4] == "circonscription manquante (colonne code_circonscription vide)"
    assert motifs[5].startswith("code de circonscription invalide : Le code UAI « 0622100A »")
    assert motifs[6] == "code INSEE de la commune manquant"
    assert motifs[7] == "coordonnées incomplètes : latitude et longitude vont ensemble"
    assert motifs[8] == "code postal invalide : « 6200 »"
    assert "n'est pas un code UAI" in motifs[9]
    assert motifs[11] == "UAI en double dans le fichier (déjà présent ligne 10)"
    assert rapport.creees == 1


def test_ligne_au_nombre_de_colonnes_incorrect_rejetee():
    texte = fichier([ligne(1), ligne(2)]) + "0620003X;Ecole tronquée\n"

    rapport = importer_annuaire(texte)

    assert rapport.creees == 2
    assert str(rapport.rejetees[0]).startswith("Ligne 4 (0620003X) : 2 colonnes au lieu de")


def test_caractere_nul_rejete_avec_sa_ligne():
    """PostgreSQL refuses NUL in text: the line is rejected with a French reason, the others are imported."""
    texte = fichier([ligne(1), ligne(2, nom_etablissement="Ecole\x00piégée"), ligne(3)])

    rapport = importer_annuaire(texte)

    assert rapport.creees == 2
    assert [str(r) for r in rapport.rejetees] == [f"Ligne 3 ({uai_depuis(620002)}) : caractère nul (\\0) dans la ligne"]


def test_guillemet_non_ferme_signale_avec_sa_ligne():
    """An opening quote never closed swallows the next lines: reported, never silently imported as one."""
    lignes = fichier([ligne(1), ligne(2), ligne(3), ligne(4)]).splitlines()
    lignes[2] = lignes[2].replace("Ecole primaire numéro 2", '"Ecole primaire numéro 2')
    texte = "\n".join(lignes) + "\n"

    with pytest.raises(AnnuaireInvalide, match=r"^Fichier CSV illisible ligne 3 : guillemet mal placé ou non fermé"):
        importer_annuaire(texte)
    assert not Ecole.objects.exists()


def test_guillemet_non_ferme_refermé_plus_loin_rejette_les_lignes_avalees():
    lignes = fichier([ligne(1), ligne(2), ligne(3), ligne(4)]).splitlines()
    lignes[2] = lignes[2].replace(";Ecole primaire numéro 2;", ';"Ecole primaire numéro 2;')
    lignes[3] = lignes[3].replace(";Ecole primaire numéro 3;", ';Ecole primaire numéro 3";')
    texte = "\n".join(lignes) + "\n"

    rapport = importer_annuaire(texte)

    assert rapport.creees == 2  # lines 2 and 5
    assert len(rapport.rejetees) == 1
    assert str(rapport.rejetees[0]).startswith(
        f"Ligne 3 ({uai_depuis(620002)}) : guillemet non fermé : les lignes 3 à 4 ont été lues comme une seule"
    )


# --- Malformed files: nothing imported ---------------------------------------------------------


def test_fichier_separe_par_des_virgules():
    with pytest.raises(AnnuaireInvalide, match="points-virgules.*séparé par des virgules"):
        importer_annuaire(CASSE)
    assert not Ecole.objects.exists() and not Commune.objects.exists()


def test_colonnes_obligatoires_absentes():
    texte = fichier([ligne(1)]).replace("code_circonscription", "circo").replace("etat", "statut")

    with pytest.raises(AnnuaireInvalide, match=r"Colonnes obligatoires absentes : code_circonscription, etat\."):
        importer_annuaire(texte)
    assert not Ecole.objects.exists()


def test_fichier_non_utf8():
    contenu = fichier([ligne(1, nom_etablissement="Ecole élémentaire")]).encode("latin-1")

    with pytest.raises(AnnuaireInvalide, match="n'est pas encodé en UTF-8"):
        importer_annuaire(contenu)
    assert not Ecole.objects.exists()


def test_fichier_vide_ou_introuvable():
    with pytest.raises(AnnuaireInvalide, match="vide"):
        importer_annuaire(b"")
    with pytest.raises(AnnuaireInvalide, match="introuvable"):
        importer_annuaire(DONNEES / "absent.csv")


def test_bom_et_entete_en_libelles_acceptes():
    """The site also exports labels as headers ("Identifiant_de_l_etablissement"), often with a BOM."""
    texte = fichier([ligne(1)])
    entete, reste = texte.split("\n", 1)
    contenu = ("\ufeff" + entete.title() + "\n" + reste).encode()

    rapport = importer_annuaire(contenu)

    assert rapport.creees == 1


# --- Filtering and updates ---------------------------------------------------------------------


@pytest.mark.parametrize("code", ["62", "062", " 62 "])
def test_departement_compare_sans_zeros(code):
    texte = fichier([ligne(1, code_departement="62"), ligne(2), ligne(3, code_departement="059")])

    rapport = importer_annuaire(texte, departement=code)

    assert rapport.creees == 2
    assert rapport.ignorees == {"autre département": 1}


def test_departement_par_defaut_depuis_les_reglages(settings):
    settings.DEPARTEMENT_CODE = "59"
    texte = fichier([ligne(1), ligne(2, code_departement="059")])

    rapport = importer_annuaire(texte)

    assert rapport.departement == "059"
    assert list(Ecole.objects.values_list("uai", flat=True)) == [uai_depuis(620002)]
    assert Circonscription.objects.get().departement_code == "059"


def test_mise_a_jour_d_un_nom_change():
    lignes = [ligne(1), ligne(2), ligne(3)]
    importer_annuaire(fichier(lignes))
    ecole = Ecole.objects.get(uai=uai_depuis(620002))
    ecole.nb_classes = 9  # entered by the school: the import leaves it alone
    ecole.save()
    date_avant = ecole.date_maj_annuaire
    lignes[1]["nom_etablissement"] = "Ecole primaire Simone Veil"

    rapport = importer_annuaire(fichier(lignes))

    assert (rapport.creees, rapport.mises_a_jour, rapport.inchangees) == (0, 1, 2)
    ecole.refresh_from_db()
    assert ecole.nom == "Ecole primaire Simone Veil"
    assert ecole.nb_classes == 9
    assert ecole.date_maj_annuaire > date_avant
    assert Ecole.objects.count() == 3


def test_mise_a_jour_des_ecoles_existantes_rattachees_autrement():
    circonscription = CirconscriptionFactory(code=uai_depuis(622101), nom="Ancien nom")
    commune = CommuneFactory(code_insee="62001", nom="Ancienne commune", code_postal="")
    existante = EcoleFactory(
        uai=uai_depuis(620001),
        nom="Ancien nom",
        type_ecole=TypeEcole.MATERNELLE,
        circonscription=CirconscriptionFactory(code=uai_depuis(622999)),
        commune=CommuneFactory(code_insee="62999"),
    )

    rapport = importer_annuaire(fichier([ligne(1)]))

    assert (rapport.creees, rapport.mises_a_jour) == (0, 1)
    assert (rapport.circonscriptions_mises_a_jour, rapport.communes_mises_a_jour) == (1, 1)
    existante.refresh_from_db()
    assert existante.circonscription == circonscription and existante.commune == commune
    assert existante.type_ecole == TypeEcole.PRIMAIRE
    commune.refresh_from_db()
    assert (commune.nom, commune.code_postal) == ("Commune 1", "62000")


def test_ecole_connue_fermee_dans_l_annuaire():
    importer_annuaire(fichier([ligne(1), ligne(2)]))

    rapport = importer_annuaire(fichier([ligne(1), ligne(2, etat="FERME")]))

    assert rapport.fermees == 1
    assert not Ecole.objects.get(uai=uai_depuis(620002)).ouverte
    assert importer_annuaire(fichier([ligne(1), ligne(2, etat="FERME")])).fermees == 0


def test_simulation_n_enregistre_rien():
    rapport = importer_annuaire(EXEMPLE, dry_run=True)

    assert rapport.creees == 17
    assert "Simulation" in str(rapport)
    assert not Ecole.objects.exists() and not Circonscription.objects.exists() and not Commune.objects.exists()


def test_limite_du_nombre_de_lignes():
    rapport = importer_annuaire(EXEMPLE, limite=5)

    assert rapport.lignes_lues == 5
    assert Ecole.objects.count() == 5


def _requetes(texte):
    with CaptureQueriesContext(connection) as requetes:
        importer_annuaire(texte)
    return len(requetes)


def test_nombre_de_requetes_independant_du_nombre_de_lignes():
    """Within one batch (SQLite caps a bulk insert at 999 parameters, about 70 schools; PostgreSQL at 500 rows)."""
    petit = _requetes(fichier([ligne(n) for n in range(1, 31)]))
    Ecole.objects.all().delete()
    Circonscription.objects.all().delete()
    Commune.objects.all().delete()
    grand = fichier([ligne(n) for n in range(1, 61)])
    assert _requetes(grand) == petit
    # Second run on the same file: only the three prefetches (inside one savepoint).
    assert _requetes(grand) <= 5
    # Every line changed: still a constant number of queries.
    modifie = fichier([ligne(n, nom_etablissement=f"Ecole renommée {n}") for n in range(1, 61)])
    assert _requetes(modifie) <= 6


# --- Management command ------------------------------------------------------------------------


def test_commande_affiche_le_rapport():
    sortie = io.StringIO()

    call_command("importer_annuaire", str(EXEMPLE), stdout=sortie)

    texte = sortie.getvalue()
    assert "Écoles : 17 créées, 0 mises à jour, 0 inchangées." in texte
    assert "Lignes ignorées : 4" in texte
    assert "Ligne 23 (0629022A) : Le code UAI « 0629022A » est invalide" in texte
    assert f"Ligne 24 ({uai_depuis(629023)}) : nom de l'école manquant" in texte
    assert Ecole.objects.count() == 17


def test_commande_simulation_et_limite():
    sortie = io.StringIO()

    call_command("importer_annuaire", str(EXEMPLE), "--dry-run", "--limit", "3", "--departement", "62", stdout=sortie)

    assert "Simulation" in sortie.getvalue()
    assert "3 lignes lues" in sortie.getvalue()
    assert not Ecole.objects.exists()


def test_commande_fichier_casse():
    with pytest.raises(CommandError, match="rien n'a été enregistré.*points-virgules"):
        call_command("importer_annuaire", str(CASSE), stdout=io.StringIO())
    assert not Ecole.objects.exists()


# --- Admin page --------------------------------------------------------------------------------

URL_PAGE = "/admin/classes_mobiles/ecole/importer-annuaire/"


def _envoi(client, chemin, **donnees):
    fichier_envoye = SimpleUploadedFile(chemin.name, chemin.read_bytes(), content_type="text/csv")
    return client.post(URL_PAGE, {"fichier": fichier_envoye, **donnees})


@pytest.mark.urls(__name__)
def test_admin_import_par_un_superutilisateur(client):
    client.force_login(UtilisateurFactory(admin=True))
    assert reverse("admin:classes_mobiles_ecole_import_annuaire") == URL_PAGE

    page = client.get(URL_PAGE)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()

    reponse = _envoi(client, EXEMPLE)
    assert reponse.status_code == 302 and reponse.url == URL_PAGE
    assert Ecole.objects.count() == 17

    page = client.get(URL_PAGE)
    contenu = page.content.decode()
    assert "Rapport d'import" in contenu
    assert "Écoles : 17 créées, 0 mises à jour, 0 inchangées." in contenu
    assert "lettre de contrôle devrait être « V »" in contenu
    assert "Import terminé : 17 écoles créées" in contenu
    # The report is shown once.
    assert "Rapport d'import" not in client.get(URL_PAGE).content.decode()


@pytest.mark.urls(__name__)
def test_admin_simulation(client):
    client.force_login(UtilisateurFactory(admin=True))

    reponse = _envoi(client, EXEMPLE, dry_run="on")

    assert reponse.status_code == 302
    assert not Ecole.objects.exists()
    assert "Rapport de simulation" in client.get(URL_PAGE).content.decode()


@pytest.mark.urls(__name__)
def test_admin_fichier_casse(client):
    client.force_login(UtilisateurFactory(admin=True))

    reponse = _envoi(client, CASSE)

    assert reponse.status_code == 200
    assert "Import annulé, rien n&#x27;a été enregistré." in reponse.content.decode()
    assert not Ecole.objects.exists()


@pytest.mark.urls(__name__)
def test_admin_refuse_aux_non_membres_du_personnel(client):
    client.get(URL_PAGE)  # anonymous
    assert client.get(URL_PAGE).status_code == 302
    client.force_login(UtilisateurFactory(dsi=True))

    reponse = _envoi(client, EXEMPLE)

    assert reponse.status_code == 302 and "/admin/login/" in reponse.url
    assert not Ecole.objects.exists()


@pytest.mark.urls(__name__)
def test_admin_personnel_sans_droit_sur_les_ecoles(client):
    client.force_login(UtilisateurFactory(dsi=True, is_staff=True))

    assert client.get(URL_PAGE).status_code == 403
    assert _envoi(client, EXEMPLE).status_code == 403
    assert not Ecole.objects.exists()


def test_page_branchee_dans_l_admin_du_projet(client):
    """Turns green once EcoleAdmin.get_urls adds urls_import_annuaire (admin.py)."""
    try:
        url = reverse("admin:classes_mobiles_ecole_import_annuaire")
    except NoReverseMatch:
        pytest.skip("urls_import_annuaire pas encore ajouté dans EcoleAdmin.get_urls")
    client.force_login(UtilisateurFactory(admin=True))
    assert client.get(url).status_code == 200


def test_colonnes_requises_presentes_dans_l_exemple():
    entete = EXEMPLE.read_text(encoding="utf-8").split("\n", 1)[0].split(";")
    assert set(COLONNES_REQUISES) <= set(entete)
