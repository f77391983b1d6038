import django_filters

from config.api.filters import BooleanFilter, SearchFilter
from indicators.choices import IndicatorType
from indicators.models import Indicator, Sector


class SectorFilterSet(django_filters.FilterSet):
    parent = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.all(), to_field_name="code", help_text="Parent sector code."
    )
    top_level = BooleanFilter(
        field_name="parent", lookup_expr="isnull", help_text="Only sectors (true) or subsectors."
    )
    q = SearchFilter(fields=("code", "name"))

    class Meta:
        model = Sector
        fields = ["parent"]


class IndicatorFilterSet(django_filters.FilterSet):
    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.all(),
        to_field_name="code",
        method="filter_sector",
        help_text="Sector code; a sector includes its subsectors.",
    )
    indicator_type = django_filters.ChoiceFilter(choices=IndicatorType.choices)
    active = BooleanFilter()
    plan_year = django_filters.NumberFilter(
        method="filter_plan_year",
        help_text="Only the catalogue of this plan year, e.g. 2024 (a report's month picks "
        "its year's).",
    )
    q = SearchFilter(fields=("code", "name"))

    class Meta:
        model = Indicator
        fields = ["indicator_type", "active"]

    def filter_plan_year(self, queryset, name, value):
        return queryset.filter(Indicator.of_plan_year(int(value))) if value else queryset

    def filter_sector(self, queryset, name, value):
        return queryset.filter(value.covering())
