"""The quality rules of one 5W row, in one place.

Every entry path (JSON API, JSON batches, spreadsheet imports, the admin) calls
`activity_report_violations` on an unsaved or changed `ActivityReport` whose related
objects (partner, indicator with its sector, admin1, admin2) are already attached, so the
check itself runs no query. All violations of a row are returned at once.
"""

import time
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api.exceptions import Violation
from config.api.fields import MAX_COUNT, number
from indicators.choices import IndicatorType
from indicators.models import MPC_SECTOR_CODE
from reporting.activities.breakdowns import AGE_SEX_FIELDS, POPULATION_FIELDS
from reporting.locations.choices import LocationLevel
from reporting.quality.checks import check_id

if TYPE_CHECKING:  # the model calls these rules (clean): no import circle
    from reporting.activities.models import ActivityReport

COUNT_FIELDS = (
    "quantity",
    "total_beneficiaries",
    "new_beneficiaries",
    *(model_field for _, model_field in POPULATION_FIELDS + AGE_SEX_FIELDS),
)


# The region's checks these rules implement. Problems with a field itself (missing,
# unknown, unreadable) are named from the field (reporting.quality.checks.field_check).
ZERO_CVA = check_id("zeroCVA")
MISSING_MECHANISM = check_id("missingmechanism")
CVA_NO_TO_YES = check_id("CVANotoYes")
WRONG_SECTOR_INDICATOR = check_id("wrongsectindicator")  # the year's indicator table
MULTIPURPOSE_SECTOR = check_id("MultipurposeSector")
DIRECT_ASSISTANCE_NO_BENEF = check_id("DirectAssistanceNoBenef")
NEW_BENEF_VS_TOTAL = check_id("NewBenefvstotal")
POP_TYPE_BREAKDOWN = check_id("PopTypeBreakdown")
AGD_BREAKDOWN = check_id("AGDBreakdown")
CAPACITY_BUILDING_NO_BENEF = check_id("CBuildingNoBenef")
NO_OUTPUT = check_id("NoOutput")


API_NAME = {model_field: f"population.{key}" for key, model_field in POPULATION_FIELDS} | {
    model_field: f"age_sex.{key}" for key, model_field in AGE_SEX_FIELDS
}


_month_cache: tuple[float, date] = (0.0, date.min)


def current_month() -> date:
    """The platform's current month (TIME_ZONE). Re-read every few seconds rather than for
    each of a batch's thousands of rows."""
    global _month_cache
    now = time.monotonic()
    if now >= _month_cache[0]:
        _month_cache = (now + 5, timezone.localdate().replace(day=1))
    return _month_cache[1]


def activity_report_violations(report: "ActivityReport") -> list[Violation]:
    out: list[Violation] = []

    def add(field: str | None, code: str, message: str, check: int | None = None) -> None:
        out.append(Violation(field, code, message, check))

    _required(report, add)
    _locations(report, add)
    # Counts are whole numbers within range (the serializer and model enforce the type).
    for field in COUNT_FIELDS:
        value = getattr(report, field)
        if value is not None and not 0 <= value <= MAX_COUNT:
            add(
                API_NAME.get(field, field),
                "out_of_range",
                _("Must be 0 to %(max)s.") % {"max": number(MAX_COUNT)},
            )
    _cash(report, add)
    if report.indicator_id is not None:
        _indicator_rules(report, add)
    return out


def _required(report: "ActivityReport", add) -> None:
    if report.month is None:
        add("month", "required", _("The month is required (YYYY-MM)."))
    elif report.month > current_month():
        add("month", "month_in_future", _("Months after the current one cannot be reported."))
    if report.partner_id is None:
        add("partner", "required", _("The appealing organisation is required."))
    if report.indicator_id is None:
        add("indicator", "required", _("The indicator is required."))
    if not (report.activity_name or "").strip():
        add("activity_name", "required", _("The activity name is required."))
    if report.rmrp is None:
        add("rmrp", "required", _("Say whether the activity is part of the RMRP (true/false)."))
    if report.cva is None:
        add("cva", "required", _("Say whether this is cash and voucher assistance (true/false)."))


def location_violations(report: "ActivityReport") -> list[Violation]:
    """The rules between a row's places alone (for a row whose other values are unreadable)."""
    out: list[Violation] = []
    _locations(report, lambda field, code, message, check=None: out.append(
        Violation(field, code, message, check)
    ))  # fmt: skip
    return out


def _locations(report: "ActivityReport", add) -> None:
    """Admin1 is an admin1 area; admin2, when given, an admin2 area inside it."""
    if report.admin1_id is None:
        add("admin1", "required", _("The admin1 P-code is required."))
    elif report.admin1.level != LocationLevel.ADMIN1:
        add(
            "admin1",
            "wrong_level",
            _("%(pcode)s is not an admin1 area.") % {"pcode": report.admin1.pcode},
        )
    if report.admin2_id is None:
        return
    if report.admin2.level != LocationLevel.ADMIN2:
        add(
            "admin2",
            "wrong_level",
            _("%(pcode)s is not an admin2 area.") % {"pcode": report.admin2.pcode},
        )
    elif report.admin1_id is not None and report.admin2.parent_id != report.admin1_id:
        message = _("%(admin2)s does not lie in %(admin1)s.") % {
            "admin2": report.admin2.pcode, "admin1": report.admin1.pcode
        }  # fmt: skip
        add("admin2", "admin2_not_in_admin1", message)


