"""Test helper: close a response the way Django's test client does."""

from django.core.signals import request_finished
from django.db import close_old_connections


def fermer(reponse):
    """Close a response (a file response holds its file open) without ``request_finished`` closing the test's
    database connection: on PostgreSQL the test's transaction would be lost and every later test would fail."""
    request_finished.disconnect(close_old_connections)
    try:
        reponse.close()
    finally:
        request_finished.connect(close_old_connections)
