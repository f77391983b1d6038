"""The region's 19 data-quality checks (R4V `fct_error_report.R`, `error.csv`), by name.

Every problem the service reports on a 5W row names the region's check it belongs to
(`region_check`), next to the service's own code; rules the region does not have keep
only their code. The rule that raises a problem says which check it is (validation.py,
rows.py); `FIELD_CHECKS` names the check of a field that is missing or unreadable.
docs/quality-checks.md is the table of the mapping.
"""

from dataclasses import dataclass
from typing import Any

from config.api.exceptions import Violation
from reporting.quality.choices import CheckCategory


@dataclass(frozen=True)
class RegionCheck:
    id: int
    name: str  # the variable name of the region's script and of its error report
    category: str
    title_en: str
    title_es: str
    description_en: str
    description_es: str


CATEGORY_NAMES = {
    CheckCategory.COMPLETENESS: ("Completeness", "Completitud"),
    CheckCategory.CONSISTENCY: ("Consistency", "Consistencia"),
    CheckCategory.ACCURACY: ("Accuracy", "Exactitud"),
}


C, S, A = CheckCategory.COMPLETENESS, CheckCategory.CONSISTENCY, CheckCategory.ACCURACY


REGION_CHECKS = {check.id: check for check in (
    RegionCheck(1, "missingcountry", C, "Country or admin1 missing", "Falta el país o el admin1",
        "Country and admin 1 information is missing.",
        "Falta la información del país y del admin1."),
    RegionCheck(2, "countryadmincheck", C, "Admin1 not in the country",
        "El admin1 no está en el país",
        "Administrative unit level 1 not matching the name in the 5W admin reference table.",
        "La unidad administrativa de nivel 1 no coincide con el nombre de la tabla de "
        "referencia de admin del 5W."),
    RegionCheck(3, "admin1and2check", C, "Admin2 not in the admin1",
        "El admin2 no está en el admin1",
        "Administrative unit level 2 not matching the name for its admin1 in the 5W admin2 "
        "reference table.",
        "La unidad administrativa de nivel 2 no coincide con el nombre de su admin1 en la "
        "tabla de referencia admin2 del 5W."),
    RegionCheck(4, "miss_appeal_org", C, "Appealing organisation missing or unknown",
        "Falta la organización principal o no se conoce",
        "Missing appealing organisation, or a name not in the 5W partners reference table.",
        "Falta la organización principal, o su nombre no está en la tabla de referencia de "
        "socios del 5W."),
    RegionCheck(5, "miss_setup", C, "Implementation set-up unreadable",
        "Modalidad de implementación ilegible",
        "The implementation set-up is yes when there is an implementing partner and no for "
        "direct implementation.",
        "La modalidad de implementación es sí cuando hay un socio implementador y no cuando "
        "la implementación es directa."),
    RegionCheck(6, "miss_implementing_org", C, "Implementing organisation missing or unknown",
        "Falta el socio implementador o no se conoce",
        "Set-up yes needs a known implementing organisation; set-up no, none.",
        "Con modalidad sí hace falta un socio implementador conocido; con modalidad no, "
        "ninguno."),
    RegionCheck(7, "miss_month", C, "Month missing", "Falta el mes",
        "Missing month information.", "Falta la información del mes."),
    RegionCheck(8, "missing_what", C, "What is missing", "Falta el qué",
        "Missing sector, indicator, activity name, RMRP activity or CVA.",
        "Falta el sector, el indicador, el nombre de la actividad, la actividad RMRP o la "
        "CVA."),
    RegionCheck(9, "wrongsectindicator", S, "Indicator not in the sector",
        "El indicador no es del sector",
        "The indicator does not belong to the selected sector, as per the indicator "
        "reference table.",
        "El indicador no pertenece al sector elegido, según la tabla de referencia de "
        "indicadores."),
    RegionCheck(10, "zeroCVA", S, "CVA without a value", "CVA sin valor",
        "When CVA is yes, a CVA value in USD must be entered.",
        "Si la CVA es sí, hay que indicar un valor en USD."),
    RegionCheck(11, "missingmechanism", S, "CVA without a delivery mechanism",
        "CVA sin mecanismo de entrega",
        "When CVA is yes, a delivery mechanism must be entered.",
        "Si la CVA es sí, hay que indicar un mecanismo de entrega."),
    RegionCheck(12, "CVANotoYes", S, "Value or mechanism without CVA",
        "Valor o mecanismo sin CVA",
        "CVA is no but the value or the delivery mechanism holds data: empty them, or CVA is "
        "yes.",
        "La CVA es no pero el valor o el mecanismo de entrega tienen datos: vacíelos, o la "
        "CVA es sí."),
    RegionCheck(13, "MultipurposeSector", S, "Multipurpose cash without CVA",
        "Efectivo multipropósito sin CVA",
        "The sector is Multipurpose Cash Assistance (MPC) and CVA is no.",
        "El sector es Transferencias Monetarias Multipropósito (MPC) y la CVA es no."),
    RegionCheck(14, "DirectAssistanceNoBenef", S, "Direct Assistance without beneficiaries",
        "Asistencia directa sin beneficiarios",
        "Direct Assistance indicators need positive new and total monthly beneficiaries.",
        "Los indicadores de asistencia directa necesitan beneficiarios nuevos y totales del "
        "mes mayores que 0."),
    RegionCheck(15, "NewBenefvstotal", S, "New beneficiaries above the total",
        "Beneficiarios nuevos por encima del total",
        "New monthly beneficiaries exceed total monthly beneficiaries.",
        "Los beneficiarios nuevos del mes superan a los beneficiarios totales del mes."),
    RegionCheck(16, "PopTypeBreakdown", A, "Population types do not add up",
        "Los tipos de población no suman",
        "For Direct Assistance, the population type breakdown must add up to the new "
        "beneficiaries.",
        "En asistencia directa, el desglose por tipo de población debe sumar los "
        "beneficiarios nuevos."),
    RegionCheck(17, "AGDBreakdown", A, "Age and gender do not add up",
        "Edad y género no suman",
        "For Direct Assistance, the age and gender breakdown must add up to the new "
        "beneficiaries.",
        "En asistencia directa, el desglose por edad y género debe sumar los beneficiarios "
        "nuevos."),
    RegionCheck(18, "CBuildingNoBenef", A, "Capacity Building without beneficiaries",
        "Fortalecimiento de capacidades sin beneficiarios",
        "Capacity Building indicators need positive total monthly beneficiaries.",
        "Los indicadores de fortalecimiento de capacidades necesitan beneficiarios totales "
        "del mes mayores que 0."),
    RegionCheck(19, "NoOutput", A, "No quantity of output", "Sin cantidad de producto",
        "Indicators other than Direct Assistance and Capacity Building need a quantity of "
        "output.",
        "Los indicadores que no son de asistencia directa ni de fortalecimiento de "
        "capacidades necesitan una cantidad de producto."),
)}  # fmt: skip


