"""A real Celery worker for the report tests: Redis when CELERY_BROKER_URL names it (CI's
PostgreSQL run), else the embedded default's file-based broker, in a folder of the test's own."""

from __future__ import annotations

import os

import pytest

from tests.conftest import weasyprint_load_error

PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"


def skip_without_weasyprint() -> None:
    """Skip the calling test module when WeasyPrint cannot load its system libraries (Pango)."""
    exc = weasyprint_load_error()
    if exc is not None:
        pytest.skip(
            f"PDF tests need Pango, which WeasyPrint could not load ({exc}); "
            f"apt-get install {PANGO_PACKAGES} (.ci/run installs them)",
            allow_module_level=True,
        )


@pytest.fixture
def reports_dir(settings, tmp_path):
    settings.MLTRACK_REPORTS_DIR = tmp_path / "reports"
    return settings.MLTRACK_REPORTS_DIR


@pytest.fixture
def celery_worker(tmp_path, transactional_reviews):
    """A Celery worker thread consuming from a real broker, for as long as the test runs."""
    from celery.contrib.testing.worker import start_worker

    from mltrack_site.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "broker_transport_options")}
    broker_url = os.environ.get("CELERY_BROKER_URL", "filesystem://")
    options = {}
    if broker_url.startswith("filesystem://"):
        folders = {name: tmp_path / "broker" / name for name in ("queue", "processed", "control")}
        for folder in folders.values():
            folder.mkdir(parents=True)
        options = {
            "data_folder_in": str(folders["queue"]), "data_folder_out": str(folders["queue"]),
            "processed_folder": str(folders["processed"]), "control_folder": str(folders["control"]),
        }
    app.conf.update(broker_url=broker_url, broker_transport_options=options)
    _reset_connections(app)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
            yield app
    finally:
        app.conf.update(**saved)
        _reset_connections(app)


def _reset_connections(app) -> None:
    """Drop the app's broker connections, so the next task is sent with the current settings.

    kombu keeps its producer pools in a registry of its own, by broker URL: cleared too, or the next
    worker test on the same broker (Redis) would send through a pool closed here."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()
