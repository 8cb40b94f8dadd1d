"""Shortcuts shown on each role's home page: (label, url name, description)."""

from django.urls import NoReverseMatch, reverse

from classes_mobiles.enums import Role

ACTIONS = {
    Role.ENSEIGNANT: [("Campagnes", "campagne_liste", "Consulter la campagne en cours et ses périodes de prêt.")],
    Role.DIRECTEUR: [("Mon école", "ecole_liste", "Consulter la fiche et le diagnostic d'équipement de l'école.")],
    Role.IEN: [("Écoles de la circonscription", "ecole_liste", "Consulter les écoles et leur équipement.")],
    Role.ERUN: [("Écoles de la circonscription", "ecole_liste", "Suivre l'équipement des écoles.")],
    Role.CPD: [("Écoles du département", "ecole_liste", "Repérer les écoles à accompagner.")],
    Role.COMMISSION: [("Campagnes", "campagne_liste", "Consulter les campagnes et leurs périodes.")],
    Role.DASEN: [("Campagnes", "campagne_liste", "Consulter les campagnes et leurs périodes.")],
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
