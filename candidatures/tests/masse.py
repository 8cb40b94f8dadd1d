"""Department-scale data in a few queries (bulk_create), for the query-count tests and the benchmark."""

import itertools

from django.contrib.auth.hashers import make_password
from django.db.models import Max
from django.utils import timezone

from candidatures.enums import Avis, Decision, Etat, Proposition
from candidatures.models import Candidature, VoeuPeriode
from classes_mobiles.enums import Role
from classes_mobiles.models import Utilisateur

# The states cycled through, and what each one implies.
CYCLE = [Etat.AUTORISEE, Etat.AVIS_DONNE, Etat.INSCRITE, Etat.PROPOSEE, Etat.ACCEPTEE, Etat.SOUMISE]
DANS_LA_SESSION = {Etat.INSCRITE, Etat.PROPOSEE, Etat.ACCEPTEE}


def creer_candidatures(campagne, ecoles, periodes, nombre, *, session=None, etats=CYCLE, debut=0):
    """Create ``nombre`` filed candidatures of ``campagne`` over ``ecoles`` (one new teacher each), their
    states taken in turn from ``etats``; those inscribed or further go to ``session``. Returns them."""
    mot_de_passe = make_password(None)
    maintenant = timezone.now()
    ecoles = list(ecoles)
    enseignants = Utilisateur.objects.bulk_create(
        Utilisateur(
            email=f"enseignant-masse-{campagne.pk}-{debut + i}@exemple.fr",
            nom=f"Masse{debut + i}",
            prenom="Alex",
            role=Role.ENSEIGNANT,
            ecole=ecoles[i % len(ecoles)],
            password=mot_de_passe,
        )
        for i in range(nombre)
    )
    # Max, not order_by("-rang"): PostgreSQL sorts NULL ranks first in descending order.
    rang_max = Candidature.objects.filter(session=session).aggregate(m=Max("rang"))["m"] if session else None
    rangs = itertools.count((rang_max or 0) + 1)
    candidatures = []
    for i, enseignant in enumerate(enseignants):
        etat = etats[(debut + i) % len(etats)]
        c = Candidature(
            campagne=campagne,
            ecole=enseignant.ecole,
            enseignant=enseignant,
            etat=etat,
            titre=f"Projet {debut + i}",
            niveaux=["CE2", "CM1"],
            nb_eleves=20 + i % 10,
            motivation="Motivation.",
            objectifs="Objectifs.",
            inscription_programmes="Programmes.",
            inscription_projets="Projets.",
            apprentissages="Apprentissages.",
            usages_prevus="Usages.",
            stockage_securise=i % 7 != 0,
            autre_dispositif=i % 11 == 0,
            engagement_usage_securise=True,
            engagement_formateurs=True,
            engagement_parents=True,
            engagement_bilan=True,
            engagement_formation=True,
            date_depot=maintenant,
        )
        if etat not in (Etat.SOUMISE, Etat.AUTORISEE):
            c.avis_ien, c.avis_commentaire = Avis.FAVORABLE, "Avis favorable."
        if etat in DANS_LA_SESSION and session is not None:
            c.session = session
        if etat in (Etat.PROPOSEE, Etat.ACCEPTEE):
            c.rang = next(rangs) if session is not None else None
            c.proposition, c.periode_proposee = Proposition.RETENUE, periodes[i % len(periodes)]
        if etat == Etat.ACCEPTEE:
            c.decision, c.motivation_decision = Decision.ACCEPTEE, "Retenue."
        candidatures.append(c)
    candidatures = Candidature.objects.bulk_create(candidatures)
    VoeuPeriode.objects.bulk_create(
        VoeuPeriode(candidature=c, periode=periode, rang=rang)
        for i, c in enumerate(candidatures)
        for rang, periode in enumerate(periodes[i % len(periodes) :][:2], start=1)
    )
    return candidatures