BY_NAME = {check.name: check for check in REGION_CHECKS.values()}


def check_id(name: str) -> int:
    return BY_NAME[name].id


# A field that is missing, unknown or unreadable breaks this check, whatever the code
# (required, null, blank, invalid, does_not_exist...), except where a rule names its own.
FIELD_CHECKS = {
    "country": 2,
    "admin1": 2,
    "admin2": 3,
    "partner": 4,
    "implementation_setup": 5,
    "implementing_partner": 6,
    "month": 7,
    "indicator": 8,
    "activity_name": 8,
    "rmrp": 8,
    "cva": 8,
    "sector": 9,
}


# Codes on those fields that are the service's own rules, not the region's.
SERVICE_CODES = frozenset({
    "month_in_future", "period_locked", "month_approved", "partner_not_allowed",
    "indicator_inactive", "unknown_field", "max_length", "null_characters_not_allowed",
})  # fmt: skip


MISSING = frozenset({"required", "null", "blank"})


def field_check(field: str | None, code: str) -> int | None:
    """The region check of a problem with a field itself (missing or unreadable)."""
    if field is None or code in SERVICE_CODES:
        return None
    if field in ("admin1", "country") and code in MISSING:
        return 1  # missingcountry: the country or its admin1 is not there at all
    return FIELD_CHECKS.get(field)


def check_json(check_id: int | None) -> dict[str, Any] | None:
    """A check as every API answer names it: id, variable name, category, and its title and
    category in English and Spanish."""
    check = REGION_CHECKS.get(check_id) if check_id is not None else None
    if check is None:
        return None
    category_en, category_es = CATEGORY_NAMES[check.category]
    return {
        "id": check.id,
        "name": check.name,
        "category": check.category,
        "en": {"category": category_en, "title": check.title_en},
        "es": {"category": category_es, "title": check.title_es},
    }


