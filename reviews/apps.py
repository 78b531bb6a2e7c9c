from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Review records and the audit trail (built on the inventory)."""

    name = "reviews"
    verbose_name = "Reviews and audit trail"
