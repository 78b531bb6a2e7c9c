from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The dashboard, and the compliance, inventory and risk reports (built on reviews and the inventory)."""

    name = "reports"
    verbose_name = "Reports"