def with_region_checks(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Problems of 5W rows with their `region_check` (stored as the check's id, or not at all
    by older imports: then found from the field and code)."""
    out = []
    for error in errors:
        check = error.get("region_check")
        if check is None:
            check = field_check(error.get("field"), error.get("code", ""))
        if not isinstance(check, dict):
            check = check_json(check)
        out.append({**error, "region_check": check})
    return out


def violation_check(violation: Violation) -> int | None:
    return (
        violation.check
        if violation.check is not None
        else field_check(violation.field, violation.code)
    )


def problem_of(violation: Violation, **extra: Any) -> dict[str, Any]:
    """A 5W row's problem as the API lists it, naming its region check."""
    return {
        **extra,
        "field": violation.field,
        "code": violation.code,
        "message": violation.message,
        "region_check": check_json(violation_check(violation)),
    }


# The service's (field, code) problems under each region check: the table of
# docs/quality-checks.md, served by /api/v1/quality-checks/.
SERVICE_PROBLEMS = {
    1: [("admin1", "required"), ("admin1", "null"), ("admin1", "blank")],
    2: [("admin1", "does_not_exist"), ("admin1", "wrong_level"), ("admin1", "invalid"),
        ("country", "does_not_exist"), ("country", "country_mismatch")],
    3: [("admin2", "does_not_exist"), ("admin2", "wrong_level"), ("admin2", "invalid"),
        ("admin2", "admin2_not_in_admin1")],
    4: [("partner", "required"), ("partner", "null"), ("partner", "does_not_exist"),
        ("partner", "invalid")],
    5: [("implementation_setup", "invalid")],
    6: [("implementing_partner", "does_not_exist"), ("implementing_partner", "invalid"),
        ("implementing_partner", "implementing_partner_required"),
        ("implementing_partner", "implementing_partner_forbidden")],
    7: [("month", "required"), ("month", "null"), ("month", "blank"), ("month", "invalid")],
    8: [("indicator", "required"), ("indicator", "null"), ("indicator", "does_not_exist"),
        ("activity_name", "required"), ("activity_name", "null"), ("activity_name", "blank"),
        ("rmrp", "required"), ("rmrp", "null"), ("rmrp", "invalid"),
        ("cva", "required"), ("cva", "null"), ("cva", "invalid")],
    9: [("sector", "sector_mismatch")],
    10: [("cva_value_usd", "cva_value_required")],
    11: [("delivery_mechanism", "delivery_mechanism_required")],
    12: [("cva_value_usd", "cva_value_forbidden"),
         ("delivery_mechanism", "delivery_mechanism_forbidden")],
    13: [("cva", "cva_required_for_mpc")],
    14: [("total_beneficiaries", "total_required"), ("new_beneficiaries", "new_required")],
    15: [("new_beneficiaries", "new_exceeds_total")],
    16: [("population", "population_sum_mismatch")],
    17: [("age_sex", "age_sex_sum_mismatch")],
    18: [("total_beneficiaries", "total_required")],
    19: [("quantity", "quantity_required")],
}  # fmt: skip


def check_entry(check: RegionCheck) -> dict[str, Any]:
    """A check with its descriptions in both languages and the service's problems under it."""
    category_en, category_es = CATEGORY_NAMES[check.category]
    return {
        "id": check.id,
        "name": check.name,
        "category": check.category,
        "en": {"category": category_en, "title": check.title_en,
               "description": check.description_en},
        "es": {"category": category_es, "title": check.title_es,
               "description": check.description_es},
        "service_problems": [
            {"field": field, "code": code} for field, code in SERVICE_PROBLEMS[check.id]
        ],
    }  # fmt: skip


# History imports store rows that break only these (quality_flags, bit n for check n).
FLAGGABLE = frozenset(
    c.id for c in REGION_CHECKS.values()
    if c.category in (CheckCategory.CONSISTENCY, CheckCategory.ACCURACY)
)  # fmt: skip


def flags_of(violations: list[Violation]) -> tuple[int, list[Violation]]:
    """The flags of a row of history (the checks it breaks that history may keep), and the
    violations that still refuse it."""
    flags, refused = 0, []
    for violation in violations:
        check = violation_check(violation)
        if check in FLAGGABLE:
            flags |= 1 << check
        else:
            refused.append(violation)
    return flags, refused


def flag_names(flags: int) -> list[str]:
    return [c.name for c in REGION_CHECKS.values() if flags & (1 << c.id)] if flags else []
