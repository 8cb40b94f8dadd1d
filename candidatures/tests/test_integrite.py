"""The chain's integrity when the ranking is saved, transmitted, decided in batches, and someone acts meanwhile."""

import pytest
from django.urls import reverse

from candidatures import workflow
from candidatures.enums import Decision, Etat, Proposition
from candidatures.forms import CandidatureForm
from candidatures.models import Candidature, TransitionCandidature
from candidatures.views import _enregistrer
from classes_mobiles.enums import Role
from classes_mobiles.perms import est_admin
from classes_mobiles.tests.factories import CampagneFactory, PeriodeFactory, UtilisateurFactory

from .factories import CandidatureFactory, SessionCommissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    campagne = CampagneFactory()
    return SessionCommissionFactory(campagne=campagne)


@pytest.fixture
def commission():
    return UtilisateurFactory(commission=True)


@pytest.fixture
def dasen():
    return UtilisateurFactory(dasen=True)


def inscrite(session, titre, **champs):
    return CandidatureFactory(campagne=session.campagne, inscrite=True, session=session, titre=titre, **champs)


def proposee(session, titre, rang, proposition=Proposition.RETENUE):
    periode = PeriodeFactory(campagne=session.campagne) if proposition == Proposition.RETENUE else None
    return CandidatureFactory(
        campagne=session.campagne, proposee=True, session=session, titre=titre, rang=rang,
        proposition=proposition, periode_proposee=periode, voeux=[periode] if periode else None,
    )  # fmt: skip


def ligne(c, rang="", proposition="", periode=""):
    p = str(c.uuid)
    return {f"{p}-rang": str(rang), f"{p}-proposition": proposition, f"{p}-periode": periode}


def poster_classement(client, session, lignes, action="enregistrer"):
    donnees = {"action": action, "lignes": [str(c.uuid) for c, _ in lignes]}
    for c, valeurs in lignes:
        donnees.update(ligne(c, **valeurs))
    return client.post(reverse("candidatures:session_proposer", args=[session.uuid]), donnees, follow=True)


def messages_de(reponse):
    return [str(m) for m in reponse.context["messages"]]


def etat_rang(c):
    c.refresh_from_db()
    return c.etat, c.rang, c.proposition, c.periode_proposee_id


# --- Point 3: save the ranking, then transmit ------------------------------------------------------------------


def test_enregistrer_sans_transmettre_puis_transmettre(client, session, commission):
    a, b = inscrite(session, "Atelier radio"), inscrite(session, "Blog de classe")
    periode = PeriodeFactory(campagne=session.campagne)
    client.force_login(commission)
    lignes = [
        (a, {"rang": 1, "proposition": Proposition.RETENUE, "periode": periode.pk}),
        (b, {"rang": 2, "proposition": Proposition.LISTE_ATTENTE}),
    ]
    reponse = poster_classement(client, session, lignes)
    assert reponse.status_code == 200
    assert messages_de(reponse) == [
        "Classement enregistré ; rien n'est encore transmis au DASEN (bouton « Transmettre »)."
    ]
    assert etat_rang(a) == (Etat.INSCRITE, 1, Proposition.RETENUE, periode.pk)
    assert etat_rang(b) == (Etat.INSCRITE, 2, Proposition.LISTE_ATTENTE, None)
    assert not TransitionCandidature.objects.exists()
    # The saved ranking is shown again on the page.
    page = reponse.content.decode()
    assert f'name="{a.uuid}-rang" value="1"' in page and f'name="{b.uuid}-rang" value="2"' in page

    reponse = poster_classement(client, session, lignes, action="transmettre")
    assert messages_de(reponse) == ["Classement enregistré ; 2 proposition(s) transmise(s) au DASEN."]
    assert etat_rang(a) == (Etat.PROPOSEE, 1, Proposition.RETENUE, periode.pk)
    assert etat_rang(b) == (Etat.PROPOSEE, 2, Proposition.LISTE_ATTENTE, None)
    assert TransitionCandidature.objects.filter(transition="proposer").count() == 2


def test_transmettre_laisse_a_l_ordre_du_jour_les_lignes_sans_proposition(client, session, commission):
    a, b = inscrite(session, "Atelier radio"), inscrite(session, "Blog de classe")
    client.force_login(commission)
    reponse = poster_classement(
        client, session, [(a, {"rang": 1, "proposition": Proposition.NON_RETENUE}), (b, {"rang": 2})], "transmettre"
    )
    assert messages_de(reponse) == [
        "Classement enregistré ; 1 proposition(s) transmise(s) au DASEN ; 1 candidature ignorée : "
        "« Blog de classe » n'a pas de proposition : elle reste à l'ordre du jour."
    ]
    assert etat_rang(a)[0] == Etat.PROPOSEE
    assert etat_rang(b) == (Etat.INSCRITE, 2, "", None)


