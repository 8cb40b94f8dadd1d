"""Celery task of the PDF pipeline (thin: the work is in ``classes_mobiles.documents.generer``)."""

from celery import shared_task

from classes_mobiles.documents import GenerateurInconnu, generer
from classes_mobiles.models import Document


@shared_task(
    autoretry_for=(Exception,),
    dont_autoretry_for=(Document.DoesNotExist, GenerateurInconnu),
    max_retries=2,
    retry_backoff=5,
    retry_jitter=False,
)
def generer_document(document_id):
    """Generate one document version; a version already « terminé » is skipped."""
    document = generer(document_id)
    return str(document.uuid)
