"""Navigation by role: one table, read by the header template."""

from django.urls import NoReverseMatch, reverse

from classes_mobiles.enums import Role

TOUS = frozenset(Role)

# (label, url name, roles that see the entry). Later issues add their entries here.
INSTRUCTION = frozenset({Role.IEN, Role.ERUN, Role.CPD, Role.COMMISSION, Role.DASEN, Role.ADMIN})

ENTREES = [
    ("Accueil", "accueil", TOUS),
    ("Mes candidatures", "candidatures:mes_candidatures", frozenset({Role.ENSEIGNANT, Role.DIRECTEUR})),
    ("À autoriser", "candidatures:a_autoriser", frozenset({Role.DIRECTEUR})),
    ("À examiner", "candidatures:a_examiner", frozenset({Role.IEN})),
    ("Candidatures", "candidatures:liste", INSTRUCTION),
    ("Repérage", "candidatures:reperage", frozenset({Role.IEN, Role.ERUN, Role.CPD, Role.DASEN, Role.ADMIN})),
    ("Commission", "candidatures:sessions", frozenset({Role.COMMISSION, Role.CPD, Role.DASEN, Role.ADMIN})),
    ("Écoles", "ecole_liste", TOUS - {Role.ENSEIGNANT}),
    ("Campagnes", "campagne_liste", TOUS),
]


def menu_pour(user, chemin_courant=""):
    if not user or not user.is_authenticated:
        return []
    menu = []
    for libelle, nom_url, roles in ENTREES:
        if user.role not in roles:
            continue
        try:
            url = reverse(nom_url)
        except NoReverseMatch:
            continue
        actif = chemin_courant == url if url == "/" else chemin_courant.startswith(url)
        menu.append({"libelle": libelle, "url": url, "actif": actif})
    return menu
