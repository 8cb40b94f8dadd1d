"""The crispy_dsfr template pack renders DSFR markup, accessible errors included."""

import pytest
from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Button, ButtonHolder, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test.html import Element, parse_html
from django.urls import reverse

CHOIX_NIVEAU = [("", "---------"), ("cp", "CP"), ("ce1", "CE1")]
CHOIX_JOURS = [("lundi", "Lundi"), ("mardi", "Mardi")]


class FormulaireEssai(forms.Form):
    nom = forms.CharField(label="Nom de l'école", help_text="Tel qu'il figure dans l'annuaire")
    courriel = forms.EmailField(label="Courriel")
    niveau = forms.ChoiceField(label="Niveau", choices=CHOIX_NIVEAU, required=False)
    remarques = forms.CharField(label="Remarques", widget=forms.Textarea, required=False)
    accord = forms.BooleanField(label="J'accepte les conditions", required=False)
    creneau = forms.ChoiceField(
        label="Créneau", widget=forms.RadioSelect, choices=[("matin", "Matin"), ("apres_midi", "Après-midi")]
    )
    jours = forms.MultipleChoiceField(
        label="Jours", widget=forms.CheckboxSelectMultiple, choices=CHOIX_JOURS, required=False
    )
    piece = forms.FileField(label="Pièce jointe", required=False)
    jeton = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        donnees = super().clean()
        if donnees.get("courriel", "").endswith("@interdit.fr"):
            raise forms.ValidationError("Ce domaine n'est pas accepté.")
        return donnees


def rendre(gabarit, **contexte):
    contexte.setdefault("csrf_token", "jeton-csrf")
    html = Template("{% load crispy_forms_tags %}" + gabarit).render(Context(contexte))
    # Wrapped so that the root is always the same container, whatever the number of top-level nodes.
    return parse_html(f"<main>{html}</main>")


def elements(racine, balise=None, **attrs):
    """Every element below ``racine`` with tag ``balise`` whose attributes contain ``attrs``.

    ``class_`` matches one CSS class among the element's classes; ``for_`` is ``for``, ``aria_x`` is ``aria-x``.
    """
    trouves = []
    for enfant in racine.children if isinstance(racine, Element) else []:
        if isinstance(enfant, str):
            continue
        attributs = dict(enfant.attributes)
        ok = balise is None or enfant.name == balise
        for nom, valeur in attrs.items():
            if nom == "class_":
                ok = ok and valeur in (attributs.get("class") or "").split()
            else:
                ok = ok and attributs.get(nom.rstrip("_").replace("_", "-")) == valeur
        if ok:
            trouves.append(enfant)
        trouves += elements(enfant, balise, **attrs)
    return trouves


def unique(racine, balise=None, **attrs):
    trouves = elements(racine, balise, **attrs)
    assert len(trouves) == 1, (balise, attrs, trouves)
    return trouves[0]


def attr(element, nom):
    return dict(element.attributes).get(nom)


def classes(element):
    """CSS classes as a set (parse_html sorts them)."""
    return set((attr(element, "class") or "").split())


def texte(element):
    morceaux = []
    for enfant in element.children:
        morceaux.append(enfant if isinstance(enfant, str) else texte(enfant))
    return " ".join(" ".join(morceaux).split())


def formulaire_invalide():
    formulaire = FormulaireEssai(data={"nom": "", "courriel": "a@interdit.fr", "creneau": ""})
    assert not formulaire.is_valid()
    return formulaire


def test_champ_texte_avec_aide():
    page = rendre("{{ form|crispy }}", form=FormulaireEssai())

    groupe = unique(page, "div", id="div_id_nom")
    assert classes(groupe) == {"fr-input-group"}
    label = unique(groupe, "label", for_="id_nom")
    assert "fr-label" in classes(label)
    aide = unique(label, "span", class_="fr-hint-text")
    assert attr(aide, "id") == "id_nom_helptext"
    assert texte(aide) == "Tel qu'il figure dans l'annuaire"
    champ = unique(groupe, "input", id="id_nom")
    assert classes(champ) == {"fr-input"}
    assert attr(champ, "aria-describedby") == "id_nom_helptext"
    assert attr(champ, "required") is None and "required" in dict(champ.attributes)
    assert "aria-invalid" not in dict(champ.attributes)
    assert not elements(page, class_="fr-alert")


def test_champ_obligatoire_invalide_reference_son_erreur():
    page = rendre("{{ form|crispy }}", form=formulaire_invalide())

    groupe = unique(page, "div", id="div_id_nom")
    assert classes(groupe) == {"fr-input-group", "fr-input-group--error"}
    champ = unique(groupe, "input", id="id_nom")
    assert classes(champ) == {"fr-input", "fr-input--error"}
    assert attr(champ, "aria-invalid") == "true"
    assert attr(champ, "aria-describedby").split() == ["id_nom_helptext", "id_nom_error"]
    erreur = unique(page, "p", id="id_nom_error")
    assert classes(erreur) == {"fr-message", "fr-message--error"}
    assert texte(erreur) == "Ce champ est obligatoire."
    assert attr(unique(groupe, class_="fr-messages-group"), "id") == "id_nom_messages"


