"""WSGI entry point for ``ecoledger serve`` and any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoledger.settings")
application = get_wsgi_application()
