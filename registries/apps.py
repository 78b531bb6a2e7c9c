from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    """Model registries (MLflow first) reconciled against the inventory (built on compliance and below)."""

    name = "registries"
    verbose_name = "Model registries"

    def ready(self) -> None:
        from common import panels
        from inventory.views import MODEL_PAGE
        from registries.views import link_panel

        panels.register(MODEL_PAGE, link_panel, position=30)
