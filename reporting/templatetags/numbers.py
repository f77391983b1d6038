"""{{ 48395|number }} and {{ "2021-03"|month_name }}: config.l10n as template filters."""

from django import template

from config import l10n

register = template.Library()
register.filter("number", l10n.number)
register.filter("month_name", l10n.month_name)
