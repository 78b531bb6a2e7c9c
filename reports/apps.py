from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The dashboard, and the compliance, inventory and risk reports (built on reviews and the inventory)."""

    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # Every process that loads Django (web, CLI, worker) sends tasks through MLTrack's Celery
        # app, not Celery's default one. Loaded here rather than in mltrack_site/__init__.py so
        # that ``mltrack --version`` does not pay for importing Celery.
        from mltrack_site.celery import app  # noqa: F401
