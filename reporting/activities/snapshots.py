"""The values of a report as the API names them (codes, not ids).

Used for API responses and for history entries, so history shows exactly what a client
saw. Codes come from a ReferenceIndex, so this runs no query per report.
"""

from typing import Any

from config.api.fields import month_str
from reporting.activities.breakdowns import AGE_SEX_FIELDS, POPULATION_FIELDS
from reporting.activities.models import ActivityReport
from reporting.common.references import ReferenceIndex
from reporting.quality.checks import flag_names


def report_values(report: ActivityReport, references: ReferenceIndex) -> dict[str, Any]:
    codes = references.codes()
    partners, locations = codes["partner"], codes["location"]
    admin1, country = locations[report.admin1_id]
    indicator, sector = codes["indicator"][report.indicator_id]
    implementing = report.implementing_partner_id
    return {
        "external_id": report.external_id,
        "month": month_str(report.month),
        "partner": partners[report.partner_id][0],
        "implementing_partner": partners[implementing][0] if implementing else None,
        "country": country,
        "admin1": admin1,
        "admin2": locations[report.admin2_id][0] if report.admin2_id else None,
        "indicator": indicator,
        "sector": sector,
        "activity_name": report.activity_name,
        "activity_description": report.activity_description,
        "rmrp": report.rmrp,
        "covid19": report.covid19,
        "cva": report.cva,
        "cva_value_usd": float(report.cva_value_usd) if report.cva_value_usd is not None else None,
        "delivery_mechanism": report.delivery_mechanism,
        "quantity": report.quantity,
        "total_beneficiaries": report.total_beneficiaries,
        "new_beneficiaries": report.new_beneficiaries,
        "population": {key: getattr(report, field) for key, field in POPULATION_FIELDS},
        "age_sex": {key: getattr(report, field) for key, field in AGE_SEX_FIELDS},
        "quality_flags": flag_names(report.quality_flags),
    }
