import uuid as uuidlib
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from classes_mobiles.courriels import envoyer
from classes_mobiles.documents import derniere_version, versions
from classes_mobiles.enums import Role
from classes_mobiles.exports import reponse_export
from classes_mobiles.models import Campagne, Circonscription, Ecole
from classes_mobiles.perms import a_un_role, role_requis

from . import notices, workflow
from .documents import cle_pv, demander_pv
from .eligibilite import calculer_drapeaux, repartition_geographique
from .enums import Avis, Decision, Etat, Proposition
from .filtres import FiltreCandidatures
from .forms import (
    AvisForm,
    CandidatureForm,
    CommentaireForm,
    DecisionForm,
    DecisionLigneForm,
    PropositionLigneForm,
    SessionForm,
)
from .models import Candidature, PieceJointe, SessionCommission
from .reperage import classer_ecoles

# Who may open which page comes from the workflow table (administrators always pass, see perms.est_admin).
ROLES_DEPOSANTS = workflow.roles_pour("soumettre")
ROLES_INSTRUCTION = (Role.IEN, Role.ERUN, Role.CPD, Role.COMMISSION, Role.DASEN, Role.ADMIN)
ROLES_SESSIONS = workflow.roles_pour("inscrire", "proposer", "decider")
ROLES_ORDRE_DU_JOUR = workflow.roles_pour("inscrire")
ETATS_MODIFIABLES = workflow.ETATS_MODIFIABLES


def _liste(qs):
    # select_related: every list row shows school, commune, circonscription, teacher and campaign.
    return qs.select_related("ecole__commune", "ecole__circonscription", "enseignant", "campagne", "periode_proposee")


# --- Teacher -------------------------------------------------------------------------------------------------


@role_requis(*ROLES_DEPOSANTS)
def mes_candidatures(request):
    candidatures = _liste(Candidature.objects.filter(enseignant=request.user))
    return render(
        request,
        "candidatures/mes_candidatures.html",
        {"candidatures": candidatures, "campagne": Campagne.objects.courante()},
    )


@role_requis(*ROLES_DEPOSANTS)
def nouvelle(request):
    campagne = Campagne.objects.courante()
    if campagne is None or not campagne.depot_ouvert:
        messages.error(request, "Le dépôt des candidatures n'est pas ouvert : aucune candidature ne peut être créée.")
        return redirect("candidatures:mes_candidatures")
    if request.user.ecole_id is None:
        messages.error(request, "Votre compte n'est rattaché à aucune école : impossible de déposer une candidature.")
        return redirect("candidatures:mes_candidatures")
    return _formulaire(request, Candidature(campagne=campagne, ecole=request.user.ecole, enseignant=request.user))


@role_requis(*ROLES_DEPOSANTS)
def modifier(request, uuid):
    candidatures = Candidature.objects.filter(enseignant=request.user)
    if request.method == "POST":
        # Saved on the row locked and read again now (ATOMIC_REQUESTS holds the lock until the response): a
        # submission or withdrawal from another tab is seen, and waits for this save or is seen by it.
        candidatures = candidatures.select_for_update(of=("self",))
    candidature = get_object_or_404(candidatures, uuid=uuid)
    if candidature.etat not in ETATS_MODIFIABLES:
        messages.error(request, "Cette candidature ne peut plus être modifiée dans son état actuel.")
        return redirect(candidature)
    if not candidature.campagne.depot_ouvert:
        messages.error(
            request, "Le dépôt des candidatures de cette campagne est fermé : la modification est impossible."
        )
        return redirect(candidature)
    return _formulaire(request, candidature)


