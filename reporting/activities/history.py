"""Reading a report's history.

Batches and imports record a create without its values (`after` is null): those values are
the `before` of the report's next entry or, while it has none, the report as it is now.
"""

from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry
from reporting.activities.snapshots import report_values
from reporting.common.references import ReferenceIndex


def complete_history(
    report: ActivityReport, entries: list[ActivityReportHistoryEntry], references: ReferenceIndex
) -> list[ActivityReportHistoryEntry]:
    """Fill in the derived `after` of create entries, with at most one query."""
    missing = [e for e in entries if e.action == "create" and e.after is None]
    if not missing:
        return entries
    later = {
        e.version: e.before
        for e in ActivityReportHistoryEntry.objects.filter(
            report=report, version__in=[m.version + 1 for m in missing]
        ).only("version", "before")
    }
    for entry in missing:
        entry.after = later.get(entry.version + 1) or report_values(report, references)
    return entries
