from django.apps import AppConfig


class TransfersConfig(AppConfig):
    """Import and export of the inventory (built on the inventory and the audit trail)."""

    name = "transfers"
    verbose_name = "Import and export"

    def ready(self) -> None:
        from common import panels
        from inventory.views import LIST_PAGE
        from reports.jobs import register_background_kind
        from transfers.services import EXPORT_JOBS
        from transfers.views import list_panel

        # Above the sample-data box (position 90).
        panels.register(LIST_PAGE, list_panel, position=80)
        # Large exports are written by the worker, as reports are: leased, retried, stored with their digest.
        register_background_kind(EXPORT_JOBS)
