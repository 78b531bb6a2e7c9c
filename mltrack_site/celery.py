"""The Celery app: background work (PDF and OSCAL reports) and the scheduler's jobs.

Settings come from Django's, prefixed CELERY_ (see settings.py): Redis in production, and by
default a broker that needs no server (message files under var/broker/), so that ``make run``
runs the worker and the scheduler on a laptop with nothing else installed. Tasks live in each
app's ``tasks`` module, registered on this app (``@app.task``), and call the same services as the
console and the CLI. Only processes that send or run tasks import this module (the worker, and
the console when it queues a report), so the CLI does not pay for importing Celery.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltrack_site.settings")

app = Celery("mltrack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
