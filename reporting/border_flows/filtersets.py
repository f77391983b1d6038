import django_filters

from config.api.filters import SearchFilter, _code_filter
from partners.models import Partner
from reporting.border_flows.choices import BorderPointKind, CountType, Direction, ObservationMethod
from reporting.border_flows.models import BorderCrossing, BorderPoint
from reporting.locations.choices import LocationLevel
from reporting.locations.models import Location


def _country_filter(field_name: str):
    return _code_filter(
        Location.objects.filter(level=LocationLevel.COUNTRY),
        field_name,
        "pcode",
        help_text="The country the point is in (ISO3, e.g. PER).",
    )


class BorderPointFilterSet(django_filters.FilterSet):
    country = _country_filter("admin1__parent")
    admin1 = _code_filter(Location.objects.all(), "admin1", "pcode", help_text="Admin1 P-code.")
    neighbour_country = django_filters.CharFilter(help_text="ISO3, e.g. BOL.")
    kind = django_filters.ChoiceFilter(choices=BorderPointKind.choices)
    q = SearchFilter(fields=("code", "name"))

    class Meta:
        model = BorderPoint
        fields = []


class BorderCrossingFilterSet(django_filters.FilterSet):
    border_point = _code_filter(BorderPoint.objects.all(), "border_point", help_text="Code.")
    country = _country_filter("border_point__admin1__parent")
    admin1 = _code_filter(
        Location.objects.all(), "border_point__admin1", "pcode", help_text="Admin1 P-code."
    )
    neighbour_country = django_filters.CharFilter(field_name="border_point__neighbour_country")
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    nationality = django_filters.CharFilter(lookup_expr="iexact", help_text="ISO3.")
    method = django_filters.ChoiceFilter(choices=ObservationMethod.choices)
    count_type = django_filters.ChoiceFilter(
        choices=[*CountType.choices, ("all", "All")],
        method="filter_count_type",
        help_text="crossings, respondents or all (lists: all unless given; series/: "
        "crossings unless given).",
    )
    partner = _code_filter(Partner.objects.all(), "partner", help_text="Reporting organisation.")
    date_from = django_filters.DateFilter(lookup_expr="gte", help_text="Starting on or after.")
    date_to = django_filters.DateFilter(lookup_expr="lte", help_text="Ending on or before.")
    q = SearchFilter(fields=("source", "notes"))

    class Meta:
        model = BorderCrossing
        fields = []

    def filter_count_type(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(count_type=value)
