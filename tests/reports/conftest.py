"""A real Celery worker for the report tests: Redis when CELERY_BROKER_URL names it (CI's
PostgreSQL run), else the embedded default's file-based broker, in a folder of the test's own."""

from __future__ import annotations

import pytest

from tests.brokers import sending_to
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

    with sending_to(app, tmp_path / "broker"):
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
            yield app
