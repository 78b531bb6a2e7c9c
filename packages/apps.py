from django.apps import AppConfig


class PackagesConfig(AppConfig):
    """Exam packages: built on reports (the background worker, OSCAL, the PDF engine), compliance,
    reviews and inventory; nothing below imports it."""

    name = "packages"
    verbose_name = "Exam packages"

    def ready(self) -> None:
        from packages.services import PACKAGE_JOBS
        from reports.jobs import register_background_kind

        # The worker builds packages as it renders reports: claimed, leased, retried, stored with their digest.
        register_background_kind(PACKAGE_JOBS)
