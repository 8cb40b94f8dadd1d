"""Every form of the project, fed hostile values field by field: never a 500, always a French message, and
the database unchanged when the input is refused.

``FORMULAIRES`` lists every URL that accepts a POST (with a role able to post, its arguments and valid data);
``LECTURE`` every other URL. A URL in neither fails the test: a new form must be added here.
"""

from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import constants, get_messages
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from candidatures.enums import Etat
from candidatures.tests.factories import CandidatureFactory
from candidatures.tests.test_views import monde  # noqa: F401 (fixture)
from classes_mobiles.tests.factories import MOT_DE_PASSE

pytestmark = pytest.mark.django_db

HOSTILES = {
    "vide": "",
    "100 000 caractères": "x" * 100_000,
    "caractère nul": "abc\x00def",
    "retour chariot": "Ligne 1\r\nLigne 2",
    "lettres dans un nombre": "douze",
    "entier énorme": "99999999999999999999999999",
    "entier négatif": "-5",
    "balisage": "<script>alert(1)</script>",
    "identifiant non UUID": "pas-un-uuid'); --",
}
TOUJOURS_REFUSES = {"100 000 caractères", "caractère nul"}
APPS_SUIVIES = {"classes_mobiles", "candidatures", "prets", "inventaire", "bilans", "post_office"}
ANGLAIS = ("This field", "Enter a", "Ensure this value", "Select a valid choice", "is not one of the available")
MARQUES_ERREUR = ("fr-error-text", "fr-message--error", "fr-alert--error", "fr-alert--warning", "fr-input-group--error")


@dataclass
class Formulaire:
    role: str | None  # attribute of the ``monde`` fixture, None: anonymous
    args: object = None  # monde -> list of URL arguments
    donnees: object = field(default=lambda m: {})  # monde -> valid POST data
    url: object = None  # (client, monde) -> URL, when it takes more than reverse()


def _brouillon(m):
    return CandidatureFactory(campagne=m.campagne, enseignant=m.enseignant, voeux=[m.periode])


def _donnees_candidature(m):
    return {
        "titre": "Journal multimédia",
        "niveaux": ["CM1"],
        "nb_eleves": "24",
        "motivation": "Motivation.",
        "objectifs": "Objectifs.",
        "inscription_programmes": "Programmes.",
        "inscription_projets": "Projet d'école.",
        "coherence_actions": "Actions.",
        "apprentissages": "Apprentissages.",
        "usages_prevus": "Usages.",
        "materiel": "tablettes",
        "conditions_remarques": "Salle équipée.",
        "voeu_1": str(m.periode.pk),
        "stockage_securise": "on",
    }


def _url_nouveau_mot_de_passe(client, m):
    uid = urlsafe_base64_encode(force_bytes(m.enseignant.pk))
    token = default_token_generator.make_token(m.enseignant)
    reponse = client.get(reverse("password_reset_confirm", args=[uid, token]))
    return reponse.url  # …/set-password/, the token now in the session


def _avis_donne(m):
    return CandidatureFactory(campagne=m.campagne, avis_donne=True, ecole=m.candidature.ecole, voeux=[m.periode])


def _proposee(m):
    c = CandidatureFactory(campagne=m.campagne, proposee=True, session=m.session, rang=1, voeux=[m.periode])
    return c