def _cash(report: "ActivityReport", add) -> None:
    """Cash and voucher assistance: a value in USD and a mechanism, and only then."""
    if report.cva:
        if report.cva_value_usd is None or report.cva_value_usd <= 0:
            message = _("CVA rows need a value in USD above 0.")
            add("cva_value_usd", "cva_value_required", message, ZERO_CVA)
        if not report.delivery_mechanism:
            message = _("CVA rows need a mechanism.")
            add("delivery_mechanism", "delivery_mechanism_required", message, MISSING_MECHANISM)
    elif report.cva is False:
        if report.cva_value_usd is not None:
            message = _("Only CVA rows carry a USD value.")
            add("cva_value_usd", "cva_value_forbidden", message, CVA_NO_TO_YES)
        if report.delivery_mechanism:
            message = _("Only CVA rows carry a delivery mechanism.")
            add("delivery_mechanism", "delivery_mechanism_forbidden", message, CVA_NO_TO_YES)


def _indicator_rules(report: "ActivityReport", add) -> None:
    indicator = report.indicator
    if not indicator.active:
        add(
            "indicator",
            "indicator_inactive",
            _("Indicator %(code)s is inactive.") % {"code": indicator.code},
        )
    if isinstance(report.month, date) and not indicator.in_plan_year(report.month.year):
        message = _(
            "Indicator %(code)s is in the catalogue of the plan years %(years)s, not of "
            "%(year)s: a report of %(year)s takes an indicator of its year's catalogue "
            "(/api/v1/indicators/?plan_year=%(year)s)."
        ) % {"code": indicator.code, "years": indicator.plan_years, "year": report.month.year}
        add("indicator", "indicator_not_in_plan_year", message, WRONG_SECTOR_INDICATOR)
    if indicator.sector.root_code == MPC_SECTOR_CODE and report.cva is False:
        message = _("Multipurpose cash indicators require CVA = true.")
        add("cva", "cva_required_for_mpc", message, MULTIPURPOSE_SECTOR)
    population = sum(getattr(report, f) or 0 for _, f in POPULATION_FIELDS)
    age_sex = sum(getattr(report, f) or 0 for _, f in AGE_SEX_FIELDS)
    if indicator.indicator_type in IndicatorType.counting_new_beneficiaries():
        _beneficiary_rules(report, population, age_sex, add)
    else:
        _output_rules(report, population, age_sex, add)


def _beneficiary_rules(report: "ActivityReport", population: int, age_sex: int, add) -> None:
    """Direct Assistance and Capacity Building count people."""
    kind = report.indicator.indicator_type
    total, new = report.total_beneficiaries, report.new_beneficiaries
    direct = kind == IndicatorType.DIRECT_ASSISTANCE
    if not total:
        label = report.indicator.get_indicator_type_display()
        add(
            "total_beneficiaries",
            "total_required",
            _("%(type)s rows need total beneficiaries above 0.") % {"type": label},
            DIRECT_ASSISTANCE_NO_BENEF if direct else CAPACITY_BUILDING_NO_BENEF,
        )
    if direct and not new:
        message = _("Direct Assistance rows need new beneficiaries above 0.")
        add("new_beneficiaries", "new_required", message, DIRECT_ASSISTANCE_NO_BENEF)
    if total and new and new > total:
        message = _("New beneficiaries (%(new)s) exceed the total (%(total)s).") % {
            "new": number(new), "total": number(total)
        }  # fmt: skip
        add("new_beneficiaries", "new_exceeds_total", message, NEW_BENEF_VS_TOTAL)
    # Breakdowns describe the new beneficiaries: mandatory for Direct Assistance,
    # and when given for Capacity Building they must add up as well.
    if not (direct or population or age_sex):
        return
    if population != (new or 0):
        message = _("Population types sum to %(sum)s, not to new beneficiaries (%(new)s).") % {
            "sum": number(population),
            "new": number(new or 0),
        }
        add("population", "population_sum_mismatch", message, POP_TYPE_BREAKDOWN)
    if age_sex != (new or 0):
        message = _("Age/sex groups add up to %(sum)s, not to new beneficiaries (%(new)s).") % {
            "sum": number(age_sex), "new": number(new or 0)
        }  # fmt: skip
        add("age_sex", "age_sex_sum_mismatch", message, AGD_BREAKDOWN)


def _output_rules(report: "ActivityReport", population: int, age_sex: int, add) -> None:
    """Other indicator types count outputs (a quantity), not people."""
    label = report.indicator.get_indicator_type_display()
    if not report.quantity:
        add(
            "quantity",
            "quantity_required",
            _("%(type)s rows need a quantity above 0.") % {"type": label},
            NO_OUTPUT,
        )
    if report.new_beneficiaries:
        add(
            "new_beneficiaries",
            "new_not_allowed",
            _("%(type)s rows do not count new beneficiaries.") % {"type": label},
        )
    if population:
        add(
            "population",
            "breakdown_not_allowed",
            _("%(type)s rows carry no population breakdown.") % {"type": label},
        )
    if age_sex:
        add(
            "age_sex",
            "breakdown_not_allowed",
            _("%(type)s rows carry no age/sex breakdown.") % {"type": label},
        )


def raise_if_invalid(report: "ActivityReport") -> None:
    """For Model.clean(): the admin shows the same verdict as the API."""
    violations = activity_report_violations(report)
    if violations:
        errors: dict[str, list[ValidationError]] = {}
        for v in violations:
            field = (v.field or "__all__").split(".")[0]
            model_field = {"population": "__all__", "age_sex": "__all__"}.get(field, field)
            errors.setdefault(model_field, []).append(ValidationError(v.message, code=v.code))
        raise ValidationError(errors)
