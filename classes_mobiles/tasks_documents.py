"""Celery tasks of the PDF pipeline (thin: the work is in ``classes_mobiles.documents``).

A job is acknowledged only once it has run (``acks_late``) and a worker lost while rendering puts it back in
the queue (``reject_on_worker_lost``); a whole worker lost is redelivered by the broker after its visibility
timeout (``CELERY_BROKER_TRANSPORT_OPTIONS``), which the time limits below keep longer than any job. The row
is claimed first (``documents.reserver``), so a redelivered or duplicated job never renders twice.
"""

from celery import shared_task
from django.conf import settings

from classes_mobiles import documents
from classes_mobiles.models import Document

NB_REESSAIS = 2


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.DOCUMENTS_DUREE_MAX,
    time_limit=settings.DOCUMENTS_DUREE_MAX + 15,
    max_retries=NB_REESSAIS,
)
def generer_document(self, document_id):
    """Generate one document version; a version already « terminé » (or held by a live job) is skipped."""
    # Eager with propagation (no broker): a retry would not run, the error goes up to the caller at once.
    sans_reessai = self.request.is_eager and self.app.conf.task_eager_propagates
    derniere_tentative = self.request.retries >= NB_REESSAIS or sans_reessai
    try:
        document = documents.generer(document_id, derniere_tentative=derniere_tentative)
    except documents.DocumentOccupe as occupe:
        if self.request.is_eager:
            return None
        # Held by another job: look again when it could be stuck (a live job will have finished by then). A new
        # message on the same queue, not a retry: waiting is not a failed attempt.
        file = (self.request.delivery_info or {}).get("routing_key")
        self.apply_async((document_id,), countdown=occupe.attente, **({"queue": file} if file else {}))
        return None
    except (Document.DoesNotExist, documents.GenerateurInconnu):
        raise
    except Exception as exc:
        if derniere_tentative:
            raise
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
    return str(document.uuid) if document else None


@shared_task
def relancer_documents_bloques():
    """Periodic sweep (Celery beat): queue again the document jobs stuck without progress."""
    return documents.relancer_bloques()
