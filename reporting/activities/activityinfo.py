"""The region's 5W as ActivityInfo exports it: its 30 headers (the names its consolidation
script reads) and every reference by name. `?layout=activityinfo` on the report list's
CSV and XLSX exports writes it; an import reads it back by the same headers and names
(reporting.activities.spreadsheets, reporting.activities.cells), so an unchanged export
uploads back as "unchanged"."""

from collections.abc import Iterable, Iterator
from typing import Any

from reporting.activities.breakdowns import AGE_SEX_FIELDS, POPULATION_FIELDS
from reporting.activities.choices import REGION_MECHANISM_NAME, DeliveryMechanism
from reporting.activities.models import ActivityReport

LAYOUT = "activityinfo"
COLUMNS = [
    "Country", "Admin1", "Admin2", "Appealing_org", "Implementation", "Implementing_partner",
    "Month", "Subsector", "Indicator", "Activity_Name", "Activity_Description", "RMRPActivity",
    "CVA", "Value", "Delivery_mechanism", "Quantity_output", "Total_monthly",
    "New_beneficiaries", "IN_DESTINATION", "IN_TRANSIT", "Host_Communities", "PENDULARS",
    "Returnees", "Girls", "Boys", "Women", "Men", "Other_under", "Other_above", "Platform",
]  # fmt: skip
# The breakdown columns, in the order of the reports' fields.
BREAKDOWN = dict(
    zip(
        [f for _, f in POPULATION_FIELDS] + [f for _, f in AGE_SEX_FIELDS],
        COLUMNS[18:29],
        strict=True,
    )
)
RELATED = (
    "partner", "implementing_partner", "admin1__parent__platform", "admin2",
    "indicator__sector",
)  # fmt: skip


def _name(location) -> str:
    return location.region_name or location.name


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def activityinfo_row(report: ActivityReport) -> dict[str, Any]:
    """One report as ActivityInfo's regional 5W row (its objects selected: RELATED)."""
    country = report.admin1.parent
    sector = report.indicator.sector
    row = {
        "Country": _name(country),
        "Admin1": _name(report.admin1),
        "Admin2": report.admin2.name if report.admin2_id else "",
        "Appealing_org": report.partner.name,
        "Implementation": _yes(report.implementing_partner_id is not None),
        "Implementing_partner": (
            report.implementing_partner.name if report.implementing_partner_id else ""
        ),
        "Month": f"{report.month:%Y-%m}",
        "Subsector": sector.region_name or sector.name,
        "Indicator": report.indicator.name,
        "Activity_Name": report.activity_name,
        "Activity_Description": report.activity_description,
        "RMRPActivity": _yes(report.rmrp),
        "CVA": _yes(report.cva),
        "Value": report.cva_value_usd,
        "Delivery_mechanism": (
            _mechanism_name(report.delivery_mechanism) if report.delivery_mechanism else ""
        ),
        "Quantity_output": report.quantity,
        "Total_monthly": report.total_beneficiaries,
        "New_beneficiaries": report.new_beneficiaries,
        "Platform": country.platform.name if country.platform_id else "",
    }
    for field, column in BREAKDOWN.items():
        row[column] = getattr(report, field)
    return row


def activityinfo_rows(reports: Iterable[ActivityReport]) -> Iterator[dict[str, Any]]:
    return (activityinfo_row(report) for report in reports)


def _mechanism_name(value: str) -> str:
    """The region's name of a mechanism where its current list has one, else ours."""
    mechanism = DeliveryMechanism(value)
    return REGION_MECHANISM_NAME.get(mechanism, mechanism.label)
