"""Reading one 5W row from its API (JSON) form: every write path goes through here.

`parse_report` turns a raw mapping (a JSON object, or a spreadsheet row mapped to API
names) into model values, then runs the platform's rules (reporting.validation) on the
report as it would be saved. It returns every problem of the row at once, with the same
field names and codes on every path: single writes, JSON batches and spreadsheet imports.
It runs no query: codes are resolved through a ReferenceIndex.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from config.api.exceptions import Violation
from indicators.models import name_for_reader
from partners.models import User
from partners.permissions import partner_of_write
from reporting.activities.breakdowns import AGE_SEX_FIELDS, POPULATION_FIELDS
from reporting.activities.cells import (
    RowError,
    _bool,
    _code,
    _count,
    _country,
    _mechanism,
    _money,
    _month,
    _text,
)
from reporting.activities.models import ActivityReport
from reporting.activities.validation import activity_report_violations, location_violations
from reporting.common.references import ReferenceIndex, unknown_code_message
from reporting.locations.choices import LocationLevel
from reporting.quality.checks import flags_of

READ_ONLY = frozenset({"id", "created_at", "updated_at", "created_by", "version", "quality_flags"})


# Derived or redundant columns of the 5W: accepted, and checked against the row.
CONSISTENCY = frozenset({"country", "sector", "implementation_setup"})


REQUIRED = ("month", "admin1", "indicator", "activity_name", "rmrp", "cva")


BREAKDOWNS = {"population": POPULATION_FIELDS, "age_sex": AGE_SEX_FIELDS}


BREAKDOWN_COLUMNS = {key: dict(pairs) for key, pairs in BREAKDOWNS.items()}


@dataclass
class ParsedReport:
    data: dict[str, Any] = field(default_factory=dict)  # model field -> value
    violations: list[Violation] = field(default_factory=list)
    candidate: ActivityReport | None = None

    @property
    def ok(self) -> bool:
        return not self.violations


# API name -> (model field, converter, nullable)
SCALARS = {
    "external_id": ("external_id", lambda v, r: _text(v, max_length=100, blank=True) or None, True),
    "month": ("month", lambda v, r: _month(v), False),
    "partner": ("partner", lambda v, r: _code(r, "partner", v), False),
    "implementing_partner": ("implementing_partner", lambda v, r: _code(r, "partner", v), True),
    "admin1": ("admin1", lambda v, r: _code(r, "location", v), False),
    "admin2": ("admin2", lambda v, r: _code(r, "location", v), True),
    "indicator": ("indicator", lambda v, r: _code(r, "indicator", v), False),
    "activity_name": ("activity_name", lambda v, r: _text(v, max_length=300, blank=False), False),
    "activity_description": (
        "activity_description", lambda v, r: _text(v, max_length=5000, blank=True), True,
    ),
    "rmrp": ("rmrp", lambda v, r: _bool(v), False),
    "covid19": ("covid19", lambda v, r: _bool(v), False),
    "cva": ("cva", lambda v, r: _bool(v), False),
    "cva_value_usd": ("cva_value_usd", lambda v, r: _money(v), True),
    "delivery_mechanism": ("delivery_mechanism", lambda v, r: _mechanism(v), True),
    "quantity": ("quantity", lambda v, r: _count(v), True),
    "total_beneficiaries": ("total_beneficiaries", lambda v, r: _count(v), True),
    "new_beneficiaries": ("new_beneficiaries", lambda v, r: _count(v), True),
}  # fmt: skip


NULL_DEFAULTS = {"activity_description": "", "covid19": False}


def _breakdown(key: str, value, data: dict, add, *, partial: bool) -> None:
    known = BREAKDOWN_COLUMNS[key]
    null = value is None
    if null:
        value = {}
    elif not isinstance(value, dict):
        add(Violation(key, "invalid", _("Invalid data. Expected a dictionary.")))
        return
    if null or not partial:
        for column in known.values():  # omitted groups count as 0; null: all of them
            data[column] = 0
    for name, item in value.items():
        column = known.get(name)
        if column is None:
            add(Violation(f"{key}.{name}", "unknown_field", _("Unknown field.")))
            continue
        try:
            data[column] = _count(item) if item is not None else 0
        except RowError as error:
            add(Violation(f"{key}.{name}", error.code, error.message))


# Places named by name are read within the row's country, and an admin2 within its admin1.
WITHIN = {"admin1": lambda raw, data, r: _country(r, raw.get("country")),
          "admin2": lambda raw, data, r: data.get("admin1")}  # fmt: skip
READ_ORDER = {"month": -2, "admin1": 0, "admin2": 1, "indicator": 2}


def _read_fields(raw: dict, data: dict, references: ReferenceIndex, add, *, partial: bool):
    """Each field of `raw` converted into `data` (model field -> value), or a violation."""
    for key in sorted(raw, key=lambda k: READ_ORDER.get(k, -1)):
        value = raw[key]
        spec = SCALARS.get(key)
        if spec is not None:
            model_field, convert, nullable = spec
            if value is None or (nullable and value == ""):
                if key in NULL_DEFAULTS:
                    data[model_field] = NULL_DEFAULTS[key]
                elif nullable:
                    data[model_field] = None
                else:
                    add(Violation(key, "null", _("This field may not be null.")))
                continue
            try:
                if key in WITHIN:
                    within = WITHIN[key](raw, data, references)
                    data[model_field] = _code(
                        references, "location", value, within=within, level=key
                    )
                elif key == "indicator":  # by name: the month's catalogue decides
                    year = getattr(data.get("month"), "year", None)
                    data[model_field] = _code(references, "indicator", value, year=year)
                else:
                    data[model_field] = convert(value, references)
            except RowError as error:
                add(Violation(key, error.code, error.message))
        elif key in BREAKDOWNS:
            _breakdown(key, value, data, add, partial=partial)
        elif key not in READ_ONLY and key not in CONSISTENCY:
            add(Violation(str(key), "unknown_field", _("Unknown field.")))


def parse_report(
    raw,
    *,
    user: User,
    references: ReferenceIndex,
    instance: ActivityReport | None = None,
    partial: bool = False,
    history: bool = False,
) -> ParsedReport:
    """Read a raw report; with `instance`, the result is the instance changed by `raw`.
    A row passing every rule has no quality flags (a flagged row fixed loses them). With
    `history`, a row breaking only the region's Consistency or Accuracy checks is valid,
    flagged with them (reporting.quality.checks.flags_of)."""
    out = ParsedReport()
    add = out.violations.append
    if not isinstance(raw, dict):
        add(Violation(None, "invalid", _("Expected an object of report fields.")))
        return out

    if instance is None or not partial:  # create, or PUT: the whole report
        for key in REQUIRED:
            if key not in raw:
                add(Violation(key, "required", _("This field is required.")))

    _read_fields(raw, out.data, references, add, partial=partial)
    data = out.data
    if "partner" not in raw or "partner" in data:  # an unreadable code is reported above
        partner, refused = partner_of_write(
            user,
            data.get("partner"),
            existing=instance.partner if instance is not None else None,
            own=lambda: references.object_by_id("partner", user.partner_id),
        )
        if refused is not None:
            add(refused)
        elif instance is None:
            data["partner"] = partner
    # An unknown field does not hide the row's other problems: the rules still run on what
    # was read. Any other unreadable value leaves the row's rules nothing sound to run on,
    # but those between the values read still do: all of a row's problems in one pass.
    if any(v.code != "unknown_field" for v in out.violations):
        _rules_on_what_was_read(raw, data, instance, references, out.violations)
        return out

    data["quality_flags"] = 0
    out.candidate = candidate = _candidate(data, instance, references)
    out.violations.extend(activity_report_violations(candidate))
    if raw.keys() & CONSISTENCY:
        _consistency(raw, candidate, add, references)
    if history and out.violations:
        flags, out.violations[:] = flags_of(out.violations)
        candidate.quality_flags = data["quality_flags"] = flags
    return out


def _rules_on_what_was_read(raw, data, instance, references, violations) -> None:
    """A row with an unreadable value: the rules between the places, the country, the
    sector and the set-up it holds, on those that were read."""
    read = {k: v for k, v in data.items() if k in ("admin1", "admin2", "indicator",
                                                    "implementing_partner")}  # fmt: skip
    if not read:
        return
    candidate = _candidate(read, instance, references)
    reported = {v.field for v in violations}

    def add(violation: Violation) -> None:
        if violation.field not in reported:  # a field already refused says so once
            violations.append(violation)

    if candidate.admin1_id is not None:
        for violation in location_violations(candidate):
            add(violation)
    _consistency(raw, candidate, add, references)


def _same(given, *expected: str) -> bool:
    text = str(given).strip().casefold()
    return any(text == e.casefold() for e in expected)


def _consistency(raw: dict, report: ActivityReport, add, references: ReferenceIndex) -> None:
    """The 5W's redundant columns must agree with the row (a row that says set-up = no but
    names an implementing partner is a mistake to report, not to guess at)."""
    _setup_consistency(raw, report, add)
    _country_consistency(raw, report, add, references)
    _sector_consistency(raw, report, add)


def _setup_consistency(raw: dict, report: ActivityReport, add) -> None:
    if "implementation_setup" in raw and raw["implementation_setup"] not in (None, ""):
        try:
            setup = _bool(raw["implementation_setup"])
        except RowError as error:
            add(Violation("implementation_setup", error.code, error.message))
        else:
            if setup and report.implementing_partner_id is None:
                add(
                    Violation(
                        "implementing_partner",
                        "implementing_partner_required",
                        _("Implementation set-up is yes: name the implementing partner."),
                    )
                )
            elif not setup and report.implementing_partner_id is not None:
                add(
                    Violation(
                        "implementing_partner",
                        "implementing_partner_forbidden",
                        _("Implementation set-up is no: leave the implementing partner empty."),
                    )
                )


def _country_consistency(raw: dict, report: ActivityReport, add, references) -> None:
    country = report.admin1.parent if report.admin1_id else None
    named = raw.get("country")
    if named and _country(references, named) is None:
        suggestions = references.suggest("location", str(named), level=LocationLevel.COUNTRY)
        add(
            Violation(
                "country", "does_not_exist", unknown_code_message("country", named, suggestions)
            )
        )
    elif named and country and _country(references, named) != country:
        add(
            Violation(
                "country",
                "country_mismatch",
                _(
                    "%(admin1)s is in %(country)s: write %(country)s (%(name)s) as the country, "
                    "or the admin1 of the country meant."
                )
                % {
                    "admin1": report.admin1.pcode,
                    "country": country.pcode,
                    "name": name_for_reader(country),
                },  # fmt: skip
            )
        )


def _sector_consistency(raw: dict, report: ActivityReport, add) -> None:
    sector = report.indicator.sector if report.indicator_id else None
    if (
        raw.get("sector")
        and sector
        and not _same(raw["sector"], sector.code, sector.name, sector.region_name)
    ):
        add(
            Violation(
                "sector",
                "sector_mismatch",
                _("Indicator %(indicator)s belongs to sector %(sector)s.")
                % {"indicator": report.indicator.code, "sector": sector.code},
            )
        )


_FIELDS = ActivityReport._meta.concrete_fields


_ATTNAMES = [f.attname for f in _FIELDS]


_POSITION = {f.name: n for n, f in enumerate(_FIELDS)}


_RELATIONS = {f.name for f in _FIELDS if f.is_relation}


_DEFAULTS = [None if f.primary_key else f.get_default() for f in _FIELDS]


def _candidate(data: dict, instance: ActivityReport | None, references: ReferenceIndex):
    """The report as it would be saved, without touching the instance being edited.

    Batches build thousands of these, so the instance is assembled the way Django loads a
    row from the database, minus the per-field descriptor calls of Model.__init__ (this
    model has no init signals or deferred fields); related objects go straight into the
    relation cache."""
    values = list(_DEFAULTS) if instance is None else [getattr(instance, a) for a in _ATTNAMES]
    related = {}
    for name, value in data.items():
        if name in _RELATIONS:
            related[name] = value
            value = value.pk if value is not None else None
        values[_POSITION[name]] = value
    candidate = ActivityReport.__new__(ActivityReport)
    candidate._state = ModelState()
    candidate.__dict__.update(zip(_ATTNAMES, values, strict=True))
    if instance is not None:
        references.attach([candidate])
    candidate._state.fields_cache.update(related)
    return candidate
