# The world of test_views (one candidature, one user per role in and out of territory), shared by other modules.
from .test_views import monde  # noqa: F401
