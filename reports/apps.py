from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Compliance, inventory and risk reports (built on reviews and the inventory)."""

    name = "reports"
    verbose_name = "Reports"
