from django.db.models.signals import post_delete, post_save

from config.db.generations import data_changed
from reporting.activities.models import ActivityReport
from reporting.figures.models import AgeSexProportions, CountryFigureSettings, PlanTarget
from reporting.locations.models import Location
from reporting.periods.models import ReportingPeriod


def _report_changed(sender, instance, **kwargs) -> None:
    data_changed({instance.month, getattr(instance, "_loaded_month", None)} - {None})


def _period_changed(sender, instance, **kwargs) -> None:
    data_changed([instance.month])


def _reference_changed(sender, **kwargs) -> None:
    data_changed()


def connect_signals() -> None:
    from indicators.models import Indicator, Sector
    from partners.models import Partner

    receivers = {
        ActivityReport: _report_changed,
        ReportingPeriod: _period_changed,
        **dict.fromkeys(
            (
                AgeSexProportions,
                CountryFigureSettings,
                PlanTarget,
                Location,
                Sector,
                Indicator,
                Partner,
            ),
            _reference_changed,
        ),
    }
    for model, receiver in receivers.items():
        uid = f"figures-generation-{model._meta.label}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
