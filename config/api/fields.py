import re
from datetime import date, datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import empty


def month_str(value) -> str | None:
    return f"{value:%Y-%m}" if value else None


def iso_datetime(value: datetime) -> str:
    """As DRF writes timestamps (current time zone, `Z` for UTC), without a field per call."""
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


MAX_COUNT = 10_000_000


count_validators = [MinValueValidator(0), MaxValueValidator(MAX_COUNT)]


# Yes and no as partners write them, in English and Spanish: the one reading of a boolean
# for JSON, query strings and spreadsheets.
TRUE_WORDS = frozenset({"true", "yes", "si", "sí", "1", "y", "s"})
FALSE_WORDS = frozenset({"false", "no", "0", "n"})


def number(value: int | float) -> str:
    """A count for a message, grouped as the request's language writes it (1,200; 1.200)."""
    from django.utils.formats import number_format

    return number_format(value, force_grouping=True)


BOOLEAN_HELP = _("true/false (also yes/no, sí/no, 1/0)")


def parse_bool(value) -> bool:
    """True or False; ValueError for anything else (never a silent False)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
    raise ValueError(value)


class BooleanField(serializers.BooleanField):
    """A boolean read by parse_bool. Absent from a query string or form it is absent (DRF's
    own field reads it as false there)."""

    default_error_messages = {"invalid": _("Enter true/false (also yes/no, sí/no, 1/0).")}
    default_empty_html = empty

    def to_internal_value(self, data):
        try:
            return parse_bool(data)
        except ValueError:
            self.fail("invalid")


MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


# Dates the API takes: wide enough for any plan year, narrow enough that a month or a day
# after the last one still exists (9999-12 has no next month) and no range is unbounded.
FIRST_DAY = date(1900, 1, 1)


LAST_DAY = date(2100, 12, 31)
MONTH_HELP = _("Enter a month as YYYY-MM from 1900-01 to 2100-12, e.g. 2021-03.")


def parse_month(value) -> date | None:
    """'2021-03' -> date(2021, 3, 1); None if the text is not a YYYY-MM month between
    FIRST_DAY and LAST_DAY."""
    if not isinstance(value, str):
        return None
    match = MONTH_RE.match(value.strip())
    if not match or not FIRST_DAY.year <= int(match.group(1)) <= LAST_DAY.year:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def months_between(start: date, end: date) -> list[date]:
    """Every month from `start` to `end` (first days), both included."""
    out, current = [], start
    while current <= end:
        out.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return out


def assert_within_dates(**days: date | None) -> None:
    """400 naming each parameter outside FIRST_DAY..LAST_DAY."""
    errors = {
        name: [
            ErrorDetail(
                gettext("Give a date from %(first)s to %(last)s.")
                % {"first": FIRST_DAY, "last": LAST_DAY},
                "out_of_range",
            )
        ]
        for name, day in days.items()
        if day is not None and not FIRST_DAY <= day <= LAST_DAY
    }
    if errors:
        raise ValidationError(errors)


MONTH_SCHEMA = {"type": "string", "pattern": MONTH_RE.pattern, "example": "2021-03"}


@extend_schema_field(MONTH_SCHEMA)
class MonthField(serializers.Field):
    default_error_messages = {"invalid": MONTH_HELP}

    def to_internal_value(self, data):
        month = parse_month(data)
        if month is None:
            self.fail("invalid")
        return month

    def to_representation(self, value):
        return f"{value:%Y-%m}"


class CodeField(serializers.CharField):
    """A reference object, written and read as its code (partner, indicator, P-code). The
    field documents the API; reporting.activities.rows resolves codes on every write path."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