FORMULAIRES = {
    "connexion": [Formulaire(None, donnees=lambda m: {"username": m.enseignant.email, "password": MOT_DE_PASSE})],
    "deconnexion": [Formulaire("enseignant")],
    "mot_de_passe_oubli": [Formulaire(None, donnees=lambda m: {"email": m.enseignant.email})],
    "password_reset_confirm": [
        Formulaire(
            None,
            donnees=lambda m: {"new_password1": "Un-long-mot-de-passe-42", "new_password2": "Un-long-mot-de-passe-42"},
            url=_url_nouveau_mot_de_passe,
        )
    ],
    "candidatures:nouvelle": [Formulaire("enseignant", donnees=_donnees_candidature)],
    "candidatures:modifier": [
        Formulaire("enseignant", args=lambda m: [_brouillon(m).uuid], donnees=_donnees_candidature)
    ],
    "candidatures:transition": [
        Formulaire(
            "ien",
            args=lambda m: [m.candidature.uuid, "donner_avis"],
            donnees=lambda m: {"avis": "favorable", "commentaire": "Bon projet."},
        ),
        Formulaire(
            "ien",
            args=lambda m: [m.candidature.uuid, "renvoyer"],
            donnees=lambda m: {"commentaire": "Précisez les usages."},
        ),
    ],  # fmt: skip
    "candidatures:retirer": [
        Formulaire("enseignant", args=lambda m: [m.candidature.uuid], donnees=lambda m: {"commentaire": "Mutation."})
    ],
    "candidatures:supprimer": [Formulaire("enseignant", args=lambda m: [_brouillon(m).uuid])],
    "candidatures:supprimer_piece_jointe": [],  # needs an attachment: covered by its own tests (no field)
    "candidatures:sessions": [
        Formulaire(
            "commission",
            donnees=lambda m: {
                "date": str(m.session.date),
                "lieu": "DSDEN",
                "membres": [str(m.commission.pk)],
                "membres_externes": "M. X",
            },
        ),
    ],  # fmt: skip
    "candidatures:session_inscrire": [
        Formulaire(
            "commission",
            args=lambda m: [m.session.uuid],
            donnees=lambda m: {"candidatures": [str(_avis_donne(m).uuid)]},
        )
    ],
    "candidatures:session_proposer": [
        Formulaire(
            "commission",
            args=lambda m: [m.session.uuid],
            donnees=lambda m: (
                lambda c: {
                    f"{c.uuid}-rang": "1",
                    f"{c.uuid}-proposition": "retenue",
                    f"{c.uuid}-periode": str(m.periode.pk),
                }
            )(CandidatureFactory(campagne=m.campagne, inscrite=True, session=m.session, voeux=[m.periode])),
        )
    ],  # fmt: skip
    "candidatures:session_clore": [Formulaire("commission", args=lambda m: [m.session.uuid])],
    "candidatures:session_pv": [Formulaire("commission", args=lambda m: [m.session.uuid])],
    "candidatures:decider_plusieurs": [
        Formulaire(
            "dasen",
            args=lambda m: [m.session.uuid],
            donnees=lambda m: (
                lambda c: {
                    "candidatures": [str(c.uuid)],
                    f"{c.uuid}-decision": "acceptee",
                    f"{c.uuid}-motivation": "Projet solide.",
                    "commentaire": "Séance.",
                }
            )(_proposee(m)),
        )
    ],  # fmt: skip
    "candidatures:inviter": [Formulaire("ien", args=lambda m: [m.candidature.ecole.uai])],
    "documents:demander": [
        Formulaire(
            "commission", donnees=lambda m: {"type_document": "pv_commission", "cle": f"pv_commission:{m.session.uuid}"}
        )
    ],
}
LECTURE = {
    "accueil", "password_reset_done", "password_reset_complete", "ecole_liste", "ecole_detail", "campagne_liste",
    "campagne_detail", "accessibilite", "mentions_legales", "donnees_personnelles", "sante",
    "candidatures:mes_candidatures", "candidatures:a_autoriser", "candidatures:a_examiner", "candidatures:liste",
    "candidatures:session_detail", "candidatures:decisions", "candidatures:reperage", "candidatures:piece_jointe",
    "candidatures:detail", "documents:etat", "documents:etat_json", "documents:telecharger",
}  # fmt: skip


def noms_d_url(resolver=None, espace=""):
    """Every named URL of the project except Django's own admin."""
    for motif in (resolver or get_resolver()).url_patterns:
        if isinstance(motif, URLResolver):
            if motif.namespace != "admin":
                yield from noms_d_url(motif, espace + (f"{motif.namespace}:" if motif.namespace else ""))
        elif motif.name:
            yield espace + motif.name


