"""Reading one cell of a 5W row: text, yes/no, counts, money, months, and references by
code or by name (as the region's own files write them). Each raises RowError with a code
and a message saying what to write."""

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from config.api.fields import BOOLEAN_HELP, MAX_COUNT, MONTH_HELP, parse_bool, parse_month
from reporting.activities.choices import (
    DELIVERY_MECHANISM_ES,
    REGION_MECHANISMS,
    DeliveryMechanism,
)
from reporting.common.references import (
    NAME_FIELDS,
    ReferenceIndex,
    _plain,
    kind_name,
    unknown_code_message,
)

MECHANISMS = (
    {m.value: m.value for m in DeliveryMechanism}
    | {m.label.lower(): m.value for m in DeliveryMechanism}
    | {label.lower(): m.value for m, label in DELIVERY_MECHANISM_ES.items()}
    | {name.lower(): m.value for name, m in REGION_MECHANISMS.items()}
)


class RowError(Exception):
    def __init__(self, code: str, message: str):
        self.code, self.message = code, message


def _text(value, *, max_length: int, blank: bool) -> str:
    if not isinstance(value, str):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RowError("invalid", _("Not a valid string."))
        value = str(value)
    if "\x00" in value:
        raise RowError("null_characters_not_allowed", _("Null characters are not allowed."))
    value = value.strip()
    if not value and not blank:
        raise RowError("blank", _("This field may not be blank."))
    if len(value) > max_length:
        raise RowError(
            "max_length",
            _("Ensure this field has no more than %(n)s characters.") % {"n": max_length},
        )
    return value


def _bool(value) -> bool:
    try:
        return parse_bool(value)
    except ValueError:
        raise RowError(
            "invalid", _("Must be a valid boolean: %(help)s.") % {"help": BOOLEAN_HELP}
        ) from None


THOUSANDS = re.compile(r"\d{1,3}(?:([.,\u00a0 ])\d{3})(?:\1\d{3})*")


def _not_a_count(value) -> RowError:
    """What a person sees for a count they wrote another way: the value, and what is
    expected ("1.200" and "1,200" are a thousand two hundred written with a separator)."""
    shown = value if isinstance(value, str) else repr(value)
    if isinstance(value, str) and THOUSANDS.fullmatch(value.strip()):
        digits = re.sub(r"\D", "", value)
        return RowError(
            "thousands_separator",
            _(
                "%(value)s has a thousands separator; write the number of people without one: "
                "%(digits)s."
            )
            % {"value": repr(shown.strip()), "digits": digits},
        )
    return RowError(
        "invalid",
        _("Expected a whole number of people (0, 1, 2...); got %(value)s.")
        % {"value": repr(shown)},
    )


def _count(value) -> int:
    if type(value) is int and 0 <= value <= MAX_COUNT:  # the common case, first
        return value
    if isinstance(value, bool):
        raise _not_a_count(value)
    original = value
    if isinstance(value, str):
        text = value.strip()
        try:
            value = int(text)
        except ValueError:
            if THOUSANDS.fullmatch(text):
                raise _not_a_count(original) from None
            try:
                value = float(text)
            except ValueError:
                raise _not_a_count(original) from None
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise _not_a_count(original)
        value = int(value)
    if not isinstance(value, int):
        raise _not_a_count(original)
    if value < 0:
        raise RowError("min_value", _("Ensure this value is greater than or equal to 0."))
    if value > MAX_COUNT:
        raise RowError(
            "max_value", _("Ensure this value is less than or equal to %(n)s.") % {"n": MAX_COUNT}
        )
    return value


