from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from classes_mobiles.courriels import envoyer
from classes_mobiles.documents import derniere_version, versions
from classes_mobiles.enums import Role
from classes_mobiles.exports import reponse_export
from classes_mobiles.models import Campagne, Circonscription, Ecole
from classes_mobiles.perms import role_requis

from . import workflow
from .documents import cle_pv, demander_pv
from .eligibilite import calculer_drapeaux, repartition_geographique
from .enums import Decision, Etat
from .filtres import FiltreCandidatures
from .forms import AvisForm, CandidatureForm, CommentaireForm, DecisionForm, PropositionLigneForm, SessionForm
from .models import Candidature, PieceJointe, SessionCommission, VoeuPeriode
from .reperage import classer_ecoles

ROLES_DEPOSANTS = (Role.ENSEIGNANT, Role.DIRECTEUR)
ROLES_INSTRUCTION = (Role.IEN, Role.ERUN, Role.CPD, Role.COMMISSION, Role.DASEN, Role.ADMIN)
ROLES_COMMISSION = (Role.COMMISSION, Role.CPD, Role.DASEN, Role.ADMIN)
ETATS_MODIFIABLES = (Etat.BROUILLON, Etat.A_COMPLETER)


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
    candidature = get_object_or_404(Candidature.objects.filter(enseignant=request.user), uuid=uuid)
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
                        workflow.appliquer("soumettre", candidature, request.user)
            except workflow.TransitionImpossible as erreur:
                # Everything was rolled back: a new candidature does not exist (its in-memory id is stale).
                messages.error(request, erreur.message)
                if Candidature.objects.filter(pk=candidature.pk).exists():
                    return redirect(candidature)
                return redirect("candidatures:mes_candidatures")
            if soumission:
                messages.success(request, "Candidature soumise : le directeur de l'école est prévenu.")
            else:
                messages.success(request, "Brouillon enregistré.")
            return redirect(candidature)
        messages.error(request, "Le formulaire contient des erreurs : corrigez les champs signalés.")
    return render(request, "candidatures/formulaire.html", {"form": form, "candidature": candidature})