def test_select_textarea_et_fichier():
    page = rendre("{{ form|crispy }}", form=FormulaireEssai())

    groupe = unique(page, "div", id="div_id_niveau")
    assert classes(groupe) == {"fr-select-group"}
    assert classes(unique(groupe, "select", id="id_niveau")) == {"fr-select"}

    groupe = unique(page, "div", id="div_id_remarques")
    assert classes(groupe) == {"fr-input-group"}
    assert "fr-input" in classes(unique(groupe, "textarea", id="id_remarques"))

    groupe = unique(page, "div", id="div_id_piece")
    assert classes(groupe) == {"fr-upload-group"}
    fichier = unique(groupe, "input", id="id_piece")
    assert attr(fichier, "type") == "file"
    assert classes(fichier) == {"fr-upload"}
    assert unique(groupe, "label", for_="id_piece")

    assert attr(unique(page, "input", id="id_jeton"), "type") == "hidden"


def test_fichier_existant_peut_etre_supprime():
    fichier = SimpleUploadedFile("plan.pdf", b"%PDF")
    fichier.url = "/media/plan.pdf"
    page = rendre("{{ form|crispy }}", form=FormulaireEssai(initial={"piece": fichier}))

    groupe = unique(page, "div", id="div_id_piece")
    assert attr(unique(groupe, "a"), "href") == "/media/plan.pdf"
    case = unique(groupe, "input", type="checkbox")
    assert attr(case, "name") == "piece-clear"
    assert texte(unique(groupe, "label", for_=attr(case, "id"))) == "Supprimer le fichier actuel"


def test_case_a_cocher_seule():
    page = rendre("{{ form|crispy }}", form=FormulaireEssai())

    groupe = unique(page, "div", id="div_id_accord")
    assert classes(groupe) == {"fr-checkbox-group"}
    case, label = [enfant for enfant in groupe.children if isinstance(enfant, Element)][:2]
    assert case.name == "input" and attr(case, "type") == "checkbox"
    assert label.name == "label" and attr(label, "for") == "id_accord"


def test_boutons_radio_en_fieldset_avec_erreur():
    page = rendre("{{ form|crispy }}", form=formulaire_invalide())

    fieldset = unique(page, "fieldset", id="id_creneau")
    assert classes(fieldset) == {"fr-fieldset", "fr-fieldset--error"}
    assert attr(fieldset, "aria-labelledby").split() == ["id_creneau_legend", "id_creneau_messages"]
    legende = unique(fieldset, "legend", id="id_creneau_legend")
    assert "fr-fieldset__legend" in classes(legende)
    assert texte(legende) == "Créneau"
    options = elements(fieldset, "div", class_="fr-fieldset__element")
    assert len(options) == 2
    for option, (valeur, libelle) in zip(options, [("matin", "Matin"), ("apres_midi", "Après-midi")], strict=True):
        groupe = unique(option, "div", class_="fr-radio-group")
        radio = unique(groupe, "input", value=valeur)
        assert attr(radio, "type") == "radio" and attr(radio, "name") == "creneau"
        assert texte(unique(groupe, "label", for_=attr(radio, "id"))) == libelle
    messages = unique(fieldset, "div", id="id_creneau_messages")
    assert "fr-messages-group" in classes(messages)
    assert texte(unique(messages, "p", class_="fr-message--error")) == "Ce champ est obligatoire."


def test_cases_multiples_en_fieldset():
    page = rendre("{{ form|crispy }}", form=FormulaireEssai())

    fieldset = unique(page, "fieldset", id="id_jours")
    assert classes(fieldset) == {"fr-fieldset"}
    assert texte(unique(fieldset, "legend", class_="fr-fieldset__legend")) == "Jours"
    groupes = elements(fieldset, "div", class_="fr-checkbox-group")
    assert len(groupes) == 2
    assert [attr(unique(groupe, "input"), "value") for groupe in groupes] == ["lundi", "mardi"]
    assert [attr(unique(groupe, "input"), "type") for groupe in groupes] == ["checkbox", "checkbox"]