def test_la_decision_part_de_la_proposition_avec_une_motivation_par_candidature(client, session, dasen):
    retenue = proposee(session, "Atelier radio", 1)
    attente = proposee(session, "Blog de classe", 2, Proposition.LISTE_ATTENTE)
    non = proposee(session, "Carnet de sciences", 3, Proposition.NON_RETENUE)
    client.force_login(dasen)
    adresse = reverse("candidatures:decisions", args=[session.uuid])
    reponse = client.get(adresse)
    formulaires = dict(reponse.context["lignes"])
    assert {c.titre: formulaires[c]["decision"].value() for c in formulaires} == {
        "Atelier radio": Decision.ACCEPTEE,
        "Blog de classe": Decision.LISTE_ATTENTE,
        "Carnet de sciences": Decision.REFUSEE,
    }
    donnees = {"candidatures": [str(c.uuid) for c in (retenue, attente, non)], "commentaire": "Selon le classement."}
    for c, decision in ((retenue, "acceptee"), (attente, "liste_attente"), (non, "refusee")):
        donnees[f"{c.uuid}-decision"] = decision
    donnees[f"{non.uuid}-motivation"] = "Projet déjà équipé par la commune."
    reponse = client.post(reverse("candidatures:decider_plusieurs", args=[session.uuid]), donnees, follow=True)
    assert messages_de(reponse) == ["3 décision(s) enregistrée(s) ; les enseignants sont prévenus."]
    motivations = dict(Candidature.objects.values_list("titre", "motivation_decision"))
    assert motivations == {
        "Atelier radio": "Selon le classement.",
        "Blog de classe": "Selon le classement.",
        "Carnet de sciences": "Projet déjà équipé par la commune.",
    }
    assert dict(Candidature.objects.values_list("titre", "etat")) == {
        "Atelier radio": Etat.ACCEPTEE,
        "Blog de classe": Etat.LISTE_ATTENTE,
        "Carnet de sciences": Etat.REFUSEE,
    }


def test_decision_sans_motivation_garde_la_saisie(client, session, dasen):
    a, b = proposee(session, "Atelier radio", 1), proposee(session, "Blog de classe", 2)
    client.force_login(dasen)
    donnees = {
        "candidatures": [str(a.uuid), str(b.uuid)],
        f"{a.uuid}-decision": "acceptee",
        f"{a.uuid}-motivation": "Très beau projet.",
        f"{b.uuid}-decision": "refusee",
    }
    reponse = client.post(reverse("candidatures:decider_plusieurs", args=[session.uuid]), donnees)
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "La motivation de la décision est obligatoire." in page
    assert "Très beau projet." in page  # nothing typed is lost
    assert set(Candidature.objects.values_list("etat", flat=True)) == {Etat.PROPOSEE}


# --- Point 8: ranks, withdrawals and batches when someone acts meanwhile ------------------------------------------


def test_rang_deja_attribue_erreur_francaise_sans_500(client, session, commission):
    """B is given the rank that A, already transmitted, holds: a French error, nothing saved."""
    proposee(session, "Atelier radio", 1)
    b = inscrite(session, "Blog de classe")
    client.force_login(commission)
    reponse = poster_classement(client, session, [(b, {"rang": 1, "proposition": Proposition.NON_RETENUE})])
    assert reponse.status_code == 200
    assert messages_de(reponse) == [
        "Le rang 1 de « Blog de classe » est déjà attribué à « Atelier radio ». "
        "Chaque rang ne peut être donné qu'une fois par session."
    ]
    assert etat_rang(b) == (Etat.INSCRITE, None, "", None)
    assert f'name="{b.uuid}-rang" value="1"' in reponse.content.decode()  # the typed ranking is shown again


def test_deux_fois_le_meme_rang_dans_le_classement(client, session, commission):
    a, b = inscrite(session, "Atelier radio"), inscrite(session, "Blog de classe")
    client.force_login(commission)
    reponse = poster_classement(client, session, [(a, {"rang": 3}), (b, {"rang": 3})])
    assert reponse.status_code == 200
    assert "est déjà attribué à « Atelier radio »" in messages_de(reponse)[0]
    assert etat_rang(a)[1] is None and etat_rang(b)[1] is None


