"""Eligibility flags (seeds/002 §2.4) and the geographic spread of a session, computed in bulk."""

from collections import Counter, defaultdict

from django.db.models import Count, Q

from classes_mobiles.models import Circonscription

from .enums import Etat, Proposition
from .models import Candidature

PARTICIPATIONS_MAX = 2
ETATS_DEPOSES_ACTIFS = [e for e in Etat.values if e not in (Etat.BROUILLON, Etat.RETIREE, Etat.REFUSEE_DIRECTEUR)]


def calculer_drapeaux(candidatures, parmi=None):
    """Set ``c.drapeaux`` (French sentences) on each candidature; 2 queries whatever their number.

    ``parmi``: the queryset the candidatures come from, when they are many (an export): the related rows are
    then selected by subquery rather than through lists of thousands of ids."""
    candidatures = list(candidatures)
    if not candidatures:
        return candidatures
    if parmi is not None:
        ecoles, enseignants, campagnes = (parmi.values(champ) for champ in ("ecole_id", "enseignant_id", "campagne_id"))
    else:
        ecoles = {c.ecole_id for c in candidatures}
        enseignants = {c.enseignant_id for c in candidatures}
        campagnes = {c.campagne_id for c in candidatures}
    # Earlier participations: accepted candidatures of other campaigns, for these schools or teachers.
    # (Only campaigns earlier than the latest one here can count: the others are not fetched.)
    derniere_annee = max(c.campagne.annee_scolaire for c in candidatures)
    participations = Candidature.objects.filter(
        Q(ecole_id__in=ecoles) | Q(enseignant_id__in=enseignants),
        etat=Etat.ACCEPTEE,
        campagne__annee_scolaire__lt=derniere_annee,
    )
    par_ecole, par_enseignant = defaultdict(set), defaultdict(set)
    for ecole_id, enseignant_id, campagne_id, annee in participations.values_list(
        "ecole_id", "enseignant_id", "campagne_id", "campagne__annee_scolaire"
    ):
        par_ecole[ecole_id].add((annee, campagne_id))
        par_enseignant[enseignant_id].add((annee, campagne_id))
    # Other filed candidatures of the same school, or of the same teacher, in the same campaign (one query).
    meme_campagne_ecole, meme_campagne_enseignant = Counter(), Counter()
    for campagne_id, ecole_id, enseignant_id in Candidature.objects.filter(
        Q(ecole_id__in=ecoles) | Q(enseignant_id__in=enseignants),
        campagne_id__in=campagnes,
        etat__in=ETATS_DEPOSES_ACTIFS,
    ).values_list("campagne_id", "ecole_id", "enseignant_id"):
        meme_campagne_ecole[(campagne_id, ecole_id)] += 1
        meme_campagne_enseignant[(campagne_id, enseignant_id)] += 1
    for c in candidatures:
        annee = c.campagne.annee_scolaire
        anterieures_ecole = {p for p in par_ecole[c.ecole_id] if p[0] < annee}
        anterieures_enseignant = {p for p in par_enseignant[c.enseignant_id] if p[0] < annee}
        drapeaux = []
        if len(anterieures_ecole) >= PARTICIPATIONS_MAX:
            drapeaux.append(f"L'école a déjà participé à {len(anterieures_ecole)} campagnes (deux au plus).")
        if len(anterieures_enseignant) >= PARTICIPATIONS_MAX:
            drapeaux.append(f"L'enseignant a déjà participé à {len(anterieures_enseignant)} campagnes (deux au plus).")
        elle_meme = 1 if c.etat in ETATS_DEPOSES_ACTIFS else 0
        autres = meme_campagne_ecole[(c.campagne_id, c.ecole_id)] - elle_meme
        if autres > 0:
            drapeaux.append(f"{autres} autre(s) candidature(s) de la même école dans cette campagne.")
        autres_projets = meme_campagne_enseignant[(c.campagne_id, c.enseignant_id)] - elle_meme
        if autres_projets > 0:
            drapeaux.append(f"{autres_projets} autre(s) projet(s) du même enseignant dans cette campagne.")
        if not c.stockage_securise:
            drapeaux.append("Pas de lieu de stockage sécurisé avec alimentation électrique.")
        if c.autre_dispositif:
            drapeaux.append("La classe participe déjà à un autre dispositif partenarial avec intervenant.")
        c.drapeaux = drapeaux
    return candidatures


def repartition_geographique(session):
    """Per circonscription: candidatures on the agenda, proposed (retenues), schools served in earlier campaigns."""
    annee = session.campagne.annee_scolaire
    lignes = Circonscription.objects.annotate(
        nb_candidatures=Count("ecoles__candidatures", filter=Q(ecoles__candidatures__session=session), distinct=True),
        nb_proposees=Count(
            "ecoles__candidatures",
            filter=Q(ecoles__candidatures__session=session, ecoles__candidatures__proposition=Proposition.RETENUE),
            distinct=True,
        ),
        nb_deja_servies=Count(
            "ecoles",
            filter=Q(
                ecoles__candidatures__etat=Etat.ACCEPTEE,
                ecoles__candidatures__campagne__annee_scolaire__lt=annee,
            ),
            distinct=True,
        ),
    ).order_by("nom")
    return [
        {
            "circonscription": c,
            "candidatures": c.nb_candidatures,
            "proposees": c.nb_proposees,
            "ecoles_deja_servies": c.nb_deja_servies,
        }
        for c in lignes
        if c.nb_candidatures or c.nb_deja_servies
    ]
