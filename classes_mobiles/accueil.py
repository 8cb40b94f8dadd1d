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
