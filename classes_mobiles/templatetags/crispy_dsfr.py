"""Helpers for the ``crispy_dsfr`` crispy-forms template pack (DSFR markup).

``{% dsfr_champ field as champ %}`` gathers everything a field template needs: the kind of
DSFR component, the ids of the hint, legend, message group and each error, and the widget
rendered with the DSFR classes plus ``aria-describedby`` / ``aria-invalid``. The widget is
rendered through ``BoundField.as_widget(attrs=...)`` so the form's widget attrs are never mutated.
"""

from html.parser import HTMLParser

from django import forms, template
from django.utils.safestring import mark_safe

register = template.Library()

# Widget kind -> (group class, control class). The error modifiers are "<class>--error".
_CLASSES = {
    "input": ("fr-input-group", "fr-input"),
    "select": ("fr-select-group", "fr-select"),
    "upload": ("fr-upload-group", "fr-upload"),
    "checkbox": ("fr-checkbox-group", ""),
    "radios": ("fr-fieldset", ""),
    "checkboxes": ("fr-fieldset", ""),
}

# Default bootstrap classes of crispy's buttons, replaced by DSFR ones.
_BOUTONS = {
    "submit": "fr-btn",
    "button": "fr-btn fr-btn--secondary",
    "reset": "fr-btn fr-btn--tertiary",
}


def _nature(field):
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "upload"
    return "input"


def _joindre(*classes):
    vues = []
    for chaine in classes:
        for nom in (chaine or "").split():
            if nom not in vues:
                vues.append(nom)
    return " ".join(vues)


@register.filter
def dsfr_nature(field):
    """Kind of DSFR component for a bound field: input, select, upload, checkbox, radios, ..."""
    return _nature(field)


@register.simple_tag(takes_context=True)
def dsfr_champ(context, field, inline=False):
    """Return a dict describing ``field`` for the pack's field templates."""
    nature = _nature(field)
    widget = field.field.widget
    base = widget.attrs.get("id") or field.auto_id or f"id_{field.html_name}"
    montrer_erreurs = context.get("form_show_errors", True)
    erreurs = []
    if montrer_erreurs:
        erreurs = [
            {"id": f"{base}_error" if rang == 0 else f"{base}_error_{rang + 1}", "texte": texte}
            for rang, texte in enumerate(field.errors)
        ]
    ids = {
        "base": base,
        "hint": f"{base}_helptext",
        "legend": f"{base}_legend",
        "messages": f"{base}_messages",
    }
    groupe, controle = _CLASSES.get(nature, ("", ""))
    champ = {
        "nature": nature,
        "ids": ids,
        "erreurs": erreurs,
        "invalide": bool(field.errors) and montrer_erreurs,
        "classe_groupe": _joindre(
            groupe,
            f"{groupe}--error" if erreurs and groupe else "",
            f"{groupe}--disabled" if field.field.disabled and groupe else "",
        ),
        "inline": inline,
    }

    attrs = {}
    if field.auto_id is False or not field.auto_id:
        attrs["id"] = base
    if controle:
        attrs["class"] = _joindre(controle, f"{controle}--error" if erreurs else "", widget.attrs.get("class"))
    if nature in ("radios", "checkboxes"):
        # The fieldset carries the name and the errors; each option is a plain input.
        champ["options"] = _options(field, erreurs)
        return champ
    if nature == "hidden":
        champ["widget"] = field.as_widget()
        return champ

    decrit_par = [widget.attrs.get("aria-describedby", "")]
    if field.help_text:
        decrit_par.append(ids["hint"])
    decrit_par += [erreur["id"] for erreur in erreurs]
    if decrit_par := _joindre(*decrit_par):
        attrs["aria-describedby"] = decrit_par
    if erreurs:
        attrs["aria-invalid"] = "true"

    if nature == "upload" and isinstance(widget, forms.ClearableFileInput):
        champ.update(_fichier_actuel(field))
        # Plain file input: the "current file / clear" part is rendered by the template.
        simple = forms.FileInput(attrs=widget.attrs)
        simple.allow_multiple_selected = widget.allow_multiple_selected
        champ["widget"] = field.as_widget(widget=simple, attrs=attrs)
    else:
        champ["widget"] = field.as_widget(attrs=attrs)
    return champ


