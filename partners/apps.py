from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners and accounts"

    def ready(self) -> None:
        from partners import schema  # noqa: F401  (registers the OpenAPI auth extension)
