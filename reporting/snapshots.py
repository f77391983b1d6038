"""The values of a report as the API names them (codes, not ids).

Used for API responses and for history entries, so history shows exactly what a client
saw. The report's related objects must be loaded (`with_references()`), so this runs no query.
"""

from typing import Any

from reporting.models import AGE_SEX_FIELDS, POPULATION_FIELDS, ActivityReport


def month_str(value) -> str | None:
    return f"{value:%Y-%m}" if value else None


def report_values(report: ActivityReport) -> dict[str, Any]:
    admin1 = report.admin1
    indicator = report.indicator
    return {
        "external_id": report.external_id,
        "month": month_str(report.month),
        "partner": report.partner.code,
        "implementing_partner": (
            report.implementing_partner.code if report.implementing_partner_id else None
        ),
        "country": admin1.parent.pcode if admin1.parent_id else None,
        "admin1": admin1.pcode,
        "admin2": report.admin2.pcode if report.admin2_id else None,
        "indicator": indicator.code,
        "sector": indicator.sector.code,
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
    }


def report_etag(report: ActivityReport) -> str:
    return f'"{report.version}"'
