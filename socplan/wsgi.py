"""WSGI entry point for gunicorn: ``gunicorn socplan.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socplan.settings")
application = get_wsgi_application()
