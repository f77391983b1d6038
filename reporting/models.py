"""Every model of the reporting app, for Django (which looks for them here) and for the
migrations. Code imports each model from its domain package, never from this module."""

from config.db.models import DataGeneration, IdempotencyRecord, OutboxEvent
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry, Import
from reporting.approvals.models import MonthSubmission, MonthSubmissionEvent
from reporting.border_flows.models import BorderCrossing, BorderCrossingHistoryEntry, BorderPoint
from reporting.figures.models import (
    AgeSexProportions,
    AgeSexProportionsHistoryEntry,
    CountryFigureSettings,
    FigureCell,
    FigureCellDelta,
    FigureCellView,
    PlanTarget,
)
from reporting.locations.models import Location
from reporting.periods.models import ReportingPeriod
from reporting.sitreps.models import KeyFigure, KeyFigureHistoryEntry, Narrative
from reporting.webhooks.models import WebhookDelivery, WebhookSubscription

__all__ = [
    "ActivityReport",
    "AgeSexProportions",
    "AgeSexProportionsHistoryEntry",
    "ActivityReportHistoryEntry",
    "BorderCrossing",
    "BorderCrossingHistoryEntry",
    "BorderPoint",
    "CountryFigureSettings",
    "DataGeneration",
    "FigureCell",
    "FigureCellDelta",
    "FigureCellView",
    "IdempotencyRecord",
    "Import",
    "KeyFigure",
    "KeyFigureHistoryEntry",
    "Location",
    "MonthSubmission",
    "MonthSubmissionEvent",
    "Narrative",
    "OutboxEvent",
    "PlanTarget",
    "ReportingPeriod",
    "WebhookDelivery",
    "WebhookSubscription",
]