def _fichier_actuel(field):
    widget = field.field.widget
    valeur = field.value()
    if not widget.is_initial(valeur):
        return {"fichier_actuel": None}
    nom_case = widget.clear_checkbox_name(field.html_name)
    return {
        "fichier_actuel": valeur,
        "case_effacer": None
        if field.field.required or field.field.disabled
        else {"name": nom_case, "id": widget.clear_checkbox_id(nom_case)},
    }


def _options(field, erreurs):
    options = []
    for choix in field.subwidgets:
        attrs = dict(choix.data["attrs"])
        # Errors are announced through the fieldset (aria-labelledby), not on every option.
        attrs.pop("aria-describedby", None)
        if erreurs:
            attrs["aria-invalid"] = "true"
        else:
            attrs.pop("aria-invalid", None)
        choix.data["attrs"] = attrs
        options.append({"tag": choix.tag(), "id": choix.id_for_label, "label": choix.choice_label})
    return options


@register.filter
def dsfr_classes_bouton(bouton):
    """DSFR classes for a crispy Submit / Button / Reset, keeping the non-bootstrap css_class."""
    propres = [nom for nom in (bouton.field_classes or "").split() if not nom.startswith("btn")]
    return _joindre(_BOUTONS.get(bouton.input_type, "fr-btn"), " ".join(propres))


@register.filter
def dsfr_aria_ids(erreurs):
    """Space-separated ids of a list of errors built by ``dsfr_champ``."""
    return " ".join(erreur["id"] for erreur in erreurs)


@register.filter
def dsfr_erreurs_formulaire(form):
    """The form's error summary: one entry per error, ``{"texte", "ancre"}``.

    Non-field errors and the errors of hidden fields (which have no place of their own) come first,
    without an anchor; then each visible field's errors, prefixed by its label, with the id of the
    control that a link to it must reach (the first option of a group of radios or checkboxes).
    """
    erreurs = [{"texte": texte, "ancre": ""} for texte in form.non_field_errors()]
    for champ in form.hidden_fields():
        erreurs += [{"texte": f"(Champ caché {champ.name}) {texte}", "ancre": ""} for texte in champ.errors]
    for champ in form.visible_fields():
        if not champ.errors:
            continue
        nature = _nature(champ)
        if nature in ("radios", "checkboxes"):
            sous_widgets = champ.subwidgets
            ancre = sous_widgets[0].id_for_label if sous_widgets else champ.auto_id
        else:
            ancre = champ.field.widget.attrs.get("id") or champ.id_for_label or champ.auto_id
        libelle = champ.label or champ.name
        erreurs += [{"texte": f"{libelle} : {texte}", "ancre": ancre or ""} for texte in champ.errors]
    return erreurs


class _Decoupeur(HTMLParser):
    """Split an HTML fragment into its top-level nodes (elements or non-blank text)."""

    VIDES = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self, html):
        super().__init__(convert_charrefs=False)
        self.html = html
        self.debuts_lignes = [0]
        for ligne in html.splitlines(keepends=True):
            self.debuts_lignes.append(self.debuts_lignes[-1] + len(ligne))
        self.profondeur = 0
        self.debut = None
        self.morceaux = []
        self.feed(html)
        self.close()

    def _position(self):
        ligne, colonne = self.getpos()
        return self.debuts_lignes[ligne - 1] + colonne

    def _ouvrir(self):
        if self.profondeur == 0:
            self.debut = self._position()

    def _fermer(self, fin):
        if self.profondeur == 0:
            self.morceaux.append(self.html[self.debut : fin])

    def handle_starttag(self, tag, attrs):
        self._ouvrir()
        if tag in self.VIDES:
            self._fermer(self._position() + len(self.get_starttag_text()))
        else:
            self.profondeur += 1

    def handle_startendtag(self, tag, attrs):
        self._ouvrir()
        self._fermer(self._position() + len(self.get_starttag_text()))

    def handle_endtag(self, tag):
        if tag in self.VIDES:
            return
        self.profondeur = max(self.profondeur - 1, 0)
        debut_balise = self._position()
        self._fermer(self.html.index(">", debut_balise) + 1)

    def handle_data(self, data):
        if self.profondeur == 0 and data.strip():
            self.morceaux.append(data.strip())

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


@register.filter
def dsfr_elements_liste(html):
    """Wrap each top-level node of ``html`` (e.g. buttons of a ButtonHolder) in a ``<li>``."""
    return mark_safe("".join(f"<li>{morceau}</li>" for morceau in _Decoupeur(str(html)).morceaux))  # noqa: S308
