"""The whole candidature journey in Chromium, from the teacher's project to the DASEN's decision.

Each actor signs in through the real login form, works only through the pages and buttons a user
would use, and signs out through the header. Every page met is audited with axe-core (WCAG 2.1 A
and AA) and no request may leave the server.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from candidatures.enums import Etat
from candidatures.models import Candidature
from classes_mobiles.tests import factories
from tests_navigateur.outils import se_connecter, verifier_accessibilite, verifier_aucune_requete_externe

pytestmark = pytest.mark.navigateur

TITRE = "Reporters numériques au CM1"
MOTIVATION_DASEN = "Projet solide, porté par une équipe motivée."
COMMENTAIRE_IEN = "Projet cohérent avec le projet de circonscription."
TEXTES = {
    "Motivation": "La classe veut publier un journal numérique de l'école.",
    "Objectifs et finalités du projet": "Écrire, illustrer et publier des articles.",
    "Inscription dans les programmes et le socle commun": "Domaine 1 : les langages pour penser et communiquer.",
    "Inscription dans le projet d'école, de circonscription et le projet académique": "Axe 2 du projet d'école.",
    "Cohérence avec les autres actions menées avec la classe": "Prolonge la correspondance scolaire.",
    "Apprentissages visés et culture numérique": "Recherche d'information, droit à l'image.",
    "Usages prévus du matériel": "Photos, prise de son, traitement de texte en ateliers.",
    "Précisions sur les conditions matérielles": "Armoire forte dans la salle informatique.",
}
DEBUT_PERIODES = datetime.date.today() + datetime.timedelta(days=60)
ETAPES = [
    "Soumettre au directeur",
    "Autoriser",
    "Avis de l'IEN : favorable",
    "Inscrire en commission",
    "Proposition de la commission : retenue (Période 2)",
    "Décision du DASEN : acceptée",
]


@pytest.fixture
def acteurs():
    circo = factories.CirconscriptionFactory(nom="Val de Canche")
    ecole = factories.EcoleFactory(nom="École élémentaire Les Tilleuls", circonscription=circo)
    factories.DiagnosticFactory(ecole=ecole)
    campagne = factories.CampagneFactory(nom="Classes mobiles 2025-2026")
    periodes = [
        factories.PeriodeFactory(
            campagne=campagne,
            numero=n,
            libelle=f"Période {n}",
            # Periods still to come whatever today's date: a started period cannot be wished.
            date_debut=DEBUT_PERIODES + datetime.timedelta(weeks=7 * (n - 1)),
            date_fin=DEBUT_PERIODES + datetime.timedelta(weeks=7 * (n - 1), days=39),
        )
        for n in (1, 2, 3)
    ]
    return {
        "ecole": ecole,
        "campagne": campagne,
        "periodes": periodes,
        "enseignant": factories.UtilisateurFactory(enseignant=True, prenom="Alice", nom="Martin", ecole=ecole),
        "directeur": factories.UtilisateurFactory(directeur=True, prenom="Bruno", nom="Durand", ecole=ecole),
        "ien": factories.UtilisateurFactory(ien=True, prenom="Claire", nom="Petit", circonscription=circo),
        "commission": factories.UtilisateurFactory(commission=True, prenom="David", nom="Roux"),
        "dasen": factories.UtilisateurFactory(dasen=True, prenom="Emma", nom="Leroy"),
    }


class Parcours:
    """The page plus the checks run at each step: every page visited is audited."""

    def __init__(self, page, live_server):
        self.page = page
        self.url = live_server.url
        self.pages_auditees = []

    def auditer(self, contexte):
        self.page.wait_for_load_state("load")
        verifier_accessibilite(self.page, contexte)
        self.pages_auditees.append(contexte)

    def titre(self):
        return self.page.get_by_role("heading", level=1).inner_text().strip()

    def connexion(self, user, qui):
        se_connecter(self.page, user.email, factories.MOT_DE_PASSE)
        self.page.wait_for_url(f"{self.url}/")
        assert self.titre() == f"Bonjour {user.prenom}"
        self.auditer(f"accueil ({qui})")

    def deconnexion(self, qui):
        self.page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()
        self.page.wait_for_url("**/connexion/")
        assert self.titre() == "Connexion"
        self.auditer(f"connexion après déconnexion ({qui})")

    def menu(self, libelle, motif_url, qui):
        self.page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=libelle, exact=True).click()
        self.page.wait_for_url(motif_url)
        self.auditer(f"{libelle} ({qui})")

    def cliquer(self, role, nom, motif_url, contexte, **options):
        self.page.get_by_role(role, name=nom, **options).click()
        self.page.wait_for_url(motif_url)
        self.auditer(contexte)

    def a_traiter(self, libelle, nombre, motif_url, qui):
        """The home page counts what waits for this actor; its tile leads to where it is done."""
        lien = self.page.locator("#a-traiter").get_by_role("link", name=f"{libelle} : {nombre} candidature")
        expect(lien).to_be_visible()
        lien.click()
        self.page.wait_for_url(motif_url)
        self.auditer(f"{libelle} depuis l'accueil ({qui})")

    def message(self, texte):
        expect(self.page.locator(".fr-alert").filter(has_text=texte)).to_be_visible()


def cocher(case):
    """Tick a DSFR checkbox or radio as a user does: by clicking its label (the input itself is drawn by it)."""
    case.page.locator(f'label[for="{case.get_attribute("id")}"]').click()
    expect(case).to_be_checked()


def _remplir_formulaire(page, periode):
    page.get_by_label("Titre du projet").fill(TITRE)
    cocher(page.get_by_role("group", name=re.compile("Niveau\\(x\\) de la classe")).get_by_label("CM1", exact=True))
    page.get_by_label("Nombre d'élèves").fill("24")
    for libelle, texte in TEXTES.items():
        page.get_by_label(libelle, exact=True).fill(texte)
    cocher(page.get_by_role("group", name=re.compile("Matériel souhaité")).get_by_label("Tablettes"))
    page.get_by_label("Période souhaitée n° 1", exact=True).select_option(label=str(periode))
    cocher(page.get_by_label("Lieu de stockage sécurisé avec alimentation électrique"))
    cocher(page.get_by_label("Accès à internet dans la classe"))


def _cocher_engagements(page):
    engagements = page.get_by_role("group", name="Les engagements").get_by_role("checkbox")
    expect(engagements).to_have_count(5)
    for i in range(5):
        cocher(engagements.nth(i))


def test_parcours_complet_de_la_candidature(page, live_server, requetes, acteurs):
    p = Parcours(page, live_server)
    periode_1, periode_2, _ = acteurs["periodes"]

    # 1. The teacher writes the project, saves a draft, then edits and submits it.
    p.connexion(acteurs["enseignant"], "enseignant")
    p.menu("Mes candidatures", "**/candidatures/mes-candidatures/", "enseignant")
    p.cliquer("link", "Nouvelle candidature", "**/candidatures/nouvelle/", "nouvelle candidature")
    assert p.titre() == "Nouvelle candidature"
    _remplir_formulaire(page, periode_1)
    p.cliquer("button", "Enregistrer le brouillon", re.compile(r"/candidatures/[0-9a-f-]{36}/$"), "brouillon")
    p.message("Brouillon enregistré.")
    assert p.titre() == TITRE
    candidature = Candidature.objects.get(titre=TITRE)
    assert candidature.etat == Etat.BROUILLON
    assert candidature.niveaux == ["CM1"]

    p.cliquer("link", "Modifier et soumettre", "**/modifier/", "modification du brouillon")
    assert p.titre() == "Modifier la candidature"
    expect(page.get_by_label("Titre du projet")).to_have_value(TITRE)
    expect(page.get_by_label("Période souhaitée n° 1", exact=True)).to_have_value(str(periode_1.pk))
    _cocher_engagements(page)
    p.cliquer(
        "button", "Enregistrer et soumettre au directeur", f"**{candidature.get_absolute_url()}", "candidature soumise"
    )
    p.message("Candidature soumise")
    expect(page.locator("main .fr-badge").first).to_have_text("Soumise au directeur")
    # The receipt: file number and date on the page, the project as filed as a PDF.
    candidature.refresh_from_db()
    recepisse = page.locator("#recepisse")
    expect(recepisse).to_contain_text(f"Dossier n° {candidature.numero}, déposé le")
    expect(recepisse.get_by_role("link", name=re.compile("Télécharger le document"))).to_be_visible()
    p.deconnexion("enseignant")

    # 2. The director of the school authorises it.
    p.connexion(acteurs["directeur"], "directeur")
    p.a_traiter("À autoriser", 1, "**/candidatures/a-autoriser/", "directeur")
    p.cliquer("link", TITRE, f"**{candidature.get_absolute_url()}", "candidature (directeur)")
    p.cliquer("button", "Autoriser la candidature", f"**{candidature.get_absolute_url()}", "candidature autorisée")
    p.message("c'est fait")
    expect(page.locator("main .fr-badge").first).to_have_text("Autorisée par le directeur")
    p.deconnexion("directeur")

    # 3. The IEN of the circonscription gives a favourable opinion.
    p.connexion(acteurs["ien"], "IEN")
    p.a_traiter("À examiner", 1, "**/candidatures/a-examiner/", "IEN")
    p.cliquer("link", TITRE, f"**{candidature.get_absolute_url()}", "candidature (IEN)")
    avis = page.get_by_role("group", name=re.compile("Avis de l'IEN"))
    cocher(avis.get_by_label("Favorable", exact=True))
    page.get_by_label("Commentaire", exact=True).fill(COMMENTAIRE_IEN)
    p.cliquer("button", "Enregistrer l'avis", f"**{candidature.get_absolute_url()}", "avis enregistré")
    p.message("c'est fait")
    expect(page.locator("main .fr-badge").first).to_have_text("Avis de l'IEN donné")
    p.deconnexion("IEN")

    # 4. A commission member creates a session, puts the candidature on its agenda, ranks and proposes it.
    p.connexion(acteurs["commission"], "commission")
    p.a_traiter("À inscrire en commission", 1, "**/candidatures/commission/", "commission")
    date_session = datetime.date.today() + datetime.timedelta(days=14)
    page.get_by_label("Date de la session").fill(date_session.isoformat())
    page.get_by_label("Lieu", exact=True).fill("DSDEN, salle 3")
    p.cliquer("button", "Créer la session", re.compile(r"/candidatures/commission/[0-9a-f-]{36}/$"), "session créée")
    p.message("Session créée.")
    assert p.titre() == f"Commission du {date_session:%d/%m/%Y}"
    url_session = page.url

    cocher(page.get_by_role("group", name="Candidatures ayant reçu l'avis de l'IEN").get_by_label(re.compile(TITRE)))
    p.cliquer("button", "Inscrire à l'ordre du jour", url_session, "candidature inscrite")
    p.message("1 candidature(s) inscrite(s) à l'ordre du jour.")
    page.get_by_label(f"Rang de « {TITRE} »").fill("1")
    page.get_by_label(f"Proposition pour « {TITRE} »").select_option(label="Retenue")
    page.get_by_label(f"Période proposée pour « {TITRE} »").select_option(label=str(periode_2))
    p.cliquer("button", "Enregistrer le classement", url_session, "classement enregistré")
    p.message("Classement enregistré ; rien n'est encore transmis au DASEN")
    expect(page.get_by_label(f"Rang de « {TITRE} »")).to_have_value("1")
    expect(page.get_by_label(f"Proposition pour « {TITRE} »")).to_have_value("retenue")
    p.cliquer("button", "Transmettre les propositions au DASEN", url_session, "propositions transmises")
    p.message("1 proposition(s) transmise(s) au DASEN.")
    p.deconnexion("commission")

    # 4 bis. The teacher does not learn the commission's proposal before the DASEN decides.
    p.connexion(acteurs["enseignant"], "enseignant, avant la décision")
    p.menu("Mes candidatures", "**/candidatures/mes-candidatures/", "enseignant, avant la décision")
    p.cliquer("link", TITRE, f"**{candidature.get_absolute_url()}", "candidature proposée (enseignant)")
    principal = page.get_by_role("main")
    expect(principal).not_to_contain_text("Retenue")
    expect(principal).not_to_contain_text("retenue")
    expect(principal).not_to_contain_text(periode_2.libelle)
    expect(page.locator("h2#historique + ol > li").nth(4)).to_contain_text(
        "Examen par la commission : proposition transmise au DASEN"
    )
    p.deconnexion("enseignant, avant la décision")

    # 5. The DASEN accepts the proposal, with a motivation.
    p.connexion(acteurs["dasen"], "DASEN")
    p.a_traiter("À décider", 1, "**/candidatures/commission/", "DASEN")
    p.cliquer("link", "propositions et décisions", f"{url_session}decisions/", "propositions (DASEN)")
    # The decision starts from the proposal (retenue → acceptée); the motivation is the candidature's own.
    expect(page.get_by_label(f"Décider « {TITRE} »")).to_be_checked()
    expect(page.get_by_label(f"Décision pour « {TITRE} »")).to_have_value("acceptee")
    page.get_by_label(f"Motivation pour « {TITRE} »").fill(MOTIVATION_DASEN)
    p.cliquer("button", "Enregistrer les décisions cochées", f"{url_session}decisions/", "décision enregistrée")
    p.message("1 décision(s) enregistrée(s)")
    expect(page.get_by_text("Aucune proposition en attente de décision.")).to_be_visible()
    p.deconnexion("DASEN")

    # 6. The teacher sees the decision, its motivation and every step of the journey.
    p.connexion(acteurs["enseignant"], "enseignant, après la décision")
    p.menu("Mes candidatures", "**/candidatures/mes-candidatures/", "enseignant, après la décision")
    expect(page.get_by_role("row", name=re.compile(TITRE))).to_contain_text("Acceptée")
    p.cliquer("link", TITRE, f"**{candidature.get_absolute_url()}", "candidature acceptée (enseignant)")
    expect(page.locator("main .fr-badge").first).to_have_text("Acceptée")
    decision = page.locator("#decision")
    expect(decision).to_contain_text("Acceptée")
    expect(decision).to_contain_text(MOTIVATION_DASEN)
    expect(decision).to_contain_text(str(periode_2))
    historique = page.locator("h2#historique + ol > li")
    libelles = [li.locator("strong").inner_text().strip() for li in historique.all()]
    assert libelles == ETAPES
    expect(historique.nth(2)).to_contain_text(COMMENTAIRE_IEN)
    expect(historique.nth(5)).to_contain_text(MOTIVATION_DASEN)
    expect(page.get_by_role("link", name="Modifier et soumettre")).to_have_count(0)
    # The acceptance notice as a PDF.
    p.cliquer(
        "button", "Obtenir la notification de la décision (PDF)", re.compile(r"/documents/[0-9a-f-]{36}/$"),
        "notification de la décision",
    )  # fmt: skip
    expect(page.get_by_role("link", name=re.compile("Télécharger le document"))).to_be_visible()

    candidature.refresh_from_db()
    assert (candidature.etat, candidature.rang, candidature.periode_proposee) == (Etat.ACCEPTEE, 1, periode_2)
    assert len(p.pages_auditees) >= 25
    verifier_aucune_requete_externe(requetes, live_server)
