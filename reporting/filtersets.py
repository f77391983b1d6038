import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field

from config.filters import BooleanFilter, SearchFilter
from indicators.choices import IndicatorType
from indicators.models import Indicator, Sector
from partners.models import Partner
from reporting.api.fields import MONTH_SCHEMA, parse_month
from reporting.choices import (
    BorderPointKind,
    DeliveryMechanism,
    Direction,
    LocationLevel,
    ObservationMethod,
)
from reporting.models import ActivityReport, BorderCrossing, BorderPoint, Location, ReportingPeriod


class MonthFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError("Enter a month as YYYY-MM.", code="invalid")
        return month


@extend_schema_field(MONTH_SCHEMA)
class MonthFilter(django_filters.Filter):
    field_class = MonthFormField


def _code_filter(queryset, field_name: str, to_field: str = "code", **kwargs):
    return django_filters.ModelChoiceFilter(
        queryset=queryset, field_name=field_name, to_field_name=to_field, **kwargs
    )


class LocationFilterSet(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=LocationLevel.choices)
    parent = _code_filter(Location.objects.all(), "parent", "pcode", help_text="Parent P-code.")
    q = SearchFilter(fields=("pcode", "name"))

    class Meta:
        model = Location
        fields = ["level", "parent"]


class ReportingPeriodFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReportingPeriod._meta.get_field("status").choices)
    month_from = MonthFilter(field_name="month", lookup_expr="gte", help_text="From YYYY-MM.")
    month_to = MonthFilter(field_name="month", lookup_expr="lte", help_text="Up to YYYY-MM.")

    class Meta:
        model = ReportingPeriod
        fields = ["status"]


class ActivityReportFilterSet(django_filters.FilterSet):
    month = MonthFilter(help_text="Exactly this month, YYYY-MM.")
    month_from = MonthFilter(field_name="month", lookup_expr="gte", help_text="From YYYY-MM.")
    month_to = MonthFilter(field_name="month", lookup_expr="lte", help_text="Up to YYYY-MM.")
    country = _code_filter(
        Location.objects.filter(level=LocationLevel.COUNTRY),
        "admin1__parent",
        "pcode",
        help_text="Country ISO3, e.g. PER.",
    )
    admin1 = _code_filter(
        Location.objects.filter(level=LocationLevel.ADMIN1),
        "admin1",
        "pcode",
        help_text="Admin1 P-code.",
    )
    admin2 = _code_filter(
        Location.objects.filter(level=LocationLevel.ADMIN2),
        "admin2",
        "pcode",
        help_text="Admin2 P-code.",
    )
    sector = _code_filter(
        Sector.objects.all(),
        "indicator__sector",
        method="filter_sector",
        help_text="Sector code; a sector includes its subsectors.",
    )
    indicator = _code_filter(Indicator.objects.all(), "indicator", help_text="Indicator code.")
    indicator_type = django_filters.ChoiceFilter(
        field_name="indicator__indicator_type", choices=IndicatorType.choices
    )
    partner = _code_filter(Partner.objects.all(), "partner", help_text="Appealing organisation.")
    implementing_partner = _code_filter(
        Partner.objects.all(), "implementing_partner", help_text="Implementing partner code."
    )
    rmrp = BooleanFilter()
    cva = BooleanFilter()
    delivery_mechanism = django_filters.ChoiceFilter(choices=DeliveryMechanism.choices)
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Changed at or after this ISO 8601 time (for systems that sync).",
    )
    q = SearchFilter(fields=("activity_name", "activity_description"))

    class Meta:
        model = ActivityReport
        fields = []

    def filter_sector(self, queryset, name, value):
        return queryset.filter(Q(indicator__sector=value) | Q(indicator__sector__parent=value))


class BorderPointFilterSet(django_filters.FilterSet):
    admin1 = _code_filter(Location.objects.all(), "admin1", "pcode", help_text="Admin1 P-code.")
    neighbour_country = django_filters.CharFilter(help_text="ISO3, e.g. BOL.")
    kind = django_filters.ChoiceFilter(choices=BorderPointKind.choices)
    q = SearchFilter(fields=("code", "name"))

    class Meta:
        model = BorderPoint
        fields = []


class BorderCrossingFilterSet(django_filters.FilterSet):
    border_point = _code_filter(BorderPoint.objects.all(), "border_point", help_text="Code.")
    admin1 = _code_filter(
        Location.objects.all(), "border_point__admin1", "pcode", help_text="Admin1 P-code."
    )
    neighbour_country = django_filters.CharFilter(field_name="border_point__neighbour_country")
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    nationality = django_filters.CharFilter(lookup_expr="iexact", help_text="ISO3.")
    method = django_filters.ChoiceFilter(choices=ObservationMethod.choices)
    partner = _code_filter(Partner.objects.all(), "partner", help_text="Reporting organisation.")
    date_from = django_filters.DateFilter(lookup_expr="gte", help_text="Starting on or after.")
    date_to = django_filters.DateFilter(lookup_expr="lte", help_text="Ending on or before.")
    q = SearchFilter(fields=("source", "notes"))

    class Meta:
        model = BorderCrossing
        fields = []
