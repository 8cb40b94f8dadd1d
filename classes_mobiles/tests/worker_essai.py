"""The Celery app of the worker tests: the project's app plus a slow test document type, « essai_lent ».

Started by ``test_documents_worker.py`` as ``celery -A classes_mobiles.tests.worker_essai worker …``. Each
rendering of « essai_lent » appends ``<pid> <key>`` to the file ``ESSAI_JOURNAL_RENDUS`` then sleeps
``ESSAI_PAUSE_RENDU`` seconds, so that a test can kill the worker while it renders and count renderings.
"""

import os
import time

from celery.signals import import_modules

from classes_mobiles.celery import app

__all__ = ["app"]

TYPE_LENT = "essai_lent"


def construire_lent(cle):
    with open(os.environ["ESSAI_JOURNAL_RENDUS"], "a") as journal:
        journal.write(f"{os.getpid()} {cle}\n")
    time.sleep(float(os.environ.get("ESSAI_PAUSE_RENDU", "0")))
    return "pdf/base.html", {"office_nom": "Essai lent", "office_service": "Tests"}, "essai-lent"


def enregistrer_type_lent():
    from classes_mobiles import documents

    personne = lambda user, cle: False  # noqa: E731 (never served: only the worker uses it)
    documents.GENERATEURS[TYPE_LENT] = documents.Generateur(TYPE_LENT, construire_lent, personne, personne)


@import_modules.connect
def _apres_configuration_de_django(**kwargs):
    # Celery's Django fixup receives this signal first (django.setup()); setup() again is a no-op.
    import django

    django.setup()
    enregistrer_type_lent()