def _formulaire(request, candidature):
    soumission = "soumettre" in request.POST
    form = CandidatureForm(
        data=request.POST or None,
        files=request.FILES or None,
        instance=candidature,
        campagne=candidature.campagne,
        soumission=soumission,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    candidature = _enregistrer(form, request.user)
                    if soumission:
                        candidature = workflow.appliquer("soumettre", candidature, request.user)
            except workflow.TransitionImpossible as erreur:
                # Everything was rolled back: a new candidature does not exist (its in-memory id is stale).
                messages.error(request, erreur.message)
                if Candidature.objects.filter(pk=candidature.pk).exists():
                    return redirect(candidature)
                return redirect("candidatures:mes_candidatures")
            if soumission:
                notices.demander_projet_depose(candidature, request.user)
                messages.success(
                    request,
                    "Candidature soumise : le directeur de l'école est prévenu. "
                    f"Dossier n° {candidature.numero} déposé le "
                    f"{timezone.localtime(candidature.date_depot):%d/%m/%Y à %H:%M}.",
                )
            else:
                messages.success(request, "Brouillon enregistré.")
            return redirect(candidature)
        messages.error(request, "Le formulaire contient des erreurs : corrigez les champs signalés.")
    return render(
        request,
        "candidatures/formulaire.html",
        {
            "form": form,
            "candidature": candidature,
            "demande": notices.demande_de_complements(candidature) if candidature.pk else None,
            "pieces_jointes": candidature.pieces_jointes.all() if candidature.pk else [],
        },
    )


def _enregistrer(form, user):
    if form.instance.pk is None:
        candidature = form.save()
    else:
        # Only the form's own fields: the state, the decision fields… are the workflow's, never written here.
        candidature = form.save(commit=False)
        candidature.save(update_fields=[*form._meta.fields, "date_modification"])
    workflow.enregistrer_voeux(candidature, form.voeux_choisis())
    fichier = form.cleaned_data.get("piece_jointe")
    if fichier:
        PieceJointe.objects.create(
            candidature=candidature,
            fichier=fichier,
            nom=fichier.name[:200],
            type_mime=fichier.type_reel,
            taille=fichier.size,
        )
    return candidature


# --- Any role: a candidature ---------------------------------------------------------------------------------


@login_required
def detail(request, uuid):
    candidature = get_object_or_404(
        _liste(Candidature.objects.visibles_par(request.user)).prefetch_related(
            "voeux__periode", "pieces_jointes", Prefetch("historique__auteur")
        ),
        uuid=uuid,
    )
    if a_un_role(request.user, ROLES_INSTRUCTION):
        calculer_drapeaux([candidature])
    possibles = {t.nom for t in workflow.transitions_possibles(request.user, candidature)}
    journal = list(candidature.historique.all())
    liste_depots = notices.depots(journal)
    contexte = {
        "candidature": candidature,
        "historique": notices.historique_pour(request.user, candidature, journal),
        "voir_proposition": notices.proposition_visible(request.user, candidature),
        "demande": notices.demande_de_complements(candidature, journal),
        "notification": notices.notification(candidature, journal),
        "cle_notification": notices.cle_notification(candidature),
        "notice_pdf": derniere_version(notices.cle_notification(candidature)) if candidature.decision else None,
        "depot": liste_depots[-1] if liste_depots else None,
        "recepisse": (
            derniere_version(notices.cle_projet_depose(candidature, len(liste_depots))) if liste_depots else None
        ),
        "supprimable": candidature.enseignant_id == request.user.pk and candidature.etat == Etat.BROUILLON,
        "possibles": possibles,
        "modifiable": candidature.enseignant_id == request.user.pk and candidature.etat in ETATS_MODIFIABLES,
        "form_avis": AvisForm(),
        "form_commentaire": CommentaireForm(),
        "form_decision": DecisionForm(),
        "voir_drapeaux": hasattr(candidature, "drapeaux"),
    }
    return render(request, "candidatures/detail.html", contexte)


@login_required
def piece_jointe(request, uuid):
    from django.http import FileResponse

    piece = get_object_or_404(
        PieceJointe.objects.filter(candidature__in=Candidature.objects.visibles_par(request.user)), uuid=uuid
    )
    return FileResponse(piece.fichier.open("rb"), as_attachment=True, filename=piece.nom, content_type=piece.type_mime)


def _signaler_erreurs(request, form, prefixe=""):
    """A form posted from a page that redirects: its errors become French flash messages."""
    for erreurs in form.errors.values():
        for erreur in erreurs:
            messages.error(request, f"{prefixe}{erreur}")


FORMULAIRES_TRANSITION = {"donner_avis": AvisForm, "decider": DecisionForm}


@require_POST
@login_required
def transition(request, uuid, nom):
    if nom not in workflow.TRANSITIONS:
        raise Http404
    candidature = get_object_or_404(Candidature.objects.visibles_par(request.user), uuid=uuid)
    if not workflow.peut_agir(request.user, nom):
        raise PermissionDenied("Cette action n'est pas ouverte à votre rôle.")
    form = FORMULAIRES_TRANSITION.get(nom, CommentaireForm)(data=request.POST)
    if not form.is_valid():
        _signaler_erreurs(request, form)
        return redirect(candidature)
    donnees = dict(form.cleaned_data)
    commentaire = donnees.pop("commentaire", "")
    try:
        workflow.appliquer(nom, candidature, request.user, commentaire=commentaire, **donnees)
    except workflow.TransitionImpossible as erreur:
        messages.error(request, erreur.message)
    else:
        if nom == "soumettre":
            notices.demander_projet_depose(candidature, request.user)
        messages.success(request, f"« {workflow.TRANSITIONS[nom].libelle} » : c'est fait.")
    return redirect(candidature)


# --- Lists per role ------------------------------------------------------------------------------------------


@role_requis(Role.DIRECTEUR)
def a_autoriser(request):
    candidatures = _liste(
        Candidature.objects.visibles_par(request.user).filter(ecole_id=request.user.ecole_id, etat=Etat.SOUMISE)
    )
    return render(request, "candidatures/a_autoriser.html", {"candidatures": candidatures})


@role_requis(*ROLES_INSTRUCTION)
def liste(request, a_examiner=False):
    qs = Candidature.objects.visibles_par(request.user)
    filtre = FiltreCandidatures(request.GET, user=request.user, a_examiner=a_examiner)
    qs = filtre.filtrer(qs).order_by("ecole__circonscription__nom", "ecole__nom", "pk")
    format_export = request.GET.get("export")
    if format_export:
        return reponse_export(format_export, "candidatures", ENTETES_EXPORT, lignes_export(qs))
    page = Paginator(_liste(qs), 50).get_page(request.GET.get("page"))
    calculer_drapeaux(page.object_list)
    return render(
        request,
        "candidatures/liste.html",
        {
            "page": page,
            "filtre": filtre,
            "a_examiner": a_examiner,
            "parametres_export": filtre.parametres(),
        },
    )


ENTETES_EXPORT = [
    "Campagne",
    "Circonscription",
    "École",
    "UAI",
    "Commune",
    "Enseignant",
    "Titre",
    "Niveaux",
    "Élèves",
    "État",
    "Avis IEN",
    "Proposition",
    "Période proposée",
    "Décision",
    "Points d'attention",
]


# The exported columns read from values() (no model instance: 2,500 rows stay within 1.5x of the spreadsheet
# library's own time, see bench/exports.py), then what the eligibility flags need.
CHAMPS_EXPORT = [
    "campagne__nom",
    "ecole__circonscription__nom",
    "ecole__nom",
    "ecole__uai",
    "ecole__commune__nom",
    "enseignant__prenom",
    "enseignant__nom",
    "enseignant__email",
    "titre",
    "niveaux",
    "nb_eleves",
    "etat",
    "avis_ien",
    "proposition",
    "periode_proposee__libelle",
    "decision",
    "ecole_id",
    "enseignant_id",
    "campagne_id",
    "campagne__annee_scolaire",
    "stockage_securise",
    "autre_dispositif",
]


class _CandidatureExportee:
    """A values() row seen with the attributes calculer_drapeaux reads, without building a model instance."""

    __slots__ = ("valeurs", "ecole_id", "enseignant_id", "campagne_id", "campagne", "etat", "stockage_securise",
                 "autre_dispositif", "drapeaux")  # fmt: skip

    def __init__(self, valeurs, campagnes):
        self.valeurs = valeurs
        (self.etat, self.ecole_id, self.enseignant_id, self.campagne_id, annee,
         self.stockage_securise, self.autre_dispositif) = valeurs[11], *valeurs[16:]  # fmt: skip
        self.campagne = campagnes.get(self.campagne_id)
        if self.campagne is None:
            self.campagne = campagnes[self.campagne_id] = SimpleNamespace(annee_scolaire=annee)


def lignes_export(qs):
    """The export rows of ``qs``: one query for the rows and two for the eligibility flags, whatever their number.
    The queries run now, inside the view's transaction; the rows are formatted as the response streams them."""
    campagnes = {}
    candidatures = calculer_drapeaux(
        (_CandidatureExportee(v, campagnes) for v in qs.values_list(*CHAMPS_EXPORT)), parmi=qs
    )
    return map(_ligne_export, candidatures)


ETATS, AVIS, PROPOSITIONS, DECISIONS = (dict(e.choices) for e in (Etat, Avis, Proposition, Decision))


def _ligne_export(c):
    (campagne, circonscription, ecole, uai, commune, prenom, nom, email, titre, niveaux, nb_eleves, etat,
     avis_ien, proposition, periode, decision) = c.valeurs[:16]  # fmt: skip
    return [
        campagne,
        circonscription,
        ecole,
        uai,
        commune,
        f"{prenom} {nom}".strip() or email,  # as Utilisateur.__str__
        titre,
        ", ".join(niveaux),
        nb_eleves,
        ETATS.get(etat, etat),
        AVIS.get(avis_ien, avis_ien),
        PROPOSITIONS.get(proposition, proposition),
        periode or "",
        DECISIONS.get(decision, decision),
        " ; ".join(c.drapeaux),
    ]


# --- Commission ----------------------------------------------------------------------------------------------


@role_requis(*ROLES_SESSIONS)
def sessions(request):
    campagne = Campagne.objects.courante()
    form = SessionForm(data=request.POST or None, campagne=campagne)
    if request.method == "POST":
        if not workflow.peut_agir(request.user, "inscrire"):
            raise PermissionDenied
        if campagne is None:
            messages.error(request, "Aucune campagne en cours : impossible de créer une session.")
        elif form.is_valid():
            session = form.save(commit=False)
            session.campagne = campagne
            session.save()
            form.save_m2m()
            messages.success(request, "Session créée. Composez son ordre du jour.")
            return redirect(session)
    liste_sessions = SessionCommission.objects.visibles_par(request.user).select_related("campagne")
    return render(
        request,
        "candidatures/sessions.html",
        {
            "sessions": liste_sessions,
            "form": form,
            "campagne": campagne,
            "peut_creer": workflow.peut_agir(request.user, "inscrire"),
        },
    )


def _session(request, uuid):
    return get_object_or_404(SessionCommission.objects.visibles_par(request.user).select_related("campagne"), uuid=uuid)


@role_requis(*ROLES_SESSIONS)
def session_detail(request, uuid):
    return _page_session(request, _session(request, uuid))


def _page_session(request, session, postees=None, status=200):
    """The session page; ``postees`` (uuid → bound form) shows a refused ranking as it was typed."""
    postees = postees or {}
    inscrites = calculer_drapeaux(
        _liste(session.candidatures.all()).order_by("rang", "ecole__circonscription__nom", "ecole__nom")
    )
    lignes = [
        (
            c,
            postees.get(c.uuid)
            or PropositionLigneForm(prefix=str(c.uuid), campagne=session.campagne, initial=_initial_ligne(c)),
        )
        for c in inscrites
    ]
    if lignes:
        # Every row's period select lists the same periods: read them once (each form's ModelChoiceField would
        # otherwise run a COUNT and a SELECT per row).
        choix_periodes = list(lignes[0][1].fields["periode"].choices)
        for _, form in lignes:
            form.fields["periode"].choices = choix_periodes
    a_inscrire = calculer_drapeaux(
        _liste(
            Candidature.objects.visibles_par(request.user).filter(campagne=session.campagne, etat=Etat.AVIS_DONNE)
        ).order_by("ecole__circonscription__nom", "ecole__nom")
    )
    peut_proposer = workflow.peut_agir(request.user, "proposer") and not session.cloturee
    return render(
        request,
        "candidatures/session_detail.html",
        {
            "session": session,
            "lignes": lignes,
            "a_inscrire": a_inscrire,
            "repartition": repartition_geographique(session),
            "membres": session.membres.all(),
            "peut_proposer": peut_proposer,
            "peut_inscrire": workflow.peut_agir(request.user, "inscrire") and not session.cloturee,
            "peut_clore": peut_proposer and bool(lignes) and not any(c.etat == Etat.INSCRITE for c in inscrites),
            "peut_generer_pv": workflow.peut_agir(request.user, "inscrire"),
            "pv": derniere_version(cle_pv(session)),
            "versions_pv": versions(cle_pv(session)),
        },
        status=status,
    )


def _initial_ligne(c):
    return {"rang": c.rang, "proposition": c.proposition, "periode": c.periode_proposee_id}


def _uuids_postes(request, nom):
    """The uuids posted under ``nom``, in their order; anything that is not a uuid is dropped."""
    resultat = []
    for valeur in request.POST.getlist(nom):
        try:
            resultat.append(uuidlib.UUID(valeur))
        except ValueError:
            continue
    return list(dict.fromkeys(resultat))


def _signaler_bilan(request, bilan, texte_faites):
    """One French message for a batch: what was done, then each row left aside and why."""
    ignorees = bilan.resume_ignorees()
    if ignorees:
        messages.warning(request, f"{texte_faites} ; {ignorees}")
    else:
        messages.success(request, f"{texte_faites}.")


@require_POST
@role_requis(*ROLES_ORDRE_DU_JOUR)
def session_inscrire(request, uuid):
    session = _session(request, uuid)
    choisies = Candidature.objects.visibles_par(request.user).filter(
        uuid__in=_uuids_postes(request, "candidatures"), campagne=session.campagne
    )
    nb, erreurs = 0, 0
    for candidature in choisies.order_by("pk"):
        try:
            workflow.appliquer("inscrire", candidature, request.user, session=session)
            nb += 1
        except workflow.TransitionImpossible:
            erreurs += 1
    if nb:
        messages.success(request, f"{nb} candidature(s) inscrite(s) à l'ordre du jour.")
    if erreurs or not nb:
        messages.error(request, "Certaines candidatures n'ont pas pu être inscrites (déjà inscrites ou état changé).")
    return redirect(session)


@require_POST
@role_requis(*workflow.roles_pour("proposer"))
def session_proposer(request, uuid):
    """Two buttons of one form: "enregistrer" saves the ranking, "transmettre" also sends the proposals."""
    session = _session(request, uuid)
    transmettre = request.POST.get("action") == "transmettre"
    formulaires = {
        u: PropositionLigneForm(data=request.POST, prefix=str(u), campagne=session.campagne)
        for u in _uuids_postes(request, "lignes")
    }
    invalides = {u: f for u, f in formulaires.items() if not f.is_valid()}
    if invalides:
        messages.error(request, "Le classement contient des erreurs : corrigez les lignes signalées.")
        return _page_session(request, session, postees=formulaires, status=200)
    lignes = {u: f.cleaned_data for u, f in formulaires.items()}
    try:
        bilan = workflow.enregistrer_classement(session, request.user, lignes, transmettre=transmettre)
    except workflow.ClassementInvalide as erreur:
        messages.error(request, erreur.message)
        return _page_session(request, session, postees=formulaires, status=200)
    except workflow.TransitionImpossible as erreur:
        messages.error(request, erreur.message)
        return redirect(session)
    if transmettre:
        _signaler_bilan(
            request, bilan, f"Classement enregistré ; {len(bilan.faites)} proposition(s) transmise(s) au DASEN"
        )
    else:
        _signaler_bilan(
            request, bilan, "Classement enregistré ; rien n'est encore transmis au DASEN (bouton « Transmettre »)"
        )
    return redirect(session)


@require_POST
@role_requis(*workflow.roles_pour("proposer"))
def session_clore(request, uuid):
    session = _session(request, uuid)
    try:
        workflow.clore_session(session, request.user)
    except workflow.TransitionImpossible as erreur:
        messages.error(request, erreur.message)
    else:
        messages.success(request, "Session close : elle n'accepte plus de nouvelle candidature.")
    return redirect(session)


@require_POST
@role_requis(*ROLES_ORDRE_DU_JOUR)
def session_pv(request, uuid):
    session = _session(request, uuid)
    demander_pv(session, request.user)
    messages.success(request, "La génération du procès-verbal est lancée.")
    return redirect(session)


# --- DASEN ---------------------------------------------------------------------------------------------------


@role_requis(*workflow.roles_pour("decider", "inscrire"))
def decisions(request, uuid):
    return _page_decisions(request, _session(request, uuid))


def _page_decisions(request, session, postees=None, commune=None, status=200):
    """The DASEN's page: each proposal with a decision that starts from the proposal and its own motivation."""
    postees = postees or {}
    propositions = calculer_drapeaux(
        _liste(session.candidatures.filter(etat=Etat.PROPOSEE)).order_by("rang", "ecole__nom")
    )
    lignes = [
        (
            c,
            postees.get(c.uuid)
            or DecisionLigneForm(
                prefix=str(c.uuid), initial={"decision": workflow.DECISION_PROPOSEE.get(c.proposition)}
            ),
        )
        for c in propositions
    ]
    decidees = _liste(session.candidatures.filter(decision__gt="")).order_by("rang", "ecole__nom")
    return render(
        request,
        "candidatures/decisions.html",
        {
            "session": session,
            "lignes": lignes,
            "cochees": set(postees) if postees else {c.uuid for c in propositions},
            "commune": commune or CommentaireForm(),
            "decidees": decidees,
            "peut_decider": workflow.peut_agir(request.user, "decider"),
        },
        status=status,
    )


@require_POST
@role_requis(*workflow.roles_pour("decider"))
def decider_plusieurs(request, uuid):
    session = _session(request, uuid)
    commune = CommentaireForm(data=request.POST)
    formulaires = {
        u: DecisionLigneForm(data=request.POST, prefix=str(u)) for u in _uuids_postes(request, "candidatures")
    }
    if not formulaires:
        messages.error(request, "Cochez au moins une proposition à décider.")
        return redirect("candidatures:decisions", uuid=session.uuid)
    valides = commune.is_valid() & all([f.is_valid() for f in formulaires.values()])
    if valides:
        motivation_commune = commune.cleaned_data["commentaire"].strip()
        for f in formulaires.values():
            if not (f.cleaned_data["motivation"].strip() or motivation_commune):
                f.add_error("motivation", "La motivation de la décision est obligatoire.")
                valides = False
    if not valides:
        messages.error(
            request, "La motivation de la décision est obligatoire : saisissez-la pour chaque proposition cochée "
            "ou une motivation commune."
            if any("motivation" in f.errors for f in formulaires.values())
            else "La décision contient des erreurs : corrigez les lignes signalées.",
        )  # fmt: skip
        return _page_decisions(request, session, postees=formulaires, commune=commune)
    lignes = [
        (u, f.cleaned_data["decision"], f.cleaned_data["motivation"].strip() or motivation_commune)
        for u, f in formulaires.items()
    ]
    bilan = workflow.decider_lot(session, request.user, lignes)
    if not bilan.faites and not bilan.ignorees:
        messages.error(request, "Cochez au moins une proposition à décider.")
    else:
        texte = f"{len(bilan.faites)} décision(s) enregistrée(s)"
        _signaler_bilan(request, bilan, texte + (" ; les enseignants sont prévenus" if bilan.faites else ""))
    return redirect("candidatures:decisions", uuid=session.uuid)


# --- Repérage ------------------------------------------------------------------------------------------------

ROLES_REPERAGE = (Role.IEN, Role.ERUN, Role.CPD, Role.DASEN, Role.ADMIN)


@role_requis(*ROLES_REPERAGE)
def reperage(request):
    ecoles = Ecole.objects.visibles_par(request.user).filter(ouverte=True)
    circo = request.GET.get("circonscription", "").strip()
    if circo:
        ecoles = ecoles.filter(circonscription__code=circo)
    lignes = classer_ecoles(ecoles, Campagne.objects.courante())
    page = Paginator(lignes, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "candidatures/reperage.html",
        {
            "page": page,
            "circonscriptions": Circonscription.objects.visibles_par(request.user),
            "circo": circo,
            "peut_inviter": request.user.role in (Role.IEN, Role.ERUN, Role.CPD, Role.ADMIN),
        },
    )


@require_POST
@role_requis(Role.IEN, Role.ERUN, Role.CPD, Role.ADMIN)
def inviter(request, uai):
    ecole = get_object_or_404(Ecole.objects.visibles_par(request.user), uai=uai)
    campagne = Campagne.objects.courante()
    directeurs = list(ecole.personnels.filter(role=Role.DIRECTEUR, is_active=True).values_list("email", flat=True))
    if not directeurs:
        messages.error(request, f"Aucun compte de directeur n'est rattaché à « {ecole.nom} » : invitation impossible.")
        return redirect("candidatures:reperage")
    envoyer(directeurs, "candidatures/email/invitation", {"ecole": ecole, "campagne": campagne, "auteur": request.user})
    messages.success(request, f"Invitation à candidater envoyée à la direction de « {ecole.nom} ».")
    return redirect("candidatures:reperage")
