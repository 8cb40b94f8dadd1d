from django import template

from classes_mobiles import documents as service

register = template.Library()


@register.filter
def relancable_par(document, user):
    """Whether ``user`` may ask again for this failed or stuck document (its type's ``peut_demander``)."""
    return service.peut_demander(user, document.type_document, document.cle)
