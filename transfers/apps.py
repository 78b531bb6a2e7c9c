from django.apps import AppConfig


class TransfersConfig(AppConfig):
    """Import and export of the inventory (built on the inventory and the audit trail)."""

    name = "transfers"
    verbose_name = "Import and export"