def _money(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise RowError("invalid", _("A valid number is required."))
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise RowError("invalid", _("A valid number is required.")) from None
    if not amount.is_finite():
        raise RowError("invalid", _("A valid number is required."))
    # Size first: quantize() itself fails on numbers beyond the decimal context ("1e30").
    if abs(amount) >= Decimal("1e12"):
        raise RowError("max_digits", _("Ensure that there are no more than 14 digits in total."))
    if amount != amount.quantize(Decimal("0.01")):
        raise RowError(
            "max_decimal_places", _("Ensure that there are no more than 2 decimal places.")
        )
    return amount


def _code(references: ReferenceIndex, kind: str, value, *, within=None, level=None, year=None):
    """The object a cell names by its code or, as the region's own files do, by its name
    (`within`: a location's country or admin1, which makes "Amazonas" one place; `level`:
    the location level the column holds, so the Admin1 "Lima" is not also the admin2 of
    that name; `year`: the row's plan year, whose catalogue decides between indicators of
    one name in two years). A name that fits two objects is refused with both, never
    guessed."""
    if not isinstance(value, str) or len(value) > 300:
        raise RowError("invalid", _("Expected a %(kind)s code (text).") % {"kind": kind_name(kind)})
    obj = references.get(kind, value.strip().upper()) or _code_and_name(references, kind, value)
    if obj is not None:
        return obj
    found = references.by_name(kind, value, within=within)
    if level is not None:
        found = [o for o in found if o.level == level]
    if year is not None and len(found) > 1:
        found = [o for o in found if o.in_plan_year(year)] or found
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        labels = [f"{getattr(o, 'code', None) or o.pcode} {o.name}" for o in found[:5]]
        choices = _(" or ").join(labels)
        raise RowError(
            "ambiguous",
            _("%(value)s names more than one %(kind)s (%(choices)s); write its code.")
            % {"value": repr(value), "kind": kind_name(kind), "choices": choices},
        )
    raise RowError(
        "does_not_exist",
        unknown_code_message(kind, value, references.suggest(kind, value, level=level)),
    )


def _code_and_name(references: ReferenceIndex, kind: str, value: str):
    """What the template's drop-downs write: a code and its name ("PE24 Tumbes", "PRT-01
    People receiving..."), the name perhaps cut short; it must be the code's own."""
    code, _space, rest = value.strip().partition(" ")
    obj = references.get(kind, code.upper())
    if obj is None or not rest.strip():
        return obj
    names = [_plain(getattr(obj, n)) for n in NAME_FIELDS if getattr(obj, n, None)]
    return obj if any(name.startswith(_plain(rest)) for name in names) else None


def _country(references: ReferenceIndex, value):
    """The country a row's Country cell names (ISO3 or a name in either language), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    found = references.get("location", value.strip().upper()) or _code_and_name(
        references, "location", value
    )
    if found is None:
        countries = [c for c in references.by_name("location", value) if c.level == "country"]
        found = countries[0] if len(countries) == 1 else None
    return found if found is not None and found.level == "country" else None


def _mechanism(value) -> str:
    choice = MECHANISMS.get(value.strip().lower()) if isinstance(value, str) else None
    if choice is None:
        raise RowError(
            "invalid_choice",
            _("%(value)s is not a valid delivery mechanism.") % {"value": repr(value)},
        )
    return choice


def _month(value):
    month = parse_month(value)
    if month is None:
        raise RowError("invalid", str(MONTH_HELP))
    return month


def _month_names() -> dict[str, int]:
    """Month names as Excel writes them in English and Spanish ("abr", "Apr.", "abril",
    "setiembre"), from CLDR (Babel), accents, case and dots dropped."""
    from babel.dates import get_month_names

    names = {}
    for locale in ("en", "es", "es_PE"):
        for width in ("abbreviated", "wide"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    names[_plain(name).rstrip(".")] = number
    names.update({"sep": 9, "set": 9})  # "sep-21", "set-21": Excel's own abbreviations
    return names


MONTH_NAMES = _month_names()
NAMED_MONTH = re.compile(r"([a-z]+)\.?(?:[-/ ]+de)?[-/ ]+(\d{2}|\d{4})")
ISO_DATE = re.compile(r"(\d{4})[-/](\d{1,2})(?:[-/]\d{1,2})?(?:[ T].*)?")
MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{4})")
DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?: [\d:.]+)?")


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def spreadsheet_month(value) -> str | None:
    """A month as a 5W cell may hold it, as YYYY-MM: a date cell (any day of its month);
    2021-04 or 2021-04-01; 04/2021; "abr-21", "Apr-2021", "abril de 2021", "April 2021";
    "01/04/2021" (Spanish Excel, day first) or "4/1/2021" (English Excel, month first): a
    month's date is its first day, so the part that is 1 is the day. None when the text is
    none of these, or could be two months ("03/04/2021")."""
    if isinstance(value, datetime | date):
        return f"{value:%Y-%m}"
    text = str(value).strip()
    if match := ISO_DATE.fullmatch(text):
        year, number = int(match.group(1)), int(match.group(2))
    elif match := MONTH_YEAR.fullmatch(text):
        number, year = int(match.group(1)), int(match.group(2))
    elif match := NAMED_MONTH.fullmatch(_plain(text)):
        number, year = MONTH_NAMES.get(match.group(1)), _year(match.group(2))
    elif match := DAY_MONTH_YEAR.fullmatch(text):
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        if first != 1 and second != 1:
            return None
        number = second if first == 1 else first
    else:
        return None
    if number is None or not 1 <= number <= 12:
        return None
    return f"{year:04d}-{number:02d}"
