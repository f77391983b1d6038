from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.filters import OrderingFilter

from config.api.fields import BOOLEAN_HELP, MONTH_HELP, MONTH_SCHEMA, parse_bool, parse_month


class SearchFilter(django_filters.CharFilter):
    """`q`: every word must appear (case-insensitively) in one of `fields`."""

    def __init__(self, *, fields: tuple[str, ...], **kwargs):
        kwargs.setdefault("label", "Search in " + ", ".join(fields))
        super().__init__(**kwargs)
        self.search_fields = fields

    def filter(self, qs, value):
        for word in (value or "").split()[:10]:
            qs = qs.filter(
                reduce(or_, (Q(**{f"{f}__icontains": word}) for f in self.search_fields))
            )
        return qs


class StrictBooleanField(forms.Field):
    """A form field reading booleans with parse_bool."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return parse_bool(value)
        except ValueError:
            raise forms.ValidationError(
                gettext("Enter %(help)s.") % {"help": BOOLEAN_HELP}, code="invalid"
            ) from None


class BooleanFilter(django_filters.BooleanFilter):
    """true/false (parse_bool); anything else is a 400, not a silently ignored filter."""

    field_class = StrictBooleanField


# Parameters every list takes besides its filters.
COMMON_PARAMETERS = frozenset(
    {"format", "page", "page_size", "cursor", "ordering", "sep", "headers"}
)


def assert_known_parameters(request, view) -> None:
    """400 naming each query parameter the list does not take (`?montth=`): a misspelled
    filter must never answer an unfiltered list. A view declares the parameters of its own
    actions in `action_parameters` ({action: names})."""
    known = set(COMMON_PARAMETERS)
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        known |= filterset_class.base_filters.keys()
    known |= set(getattr(view, "action_parameters", {}).get(getattr(view, "action", None), ()))
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        choices = ", ".join(sorted(known - {"format"}))
        raise ValidationError(
            {
                name: [
                    ErrorDetail(
                        gettext("Unknown parameter; this list takes: %(choices)s.")
                        % {"choices": choices},
                        "unknown_parameter",
                    )
                ]
                for name in unknown
            }
        )


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` among the view's `ordering_fields` (with `-`); anything else is a 400."""

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw:
            allowed = {
                name for name, _ in self.get_valid_fields(queryset, view, {"request": request})
            }
            wrong = [t for t in raw.split(",") if t.strip().lstrip("-") not in allowed]
            if wrong:
                raise ValidationError(
                    {
                        self.ordering_param: [
                            ErrorDetail(
                                gettext("Order by one of: %(choices)s.")
                                % {"choices": ", ".join(sorted(allowed))},
                                "invalid_choice",
                            )
                        ]
                    }
                )
        return super().get_ordering(request, queryset, view)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing unknown parameters on lists and exports, and
    skipping the filter form when no filter is in the query: building and validating a form
    of twenty fields is a fifth of an unfiltered list's time."""

    def filter_queryset(self, request, queryset, view):
        if not getattr(view, "detail", False):
            assert_known_parameters(request, view)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not (
            request.query_params.keys() & filterset_class.base_filters.keys()
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class MonthFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(MONTH_HELP, code="invalid")
        return month


@extend_schema_field(MONTH_SCHEMA)
class MonthFilter(django_filters.Filter):
    field_class = MonthFormField


def _code_filter(queryset, field_name: str, to_field: str = "code", **kwargs):
    return django_filters.ModelChoiceFilter(
        queryset=queryset, field_name=field_name, to_field_name=to_field, **kwargs
    )
