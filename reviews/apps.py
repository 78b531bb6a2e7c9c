from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Review records and the audit trail (built on the inventory)."""

    name = "reviews"
    verbose_name = "Reviews and audit trail"

    def ready(self) -> None:
        from common import panels
        from inventory.views import LIST_PAGE, MODEL_PAGE
        from reviews.views import review_panel, sample_data_panel

        # Below the compliance verdict (position 10), which the reviews explain.
        panels.register(MODEL_PAGE, review_panel, position=20)
        panels.register(LIST_PAGE, sample_data_panel, position=90)