def _enregistrer(form, user):
    candidature = form.save()
    VoeuPeriode.objects.filter(candidature=candidature).delete()
    VoeuPeriode.objects.bulk_create(
        VoeuPeriode(candidature=candidature, periode=periode, rang=rang)
        for rang, periode in enumerate(form.voeux_choisis(), start=1)
    )
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
    if request.user.role in ROLES_INSTRUCTION or request.user.is_superuser:
        calculer_drapeaux([candidature])
    possibles = {t.nom for t in workflow.transitions_possibles(request.user, candidature)}
    contexte = {
        "candidature": candidature,
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
    if request.user.role not in workflow.TRANSITIONS[nom].roles and not request.user.is_superuser:
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
    qs = _liste(filtre.filtrer(qs)).order_by("ecole__circonscription__nom", "ecole__nom", "pk")
    format_export = request.GET.get("export")
    if format_export:
        return reponse_export(
            format_export,
            "candidatures",
            ENTETES_EXPORT,
            (_ligne_export(c) for c in calculer_drapeaux(qs)),
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
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


def _ligne_export(c):
    return [
        c.campagne.nom,
        c.ecole.circonscription.nom,
        c.ecole.nom,
        c.ecole.uai,
        c.ecole.commune.nom,
        str(c.enseignant),
        c.titre,
        c.niveaux_libelle,
        c.nb_eleves,
        c.get_etat_display(),
        c.get_avis_ien_display(),
        c.get_proposition_display(),
        c.periode_proposee.libelle if c.periode_proposee else "",
        c.get_decision_display(),
        " ; ".join(c.drapeaux),
    ]


# --- Commission ----------------------------------------------------------------------------------------------


@role_requis(*ROLES_COMMISSION)
def sessions(request):
    form = SessionForm(data=request.POST or None)
    campagne = Campagne.objects.courante()
    if request.method == "POST":
        if request.user.role not in (Role.COMMISSION, Role.CPD, Role.ADMIN):
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
        request, "candidatures/sessions.html", {"sessions": liste_sessions, "form": form, "campagne": campagne}
    )


def _session(request, uuid):
    return get_object_or_404(SessionCommission.objects.visibles_par(request.user).select_related("campagne"), uuid=uuid)


@role_requis(*ROLES_COMMISSION)
def session_detail(request, uuid):
    session = _session(request, uuid)
    inscrites = calculer_drapeaux(
        _liste(session.candidatures.all()).order_by("rang", "ecole__circonscription__nom", "ecole__nom")
    )
    lignes = [
        (c, PropositionLigneForm(prefix=str(c.uuid), campagne=session.campagne, initial=_initial_ligne(c)))
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
    return render(
        request,
        "candidatures/session_detail.html",
        {
            "session": session,
            "lignes": lignes,
            "a_inscrire": a_inscrire,
            "repartition": repartition_geographique(session),
            "membres": session.membres.all(),
            "peut_proposer": request.user.role in (Role.COMMISSION, Role.ADMIN) and not session.cloturee,
            "peut_inscrire": request.user.role in (Role.COMMISSION, Role.CPD, Role.ADMIN) and not session.cloturee,
            "pv": derniere_version(cle_pv(session)),
            "versions_pv": versions(cle_pv(session)),
        },
    )


def _initial_ligne(c):
    return {"rang": c.rang, "proposition": c.proposition, "periode": c.periode_proposee_id}


@require_POST
@role_requis(Role.COMMISSION, Role.CPD, Role.ADMIN)
def session_inscrire(request, uuid):
    session = _session(request, uuid)
    choisies = Candidature.objects.visibles_par(request.user).filter(
        uuid__in=request.POST.getlist("candidatures"), campagne=session.campagne
    )
    nb, erreurs = 0, 0
    for candidature in choisies:
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
@role_requis(Role.COMMISSION, Role.ADMIN)
def session_proposer(request, uuid):
    session = _session(request, uuid)
    if session.cloturee:
        messages.error(request, "Les propositions de cette session ont déjà été transmises.")
        return redirect(session)
    candidatures = list(session.candidatures.filter(etat=Etat.INSCRITE))
    formulaires = [
        (c, PropositionLigneForm(data=request.POST, prefix=str(c.uuid), campagne=session.campagne))
        for c in candidatures
    ]
    invalides = [(c, f) for c, f in formulaires if not f.is_valid()]
    if invalides:
        for c, f in invalides:
            _signaler_erreurs(request, f, prefixe=f"{c.titre} : ")
        return redirect(session)
    rangs = [f.cleaned_data["rang"] for _, f in formulaires if f.cleaned_data.get("rang")]
    if len(rangs) != len(set(rangs)):
        messages.error(request, "Deux candidatures ne peuvent avoir le même rang.")
        return redirect(session)
    nb = 0
    with transaction.atomic():
        # Ranks first (unique per session): clear them, then set the new ones.
        session.candidatures.filter(etat=Etat.INSCRITE).update(rang=None)
        for c, f in formulaires:
            if f.cleaned_data.get("rang"):
                Candidature.objects.filter(pk=c.pk).update(rang=f.cleaned_data["rang"])
        for c, f in formulaires:
            if f.cleaned_data.get("proposition"):
                workflow.appliquer(
                    "proposer",
                    c,
                    request.user,
                    proposition=f.cleaned_data["proposition"],
                    periode=f.cleaned_data.get("periode"),
                    rang=f.cleaned_data.get("rang"),
                )
                nb += 1
    messages.success(request, f"Classement enregistré ; {nb} proposition(s) transmise(s) au DASEN.")
    return redirect(session)


@require_POST
@role_requis(Role.COMMISSION, Role.CPD, Role.ADMIN)
def session_pv(request, uuid):
    session = _session(request, uuid)
    demander_pv(session, request.user)
    messages.success(request, "La génération du procès-verbal est lancée.")
    return redirect(session)


# --- DASEN ---------------------------------------------------------------------------------------------------


@role_requis(Role.DASEN, Role.ADMIN, Role.COMMISSION, Role.CPD)
def decisions(request, uuid):
    session = _session(request, uuid)
    propositions = calculer_drapeaux(
        _liste(session.candidatures.filter(etat=Etat.PROPOSEE)).order_by("rang", "ecole__nom")
    )
    decidees = _liste(session.candidatures.filter(decision__gt="")).order_by("rang", "ecole__nom")
    return render(
        request,
        "candidatures/decisions.html",
        {
            "session": session,
            "propositions": propositions,
            "decidees": decidees,
            "decisions": Decision.choices,
            "peut_decider": request.user.role in (Role.DASEN, Role.ADMIN),
        },
    )


@require_POST
@role_requis(Role.DASEN, Role.ADMIN)
def decider_plusieurs(request, uuid):
    session = _session(request, uuid)
    form = DecisionForm(data=request.POST)
    choisies = session.candidatures.filter(uuid__in=request.POST.getlist("candidatures"), etat=Etat.PROPOSEE)
    if not form.is_valid():
        _signaler_erreurs(request, form)
        return redirect("candidatures:decisions", uuid=session.uuid)
    if not choisies:
        messages.error(request, "Cochez au moins une proposition à décider.")
        return redirect("candidatures:decisions", uuid=session.uuid)
    with transaction.atomic():
        for candidature in choisies:
            workflow.appliquer(
                "decider",
                candidature,
                request.user,
                commentaire=form.cleaned_data["commentaire"],
                decision=form.cleaned_data["decision"],
            )
    messages.success(request, f"{len(choisies)} décision(s) enregistrée(s) ; les enseignants sont prévenus.")
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