def test_echanger_deux_rangs_en_un_enregistrement(client, session, commission):
    a, b = inscrite(session, "Atelier radio", rang=1), inscrite(session, "Blog de classe", rang=2)
    client.force_login(commission)
    reponse = poster_classement(client, session, [(a, {"rang": 2}), (b, {"rang": 1})])
    assert reponse.status_code == 200
    assert (etat_rang(a)[1], etat_rang(b)[1]) == (2, 1)


def test_le_retrait_libere_session_rang_proposition_et_periode(client, session, commission):
    a = proposee(session, "Atelier radio", 1)
    workflow.appliquer("retirer", a, a.enseignant)
    assert etat_rang(a) == (Etat.RETIREE, None, "", None)
    assert a.session_id is None
    # Off the agenda (and so out of the minutes), and its rank is free again.
    b = inscrite(session, "Blog de classe")
    client.force_login(commission)
    reponse = poster_classement(client, session, [(b, {"rang": 1})])
    assert "Atelier radio" not in reponse.content.decode()
    assert etat_rang(b)[1] == 1


def test_classement_avec_une_candidature_retiree_entre_temps(client, session, commission):
    a, b = inscrite(session, "Atelier radio"), inscrite(session, "Blog de classe")
    workflow.appliquer("retirer", a, a.enseignant)  # after the page was shown, before it is posted
    client.force_login(commission)
    reponse = poster_classement(
        client,
        session,
        [(a, {"rang": 1, "proposition": Proposition.NON_RETENUE}), (b, {"rang": 2, "proposition": "non_retenue"})],
        action="transmettre",
    )
    assert reponse.status_code == 200
    assert messages_de(reponse) == [
        "Classement enregistré ; 1 proposition(s) transmise(s) au DASEN ; 1 candidature ignorée : "
        "« Atelier radio » retirée par l'enseignant entre-temps."
    ]
    assert etat_rang(a) == (Etat.RETIREE, None, "", None)
    assert etat_rang(b)[:2] == (Etat.PROPOSEE, 2)


def test_decisions_en_lot_avec_une_candidature_changee_entre_temps(client, session, dasen):
    """One row withdrawn by its teacher, one decided by a second DASEN: the others are decided, each is reported."""
    lot = [proposee(session, f"Projet {i}", i) for i in range(1, 6)]
    workflow.appliquer("retirer", lot[1], lot[1].enseignant)
    workflow.appliquer("decider", lot[3], UtilisateurFactory(dasen=True), commentaire="Déjà vu.", decision="refusee")
    client.force_login(dasen)
    donnees = {"candidatures": [str(c.uuid) for c in lot], "commentaire": "Conforme au classement."}
    donnees.update({f"{c.uuid}-decision": "acceptee" for c in lot})
    reponse = client.post(reverse("candidatures:decider_plusieurs", args=[session.uuid]), donnees, follow=True)
    assert reponse.status_code == 200
    assert messages_de(reponse) == [
        "3 décision(s) enregistrée(s) ; les enseignants sont prévenus ; 2 candidatures ignorées : "
        "« Projet 2 » retirée par l'enseignant entre-temps ; « Projet 4 » déjà décidée entre-temps (refusée)."
    ]
    assert [etat_rang(c)[0] for c in lot] == [Etat.ACCEPTEE, Etat.RETIREE, Etat.ACCEPTEE, Etat.REFUSEE, Etat.ACCEPTEE]
    assert TransitionCandidature.objects.filter(transition="decider").count() == 4


def test_le_formulaire_de_l_enseignant_n_ecrit_que_ses_champs():
    """A stale instance (read before another tab submitted) never puts back its state."""
    candidature = CandidatureFactory()
    perimee = Candidature.objects.get(pk=candidature.pk)
    workflow.appliquer("soumettre", candidature, candidature.enseignant)
    donnees = {n: getattr(perimee, n) for n in ("titre", "nb_eleves", "motivation", "materiel")}
    form = CandidatureForm(
        data={**donnees, "titre": "Nouveau titre", "niveaux": ["CM1"]}, instance=perimee, campagne=perimee.campagne
    )
    assert form.is_valid(), form.errors
    _enregistrer(form, candidature.enseignant)
    candidature.refresh_from_db()
    assert (candidature.etat, candidature.titre) == (Etat.SOUMISE, "Nouveau titre")
    assert candidature.date_depot is not None


def test_modifier_apres_soumission_dans_un_autre_onglet(client):
    candidature = CandidatureFactory()
    client.force_login(candidature.enseignant)
    workflow.appliquer("soumettre", candidature, candidature.enseignant)
    reponse = client.post(reverse("candidatures:modifier", args=[candidature.uuid]), {"titre": "Autre"}, follow=True)
    assert messages_de(reponse) == ["Cette candidature ne peut plus être modifiée dans son état actuel."]
    candidature.refresh_from_db()
    assert candidature.etat == Etat.SOUMISE and candidature.titre != "Autre"


