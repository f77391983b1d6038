from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self):
        from reporting import lookups  # noqa: F401  (registers field__any)
        from reporting.generation import connect_signals

        connect_signals()
