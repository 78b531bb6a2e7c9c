import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltrack_site.settings")
application = get_wsgi_application()
# The console queues reports for the worker: the Celery app sends them (and makes var/'s folders).
import mltrack_site.celery  # noqa: E402, F401
