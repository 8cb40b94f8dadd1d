"""Shortcuts shown on each role's home page: (label, url name, description)."""

from django.urls import NoReverseMatch, reverse

from classes_mobiles.enums import Role

ACTIONS = {
    Role.ENSEIGNANT: [
        ("Mes candidatures", "candidatures:mes_candidatures", "Déposer un projet et suivre son instruction."),
        ("Campagnes", "campagne_liste", "Consulter la campagne en cours et ses périodes de prêt."),
    ],
    Role.DIRECTEUR: [
        ("À autoriser", "candidatures:a_autoriser", "Autoriser les candidatures des classes de l'école."),
        ("Mon école", "ecole_liste", "Consulter la fiche et le diagnostic d'équipement de l'école."),
    ],
    Role.IEN: [
        ("À examiner", "candidatures:a_examiner", "Donner un avis sur les candidatures de la circonscription."),
        ("Repérage", "candidatures:reperage", "Repérer les écoles qui gagneraient le plus à un prêt et les inviter."),
        ("Écoles de la circonscription", "ecole_liste", "Consulter les écoles et leur équipement."),
    ],
    Role.ERUN: [
        ("Repérage", "candidatures:reperage", "Repérer les écoles qui gagneraient le plus à un prêt et les inviter."),
        ("Écoles de la circonscription", "ecole_liste", "Suivre l'équipement des écoles."),
    ],
    Role.CPD: [
        ("Repérage", "candidatures:reperage", "Repérer les écoles qui gagneraient le plus à un prêt et les inviter."),
        ("Candidatures", "candidatures:liste", "Suivre les candidatures du département."),
    ],
    Role.COMMISSION: [("Commission", "candidatures:sessions", "Préparer les sessions, classer et proposer.")],
    Role.DASEN: [("Décisions", "candidatures:sessions", "Décider sur les propositions de la commission.")],
    Role.DSI: [("Écoles du département", "ecole_liste", "Consulter les écoles et leurs adresses.")],
    Role.ADMIN: [("Administration", "admin:index", "Gérer les comptes, les écoles, les campagnes.")],
}


def actions_pour(user):
    resultat = []
    for libelle, nom_url, description in ACTIONS.get(user.role, []):
        try:
            resultat.append({"libelle": libelle, "url": reverse(nom_url), "description": description})
        except NoReverseMatch:
            continue
    return resultat


# What waits for each role on its home page: (key, label, url name, description, filter). Each count goes through
# the candidatures' scoping function (visibles_par) and all of a role's counts are one query.
def _taches(user):
    from django.db.models import Q

    from candidatures.enums import Etat

    mes_dossiers = [
        (
            "a_completer",
            "À compléter",
            "candidatures:mes_candidatures",
            "Candidatures renvoyées par l'IEN pour compléments.",
            Q(enseignant_id=user.pk, etat=Etat.A_COMPLETER),
        ),
        (
            "brouillons",
            "Brouillons",
            "candidatures:mes_candidatures",
            "Candidatures commencées, pas encore soumises.",
            Q(enseignant_id=user.pk, etat=Etat.BROUILLON),
        ),
    ]
    a_inscrire = (
        "a_inscrire",
        "À inscrire en commission",
        "candidatures:sessions",
        "Candidatures ayant reçu l'avis de l'IEN, à mettre à l'ordre du jour.",
        Q(etat=Etat.AVIS_DONNE),
    )
    return {
        Role.ENSEIGNANT: mes_dossiers,
        Role.DIRECTEUR: [
            ("a_autoriser", "À autoriser", "candidatures:a_autoriser",
             "Candidatures des classes de l'école en attente de votre autorisation.",
             Q(ecole_id=user.ecole_id, etat=Etat.SOUMISE)),
            *mes_dossiers,
        ],
        Role.IEN: [
            ("a_examiner", "À examiner", "candidatures:a_examiner",
             "Candidatures autorisées en attente de votre avis.", Q(etat=Etat.AUTORISEE)),
        ],
        Role.CPD: [a_inscrire],
        Role.COMMISSION: [
            a_inscrire,
            ("a_classer", "À classer et proposer", "candidatures:sessions",
             "Candidatures à l'ordre du jour d'une session, en attente de la proposition.", Q(etat=Etat.INSCRITE)),
        ],
        Role.DASEN: [
            ("a_decider", "À décider", "candidatures:sessions",
             "Propositions de la commission en attente de votre décision.", Q(etat=Etat.PROPOSEE)),
        ],
    }.get(user.role, [])  # fmt: skip


def a_traiter(user):
    """The counts of what waits for this user, each with its link; one query whatever the role."""
    from django.db.models import Count

    from candidatures.models import Candidature

    taches = _taches(user)
    if not taches:
        return []
    comptes = Candidature.objects.visibles_par(user).aggregate(
        **{cle: Count("pk", filter=filtre) for cle, _, _, _, filtre in taches}
    )
    return [
        {
            "cle": cle,
            "libelle": libelle,
            "nombre": comptes[cle],
            "titre": f"{libelle} : {comptes[cle]} candidature{'s' if comptes[cle] > 1 else ''}",
            "ident": f"tache-{cle}",
            "url": reverse(nom_url),
            "description": description,
        }
        for cle, libelle, nom_url, description, _ in taches
    ]
