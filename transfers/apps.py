from django.apps import AppConfig


class TransfersConfig(AppConfig):
    """Import and export of the inventory (built on the inventory and the audit trail)."""

    name = "transfers"
    verbose_name = "Import and export"

    def ready(self) -> None:
        from common import panels
        from inventory.views import LIST_PAGE
        from transfers.views import list_panel

        # Above the sample-data box (position 90).
        panels.register(LIST_PAGE, list_panel, position=80)
