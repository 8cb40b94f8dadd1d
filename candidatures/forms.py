import zipfile

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from classes_mobiles.enums import TypeEcole
from classes_mobiles.models import Periode, Utilisateur

from .enums import NIVEAUX_ELEMENTAIRE, NIVEAUX_MATERNELLE, Avis, Decision, Niveau, Proposition
from .models import CHAMPS_OBLIGATOIRES_DEPOT, ENGAGEMENTS, Candidature, SessionCommission, bornes_campagne

TAILLE_MAX_PIECE = 10 * 1024 * 1024
NB_VOEUX = 3


def type_reel(fichier):
    """The file's type from its content (magic bytes), never from its name. None when not accepted."""
    debut = fichier.read(2048)
    fichier.seek(0)
    if debut.startswith(b"%PDF-"):
        return "application/pdf"
    if debut.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if debut.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if debut.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fichier) as archive:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
        except (zipfile.BadZipFile, KeyError):
            return None
        finally:
            fichier.seek(0)
        if mimetype.startswith("application/vnd.oasis.opendocument."):
            return mimetype
    return None


def niveaux_de_l_ecole(ecole):
    """The class levels a school teaches, from its type (a primaire teaches them all)."""
    if ecole is not None and ecole.type_ecole == TypeEcole.MATERNELLE:
        return NIVEAUX_MATERNELLE
    if ecole is not None and ecole.type_ecole == TypeEcole.ELEMENTAIRE:
        return NIVEAUX_ELEMENTAIRE
    return tuple(Niveau)


class CandidatureForm(forms.ModelForm):
    niveaux = forms.MultipleChoiceField(
        label="Niveau(x) de la classe",
        choices=Niveau.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez tous les niveaux d'une classe à plusieurs niveaux.",
        error_messages={"required": "Cochez au moins un niveau."},
    )
    piece_jointe = forms.FileField(
        label="Pièce jointe (facultatif)",
        required=False,
        help_text="PDF, ODT ou image (PNG, JPEG), 10 Mo au plus.",
    )

    class Meta:
        model = Candidature
        fields = [
            "titre",
            "niveaux",
            "nb_eleves",
            "motivation",
            "objectifs",
            "inscription_programmes",
            "inscription_projets",
            "coherence_actions",
            "apprentissages",
            "usages_prevus",
            "materiel",
            "autre_dispositif",
            "stockage_securise",
            "acces_internet",
            "impression",
            "sauvegardes",
            "conditions_remarques",
        ] + [nom for nom, _ in ENGAGEMENTS]
        widgets = {
            "materiel": forms.RadioSelect,
            **{
                nom: forms.Textarea(attrs={"rows": 4})
                for nom in [
                    "motivation",
                    "objectifs",
                    "inscription_programmes",
                    "inscription_projets",
                    "coherence_actions",
                    "apprentissages",
                    "usages_prevus",
                    "conditions_remarques",
                ]
            },
        }

    def __init__(self, *args, campagne, soumission=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.campagne = campagne
        self.soumission = soumission
        self.aujourd_hui = timezone.localdate()
        self._limiter_niveaux()
        periodes = list(Periode.objects.filter(campagne=campagne).order_by("date_debut"))
        voeux_actuels = set()
        if self.instance.pk:
            for voeu in self.instance.voeux.all():
                if voeu.rang <= NB_VOEUX:
                    self.initial[f"voeu_{voeu.rang}"] = voeu.periode_id
                    voeux_actuels.add(voeu.periode_id)
        # Offered: the periods not started yet, plus those already wished (shown, so that the error says why).
        choix = [("", "— Choisir une période —")] + [
            (p.pk, str(p)) for p in periodes if p.date_debut > self.aujourd_hui or p.pk in voeux_actuels
        ]
        for i in range(1, NB_VOEUX + 1):
            champ = forms.ModelChoiceField(
                label=f"Période souhaitée n° {i}" + (" (facultatif)" if i > 1 else ""),
                queryset=Periode.objects.filter(campagne=campagne),
                required=False,
                error_messages={"invalid_choice": "Cette période n'appartient pas à la campagne."},
            )
            champ.choices = choix
            self.fields[f"voeu_{i}"] = champ
        self.fields["titre"].error_messages["required"] = "Donnez un titre au projet."
        self.fields["nb_eleves"].error_messages.update(
            {
                "min_value": "Le nombre d'élèves doit être au moins 1.",
                "max_value": "Une classe compte au plus 35 élèves.",
                "invalid": "Indiquez un nombre entier d'élèves.",
            }
        )
        for nom in CHAMPS_OBLIGATOIRES_DEPOT:
            self.fields[nom].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("La classe", "titre", "niveaux", "nb_eleves"),
            Fieldset(
                "Le projet pédagogique",
                "motivation",
                "objectifs",
                "inscription_programmes",
                "inscription_projets",
                "coherence_actions",
                "apprentissages",
                "usages_prevus",
                "autre_dispositif",
            ),
            Fieldset(
                "Le matériel et les périodes",
                "materiel",
                HTML(
                    '<p class="fr-text--sm">Seules les périodes qui n\'ont pas encore commencé peuvent être demandées.</p>'
                ),
                *[f"voeu_{i}" for i in range(1, NB_VOEUX + 1)],
            ),
            Fieldset(
                "Les conditions matérielles",
                "stockage_securise",
                "acces_internet",
                "impression",
                "sauvegardes",
                "conditions_remarques",
            ),
            Fieldset(
                "Les engagements",
                HTML('<p class="fr-text--sm">Tous les engagements sont nécessaires pour soumettre la candidature.</p>'),
                *[nom for nom, _ in ENGAGEMENTS],
            ),
            Fieldset("Pièce jointe", "piece_jointe"),
        )

    def _limiter_niveaux(self):
        """Only the levels the school teaches: a maternelle has no CM2, an elementary school no PS."""
        ecole = self.instance.ecole if self.instance.ecole_id else None
        niveaux = niveaux_de_l_ecole(ecole)
        champ = self.fields["niveaux"]
        champ.choices = [(n.value, n.label) for n in niveaux]
        type_libelle = ecole.get_type_ecole_display().lower() if ecole else "type inconnu"
        champ.error_messages["invalid_choice"] = (
            f"Le niveau « %(value)s » n'est pas enseigné dans cette école ({type_libelle}) : "
            "cochez les niveaux de la classe parmi ceux proposés."
        )

    def _clean_voeu(self, nom):
        periode = self.cleaned_data.get(nom)
        if periode is not None and periode.date_debut <= self.aujourd_hui:
            raise ValidationError(
                f"La période « {periode.libelle} » a commencé le {periode.date_debut:%d/%m/%Y} : "
                "choisissez une période à venir."
            )
        return periode

    def clean_voeu_1(self):
        return self._clean_voeu("voeu_1")

    def clean_voeu_2(self):
        return self._clean_voeu("voeu_2")

    def clean_voeu_3(self):
        return self._clean_voeu("voeu_3")

    def clean_piece_jointe(self):
        fichier = self.cleaned_data.get("piece_jointe")
        if not fichier:
            return fichier
        if fichier.size > TAILLE_MAX_PIECE:
            raise ValidationError("Le fichier dépasse 10 Mo.")
        type_mime = type_reel(fichier)
        if type_mime is None:
            raise ValidationError(
                "Ce fichier n'est pas un PDF, un document OpenDocument ou une image PNG ou JPEG (son contenu a été vérifié)."
            )
        fichier.type_reel = type_mime
        return fichier

    def clean(self):
        donnees = super().clean()
        voeux = [donnees.get(f"voeu_{i}") for i in range(1, NB_VOEUX + 1)]
        choisis = [v for v in voeux if v]
        if len({v.pk for v in choisis}) != len(choisis):
            self.add_error("voeu_2", "Une même période ne peut être demandée deux fois.")
        if self.soumission:
            for nom in CHAMPS_OBLIGATOIRES_DEPOT:
                if donnees.get(nom) in (None, ""):
                    self.add_error(nom, "Ce champ est obligatoire pour soumettre la candidature.")
            if not choisis:
                self.add_error("voeu_1", "Indiquez au moins une période souhaitée.")
            for nom, _ in ENGAGEMENTS:
                if not donnees.get(nom):
                    self.add_error(nom, "Cet engagement est nécessaire pour soumettre la candidature.")
        return donnees

    def voeux_choisis(self):
        return [self.cleaned_data[f"voeu_{i}"] for i in range(1, NB_VOEUX + 1) if self.cleaned_data.get(f"voeu_{i}")]


