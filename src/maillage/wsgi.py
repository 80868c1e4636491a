"""WSGI entry point: `gunicorn maillage.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
application = get_wsgi_application()

# Import every view and build the API schema now, while the worker boots, rather than in the
# first request it answers (about a second after each deployment or worker restart).
get_resolver().url_patterns  # noqa: B018