def test_chaque_url_est_classee():
    inconnues = sorted(set(noms_d_url()) - set(FORMULAIRES) - LECTURE)
    assert not inconnues, (
        f"URL sans entrée dans le registre des saisies hostiles : {inconnues}. Ajoutez-les à FORMULAIRES "
        "(rôle, arguments, données valides) ou à LECTURE dans classes_mobiles/tests/test_saisies_hostiles.py."
    )


def etat_base():
    etat = {}
    for modele in apps.get_models():
        if modele._meta.app_label in APPS_SUIVIES:
            etat[modele._meta.label] = list(modele.objects.order_by("pk").values())
    return etat


def messages_et_erreurs(reponse):
    """(flash messages as (level, text), True when the page shows an error)."""
    flash = [(m.level, str(m)) for m in get_messages(reponse.wsgi_request)]
    html = reponse.content.decode(errors="replace") if reponse.get("Content-Type", "").startswith("text/html") else ""
    return flash, html, any(marque in html for marque in MARQUES_ERREUR)


CAS = [(nom, i) for nom, cas in FORMULAIRES.items() for i in range(len(cas))]


@pytest.mark.parametrize(("nom", "indice"), CAS, ids=[f"{n}-{i}" for n, i in CAS])
def test_saisies_hostiles(client, monde, nom, indice):  # noqa: F811
    cas = FORMULAIRES[nom][indice]
    if cas.role:
        client.force_login(getattr(monde, cas.role))
    args = cas.args(monde) if cas.args else []
    valides = cas.donnees(monde)
    url = cas.url(client, monde) if cas.url else reverse(nom, args=args)
    champs = list(valides) or ["champ_inattendu"]
    for champ in champs:
        for libelle, valeur in HOSTILES.items():
            donnees = {**valides, champ: [valeur] if isinstance(valides.get(champ), list) else valeur}
            contexte = f"{nom} : {champ} = {libelle}"
            point = transaction.savepoint()
            avant = etat_base()
            reponse = client.post(url, donnees)  # an exception (the 500) fails the test here
            assert reponse.status_code < 500, contexte
            flash, html, erreur_affichee = messages_et_erreurs(reponse)
            textes = " ".join(t for _, t in flash) + html
            assert flash or erreur_affichee or reponse.status_code in (302, 403, 404), f"{contexte} : aucun message"
            assert not any(a in textes for a in ANGLAIS), f"{contexte} : message en anglais"
            refuse = erreur_affichee or any(niveau >= constants.WARNING for niveau, _ in flash)
            if libelle in TOUJOURS_REFUSES:
                stockees = [v for lignes in etat_base().values() for ligne in lignes for v in ligne.values()]
                assert not [v for v in stockees if isinstance(v, str) and ("\x00" in v or len(v) >= 100_000)], (
                    f"{contexte} : valeur enregistrée"
                )
            if refuse and not any(niveau == constants.SUCCESS for niveau, _ in flash):
                assert etat_base() == avant, f"{contexte} : refusé mais la base a changé"
            transaction.savepoint_rollback(point)
            if cas.url:  # the token page keeps its state in the session: start again
                client.logout()
                url = cas.url(client, monde)


def test_les_textes_longs_sont_bornes():
    from django.db import models

    sans_borne = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        if m._meta.app_label in {"candidatures", "prets", "inventaire", "bilans"}
        for f in m._meta.get_fields()
        if isinstance(f, models.TextField) and f.max_length is None
    ]
    assert not sans_borne, f"Textes sans longueur maximale : {sans_borne}"


def test_etat_de_la_candidature_inchangee_apres_avis_refuse(client, monde):  # noqa: F811
    """Spot check of the generic rule on one form: a NUL in the IEN's comment changes nothing."""
    client.force_login(monde.ien)
    reponse = client.post(
        reverse("candidatures:transition", args=[monde.candidature.uuid, "donner_avis"]),
        {"avis": "favorable", "commentaire": "a\x00b"},
    )
    assert reponse.status_code == 302
    monde.candidature.refresh_from_db()
    assert monde.candidature.etat == Etat.AUTORISEE