class CommentaireForm(forms.Form):
    commentaire = forms.CharField(
        label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


class AvisForm(CommentaireForm):
    avis = forms.ChoiceField(
        label="Avis de l'IEN",
        choices=Avis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez un avis."},
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Décision", choices=Decision.choices, widget=forms.RadioSelect)
    commentaire = forms.CharField(
        label="Motivation", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        error_messages={"required": "La motivation de la décision est obligatoire."},
    )  # fmt: skip


class DecisionLigneForm(forms.Form):
    """One proposal on the DASEN's page: the decision (starting from the proposal) and its own motivation."""

    decision = forms.ChoiceField(
        label="Décision", choices=Decision.choices, error_messages={"required": "Choisissez une décision."}
    )
    motivation = forms.CharField(
        label="Motivation", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )


class SessionForm(forms.ModelForm):
    class Meta:
        model = SessionCommission
        fields = ["date", "lieu", "membres", "membres_externes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "membres": forms.CheckboxSelectMultiple,
            "membres_externes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, campagne=None, **kwargs):
        super().__init__(*args, **kwargs)
        from classes_mobiles.enums import Role

        if campagne is not None:
            # The model's clean() checks the date against the campaign.
            self.instance.campagne = campagne
            debut, fin = bornes_campagne(campagne)
            self.fields[
                "date"
            ].help_text = f"Pendant la campagne « {campagne.nom} » : entre le {debut:%d/%m/%Y} et le {fin:%d/%m/%Y}."
        self.fields["membres"].queryset = Utilisateur.objects.filter(
            role__in=[Role.COMMISSION, Role.IEN, Role.CPD, Role.ERUN], is_active=True
        ).order_by("nom")
        self.fields["date"].error_messages["invalid"] = "Saisissez une date valide."
        self.helper = FormHelper()
        self.helper.form_tag = False


class PropositionLigneForm(forms.Form):
    """One row of the session page: rank, proposal, proposed period."""

    rang = forms.IntegerField(label="Rang", min_value=1, max_value=999, required=False)
    proposition = forms.ChoiceField(
        label="Proposition", choices=[("", "— À proposer —"), *Proposition.choices], required=False
    )
    periode = forms.ModelChoiceField(
        label="Période proposée",
        queryset=Periode.objects.none(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": "Cette période n'appartient pas à la campagne."},
    )

    def __init__(self, *args, campagne, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["periode"].queryset = Periode.objects.filter(campagne=campagne)

    def clean(self):
        donnees = super().clean()
        if donnees.get("proposition") == Proposition.RETENUE and not donnees.get("periode"):
            self.add_error("periode", "Une candidature retenue demande une période.")
        return donnees
