"""The Celery app: background work (PDF and OSCAL reports) and the scheduler's jobs.

Settings come from Django's, prefixed CELERY_ (see settings.py): Redis in production, and by
default a broker that needs no server (message files under var/broker/), so that ``make run``
runs the worker and the scheduler on a laptop with nothing else installed.

Tasks are ``@shared_task``s in each app's ``tasks`` module (found by autodiscovery), so the apps
never import this project package; they call the same services as the console and the CLI. A
shared task sends its messages through the app created here, so every process that sends tasks
imports this module at start-up: the worker and scheduler (``celery -A mltrack_site``),
``manage.py`` and the web server (wsgi/asgi). The ``mltrack`` command sends none, and so does not
pay for importing Celery.
"""

from __future__ import annotations

import os

from celery import Celery

from common.folders import make_runtime_folders

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltrack_site.settings")

app = Celery("mltrack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The broker's folders (file-based broker) and the scheduler's state file live under var/; make
# them before the worker or the scheduler opens them.
make_runtime_folders()
