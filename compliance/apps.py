from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    """The compliance rules and the engine that evaluates the inventory against them: the validation
    page, the panel on each model's page, ``mltrack validate`` and ``check`` (built on the inventory)."""

    name = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from common import panels
        from compliance.views import compliance_panel
        from inventory.views import MODEL_PAGE

        # The verdict comes first on a model's page, above the reviews behind it.
        panels.register(MODEL_PAGE, compliance_panel, position=10)
