from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self):
        from config.db import lookups  # noqa: F401  (registers field__any)
        from config.db.outbox import listen
        from reporting.activities import spreadsheets  # noqa: F401  (HXL tags of 5W columns)
        from reporting.figures.cache import connect_signals
        from reporting.webhooks.tasks import on_events_committed

        connect_signals()
        listen(on_events_committed)  # committed events go out as webhooks