def test_resume_des_erreurs_en_tete_avec_liens_vers_les_champs():
    page = rendre("{{ form|crispy }}", form=formulaire_invalide())

    alerte = unique(page, "div", class_="fr-alert")
    assert {"fr-alert--error", "cm-resume-erreurs"} <= classes(alerte)
    assert attr(alerte, "role") == "alert"
    # Focusable by script (static/js/formulaires.js), not in the tab order.
    assert attr(alerte, "tabindex") == "-1"
    assert [enfant for enfant in page.children if isinstance(enfant, Element)][0] == alerte
    assert texte(unique(alerte, "p", class_="fr-alert__title")) == "Le formulaire contient 3 erreurs"
    entrees = elements(unique(alerte, "ul"), "li")
    assert texte(entrees[0]) == "Ce domaine n'est pas accepté."
    assert not elements(entrees[0], "a")
    liens = [(attr(lien, "href"), texte(lien)) for lien in elements(alerte, "a")]
    assert liens == [
        ("#id_nom", "Nom de l'école : Ce champ est obligatoire."),
        ("#id_creneau_0", "Créneau : Ce champ est obligatoire."),
    ]
    # Each anchor reaches a control of the page.
    for ancre, _ in liens:
        assert elements(page, "input", id=ancre[1:])


def test_resume_d_une_seule_erreur_de_champ():
    formulaire = FormulaireEssai(data={"nom": "École", "courriel": "pas-un-courriel", "creneau": "matin"})
    assert not formulaire.is_valid()
    page = rendre("{{ form|crispy }}", form=formulaire)

    alerte = unique(page, "div", class_="fr-alert")
    assert "fr-alert--sm" in classes(alerte)
    lien = unique(alerte, "a")
    assert attr(lien, "href") == "#id_courriel"
    assert texte(lien).startswith("Courriel : ")


def test_layout_avec_fieldset_grille_et_boutons():
    formulaire = formulaire_invalide()
    formulaire.helper = FormHelper()
    formulaire.helper.form_id = "formulaire-essai"
    formulaire.helper.layout = Layout(
        Fieldset("Établissement", "nom", Row(Column("courriel"), Column("niveau"))),
        InlineRadios("creneau"),
        HTML("<p>Texte libre</p>"),
        ButtonHolder(Submit("enregistrer", "Enregistrer"), Button("annuler", "Annuler", css_class="btn extra")),
    )
    page = rendre("{% crispy form %}", form=formulaire)

    form = unique(page, "form", id="formulaire-essai")
    assert attr(form, "method") == "post"
    assert unique(form, "div", class_="fr-alert", role="alert")

    fieldset = [f for f in elements(form, "fieldset") if texte(unique(f, "legend")) == "Établissement"][0]
    assert classes(fieldset) == {"fr-fieldset"}
    assert classes(unique(fieldset, "legend")) == {"fr-fieldset__legend"}
    element = unique(fieldset, "div", class_="fr-fieldset__element")
    assert unique(element, "input", id="id_nom", aria_invalid="true")
    ligne = unique(element, "div", class_="fr-grid-row")
    assert len(elements(ligne, "div", class_="fr-col-md")) == 2

    radios = unique(form, "fieldset", id="id_creneau")
    assert len(elements(radios, "div", class_="fr-fieldset__element--inline")) == 2

    assert "Texte libre" in [texte(p) for p in elements(form, "p")]
    groupe = unique(form, "ul", class_="fr-btns-group")
    assert "fr-btns-group--inline-md" in classes(groupe)
    items = [enfant for enfant in groupe.children if isinstance(enfant, Element)]
    assert [item.name for item in items] == ["li", "li"]
    enregistrer = unique(items[0], "button")
    assert attr(enregistrer, "type") == "submit" and classes(enregistrer) == {"fr-btn"}
    assert texte(enregistrer) == "Enregistrer"
    annuler = unique(items[1], "button")
    assert attr(annuler, "type") == "button"
    assert classes(annuler) == {"fr-btn", "fr-btn--secondary", "extra"}


def test_helper_sans_layout_avec_fichier_et_bouton():
    formulaire = FormulaireEssai()
    formulaire.helper = FormHelper()
    formulaire.helper.add_input(Submit("envoyer", "Envoyer"))
    page = rendre("{% crispy form %}", form=formulaire)

    form = unique(page, "form")
    assert attr(form, "enctype") == "multipart/form-data"
    assert unique(form, "input", class_="fr-upload")
    bouton = unique(unique(form, "ul", class_="fr-btns-group"), "button")
    assert classes(bouton) == {"fr-btn"}


def test_formset():
    Formset = forms.formset_factory(FormulaireEssai, extra=2)
    page = rendre("{{ formset|crispy }}", formset=Formset())

    assert unique(page, "input", name="form-TOTAL_FORMS")
    assert unique(page, "input", id="id_form-1-nom", class_="fr-input")


@pytest.mark.django_db
def test_page_de_connexion_utilise_le_pack(client):
    reponse = client.post(reverse("connexion"), {"username": "inconnu@exemple.fr", "password": "faux"})

    page = parse_html(reponse.content.decode())
    form = unique(page, "form", action=reverse("connexion"))
    assert unique(form, "div", id="div_id_username", class_="fr-input-group")
    assert unique(form, "input", id="id_password", class_="fr-input")
    assert unique(form, "div", class_="fr-alert--error", role="alert", tabindex="-1")
    assert "/static/js/formulaires.js" in reponse.content.decode()
