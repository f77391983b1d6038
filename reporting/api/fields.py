import re
from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reporting.references import ReferenceIndex

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(value) -> date | None:
    """'2021-03' -> date(2021, 3, 1); None if the text is not a YYYY-MM month."""
    if not isinstance(value, str):
        return None
    match = MONTH_RE.match(value.strip())
    if not match or int(match.group(1)) < 1900:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


MONTH_SCHEMA = {"type": "string", "pattern": MONTH_RE.pattern, "example": "2021-03"}


@extend_schema_field(MONTH_SCHEMA)
class MonthField(serializers.Field):
    default_error_messages = {"invalid": "Enter a month as YYYY-MM, e.g. 2021-03."}

    def to_internal_value(self, data):
        month = parse_month(data)
        if month is None:
            self.fail("invalid")
        return month

    def to_representation(self, value):
        return f"{value:%Y-%m}"


def references_in(context: dict) -> ReferenceIndex:
    """The request's reference index, shared by every field and row of one request."""
    return context.setdefault("references", ReferenceIndex())


class CodeField(serializers.CharField):
    """A reference object, written and read as its code (partner, indicator, P-code). The
    field documents the API; reporting.rows resolves codes on every write path."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
