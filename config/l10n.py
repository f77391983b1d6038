"""Numbers and months as the reader's language writes them (CLDR, through Babel): 48,395 in
English, 48.395 in Spanish; "March 2021" or "marzo de 2021". The console's template filters
(reporting.templatetags.numbers), charts and documents all format through these."""

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from django.utils.translation import get_language, to_locale


def _locale() -> str:
    return to_locale(get_language() or "en")


def number(value):
    """{{ 48395|number }}: grouped for the locale; anything not a number as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    if value == int(value):
        value = int(value)  # 2,000,000 USD, not 2,000,000.00
    return format_decimal(value, locale=_locale())


def month_name(value):
    """{{ "2021-03"|month_name }} or a date: the month and year in words."""
    if isinstance(value, str) and len(value) == 7:
        try:
            value = date(int(value[:4]), int(value[5:]), 1)
        except ValueError:
            return value
    if not isinstance(value, date):
        return value
    return format_date(value, "LLLL yyyy", locale=_locale())


def months_between(first, last) -> str:
    """A span of months in words: "March 2021", "January – March 2021", "November 2020 –
    February 2021"."""
    first, last = _as_month(first), _as_month(last)
    if not isinstance(first, date) or not isinstance(last, date):
        return f"{first} – {last}"
    if first == last:
        return month_name(last)
    if first.year == last.year:
        return f"{format_date(first, 'LLLL', locale=_locale())} – {month_name(last)}"
    return f"{month_name(first)} – {month_name(last)}"


def _as_month(value):
    """The first day of the month of "2021-03", "2021-03-30" or a date."""
    if isinstance(value, date):
        return value.replace(day=1)
    if isinstance(value, str) and len(value) >= 7:
        try:
            return date(int(value[:4]), int(value[5:7]), 1)
        except ValueError:
            return value
    return value
