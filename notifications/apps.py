from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Digests, escalation, scheduled reports and the nightly verification (built on reports and reviews)."""

    name = "notifications"
    verbose_name = "Notifications and scheduled work"

    def ready(self) -> None:
        from common import banners
        from notifications.banner import alarm_banner

        banners.register(alarm_banner)
