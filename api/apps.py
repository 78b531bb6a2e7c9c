from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API and its machine tokens (above every domain app; nothing but mltrack_site imports it)."""

    name = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # Registers the token scheme with the OpenAPI generator.
        from api import schema  # noqa: F401
