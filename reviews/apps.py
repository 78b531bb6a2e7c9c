from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Review records and the audit trail (built on the inventory)."""

    name = "reviews"
    verbose_name = "Reviews and audit trail"

    def ready(self) -> None:
        from inventory import panels
        from reviews.compliance_views import compliance_panel
        from reviews.views import review_panel

        # Panels render in registration order: the verdict first, then the reviews behind it.
        panels.register(compliance_panel)
        panels.register(review_panel)
