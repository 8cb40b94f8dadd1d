"""Two people act at once, for real: two threads, each with its own PostgreSQL connection, released together.

SQLite has no row locks (``select_for_update`` is a no-op there and writers lock the whole file), so these tests
only mean something on PostgreSQL: `.ci/run` runs the suite on PostgreSQL, set DATABASE_URL to run them locally.
"""

import html
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from candidatures.enums import Etat, Proposition
from candidatures.models import Candidature, TransitionCandidature
from classes_mobiles.tests.factories import PeriodeFactory, UtilisateurFactory

from .factories import CandidatureFactory, SessionCommissionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (set DATABASE_URL=postgres://…)"
    ),
]


def ensemble(*actions):
    """Run the actions in threads released by one barrier; returns their results (or raises their exception)."""
    barriere = threading.Barrier(len(actions))
    resultats, erreurs = [None] * len(actions), []

    def lancer(i, action):
        try:
            barriere.wait(timeout=10)
            resultats[i] = action()
        except Exception as erreur:  # re-raised in the test's thread
            erreurs.append(erreur)
        finally:
            connection.close()  # each thread's own connection

    fils = [threading.Thread(target=lancer, args=(i, a)) for i, a in enumerate(actions)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=30)
    if erreurs:
        raise erreurs[0]
    return resultats


def poster(user, adresse, donnees):
    def action():
        client = Client(raise_request_exception=True)
        client.force_login(user)
        reponse = client.post(adresse, donnees, follow=True)
        # The flash messages as the page shows them (``reponse.context`` is captured through a global signal:
        # with two requests rendering at once, it may hold the other thread's templates).
        page = html.unescape(reponse.content.decode())
        return reponse.status_code, re.findall(r'<div class="fr-alert [^"]*">\s*<p>(.*?)</p>', page, re.S)

    return action


@pytest.fixture
def proposees():
    session = SessionCommissionFactory()
    periode = PeriodeFactory(campagne=session.campagne)
    lot = [
        CandidatureFactory(
            campagne=session.campagne,
            proposee=True,
            session=session,
            rang=i,
            titre=f"Projet {i}",
            proposition=Proposition.RETENUE,
            periode_proposee=periode,
            voeux=[periode],
        )  # fmt: skip
        for i in range(1, 4)
    ]
    return session, lot


def decider(session, user, lot, decision):
    donnees = {"candidatures": [str(c.uuid) for c in lot], "commentaire": f"Décision {decision}."}
    donnees.update({f"{c.uuid}-decision": decision for c in lot})
    return poster(user, reverse("candidatures:decider_plusieurs", args=[session.uuid]), donnees)


def test_deux_dasen_decident_le_meme_lot_en_meme_temps(proposees):
    session, lot = proposees
    premier, second = UtilisateurFactory(dasen=True), UtilisateurFactory(dasen=True)
    resultats = ensemble(decider(session, premier, lot, "acceptee"), decider(session, second, lot, "refusee"))
    assert [statut for statut, _ in resultats] == [200, 200]
    gagnant = Candidature.objects.first().get_etat_display().lower()
    trace = (resultats, list(TransitionCandidature.objects.values_list("candidature__titre", "auteur", "etat_apres")))
    assert sorted(m for _, ms in resultats for m in ms) == [
        "0 décision(s) enregistrée(s) ; 3 candidatures ignorées : "
        + " ; ".join(f"« Projet {i} » déjà décidée entre-temps ({gagnant})" for i in range(1, 4))
        + ".",
        "3 décision(s) enregistrée(s) ; les enseignants sont prévenus.",
    ], trace
    # Exactly one outcome: one DASEN decided every row, once; the log agrees with the rows.
    journal = TransitionCandidature.objects.filter(transition="decider")
    assert journal.count() == 3
    assert journal.values("auteur").distinct().count() == 1
    etats = set(Candidature.objects.values_list("etat", flat=True))
    assert len(etats) == 1 and etats <= {Etat.ACCEPTEE, Etat.REFUSEE}
    assert {e.etat_apres for e in journal} == etats


def test_l_enseignant_retire_pendant_que_le_dasen_decide(proposees):
    session, lot = proposees
    dasen, retiree = UtilisateurFactory(dasen=True), lot[1]
    retrait = poster(retiree.enseignant, reverse("candidatures:transition", args=[retiree.uuid, "retirer"]), {})
    (statut_dasen, messages_dasen), (statut_retrait, messages_retrait) = ensemble(
        decider(session, dasen, lot, "acceptee"), retrait
    )
    assert (statut_dasen, statut_retrait) == (200, 200)
    retiree.refresh_from_db()
    journal = list(TransitionCandidature.objects.filter(candidature=retiree).values_list("transition", flat=True))
    if retiree.etat == Etat.RETIREE:  # the teacher was first: the DASEN's batch reports the row
        assert journal == ["retirer"]
        assert messages_dasen == [
            "2 décision(s) enregistrée(s) ; les enseignants sont prévenus ; 1 candidature ignorée : "
            "« Projet 2 » retirée par l'enseignant entre-temps."
        ]
        assert (retiree.session_id, retiree.rang) == (None, None)
    else:  # the DASEN was first: the teacher is told it is too late
        assert retiree.etat == Etat.ACCEPTEE and journal == ["decider"]
        assert messages_dasen == ["3 décision(s) enregistrée(s) ; les enseignants sont prévenus."]
        assert messages_retrait == ["Action déjà effectuée ou impossible dans l'état actuel."]
    autres = Candidature.objects.exclude(pk=retiree.pk)
    assert set(autres.values_list("etat", flat=True)) == {Etat.ACCEPTEE}
