from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "cards"
    verbose_name = "Model, system and agent cards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cards import panels, sample

        panels.register()
        sample.register()