# --- Who may do what: one table, one rule for administrators -------------------------------------------------------


def test_role_admin_et_superutilisateur_une_seule_regle():
    role_admin = UtilisateurFactory(role=Role.ADMIN, is_superuser=False)
    superutilisateur = UtilisateurFactory(role=Role.CPD, is_superuser=True)
    assert est_admin(role_admin) and est_admin(superutilisateur)
    for nom, transition in workflow.TRANSITIONS.items():
        attendu = transition.portee == workflow.DEPARTEMENT
        assert workflow.peut_agir(role_admin, nom) == attendu, nom
        assert workflow.peut_agir(superutilisateur, nom) == (attendu or Role.CPD in transition.roles), nom


def test_le_role_admin_sans_superutilisateur_decide(client, session):
    admin = UtilisateurFactory(role=Role.ADMIN, is_superuser=False, is_staff=False)
    c = proposee(session, "Atelier radio", 1)
    client.force_login(admin)
    donnees = {"candidatures": [str(c.uuid)], f"{c.uuid}-decision": "acceptee", "commentaire": "Validé."}
    reponse = client.post(reverse("candidatures:decider_plusieurs", args=[session.uuid]), donnees, follow=True)
    assert messages_de(reponse) == ["1 décision(s) enregistrée(s) ; les enseignants sont prévenus."]
    assert etat_rang(c)[0] == Etat.ACCEPTEE


# --- Closing a session ---------------------------------------------------------------------------------------------


def test_clore_la_session(client, session, commission):
    a = inscrite(session, "Atelier radio")
    attente = CandidatureFactory(campagne=session.campagne, avis_donne=True, titre="Radio scolaire")
    client.force_login(commission)
    adresse = reverse("candidatures:session_clore", args=[session.uuid])
    reponse = client.post(adresse, follow=True)
    assert "n'ont pas encore été transmises au DASEN" in messages_de(reponse)[0]
    assert "Clore la session" not in reponse.content.decode()
    poster_classement(client, session, [(a, {"rang": 1, "proposition": "non_retenue"})], action="transmettre")
    reponse = client.get(session.get_absolute_url())
    assert "Clore la session" in reponse.content.decode()
    reponse = client.post(adresse, follow=True)
    assert messages_de(reponse) == ["Session close : elle n'accepte plus de nouvelle candidature."]
    session.refresh_from_db()
    assert session.cloturee
    page = reponse.content.decode()
    assert "Session close" in page and "Inscrire à l'ordre du jour" not in page
    with pytest.raises(workflow.TransitionImpossible):
        workflow.appliquer("inscrire", attente, commission, session=session)
    reponse = client.post(
        reverse("candidatures:session_inscrire", args=[session.uuid]), {"candidatures": [str(attente.uuid)]}
    )
    attente.refresh_from_db()
    assert attente.etat == Etat.AVIS_DONNE


def test_saisies_hostiles_du_classement_et_des_decisions(client, session, commission, dasen):
    a = inscrite(session, "Atelier radio")
    autre_periode = PeriodeFactory()
    client.force_login(commission)
    adresse = reverse("candidatures:session_proposer", args=[session.uuid])
    for valeurs in (
        {"rang": "abc"},
        {"rang": "-4"},
        {"rang": "10000000000000000000"},
        {"proposition": "'; DROP TABLE candidatures;--"},
        {"proposition": "retenue", "periode": autre_periode.pk},
        {"proposition": "retenue", "periode": "<script>"},
    ):
        donnees = {"action": "transmettre", "lignes": [str(a.uuid), "pas-un-uuid", "../../"], **ligne(a, **valeurs)}
        reponse = client.post(adresse, donnees)
        assert reponse.status_code == 200, valeurs
        assert "Le classement contient des erreurs" in reponse.content.decode()
    assert etat_rang(a) == (Etat.INSCRITE, None, "", None)
    c = proposee(session, "Blog de classe", 1)
    client.force_login(dasen)
    adresse = reverse("candidatures:decider_plusieurs", args=[session.uuid])
    for donnees in (
        {f"{c.uuid}-decision": "annulee", "commentaire": "x"},
        {f"{c.uuid}-decision": "acceptee", f"{c.uuid}-motivation": "x" * 5001},
        {f"{c.uuid}-decision": "acceptee", "commentaire": "x" * 5001},
    ):
        reponse = client.post(adresse, {"candidatures": [str(c.uuid), "<b>"], **donnees})
        assert reponse.status_code == 200
    assert etat_rang(c)[0] == Etat.PROPOSEE
