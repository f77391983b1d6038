import django_filters
from django.db.models import Q

from config.api.filters import _code_filter
from indicators.models import Sector
from reporting.figures.models import AgeSexProportions, PlanTarget
from reporting.locations.models import Location


class _PlaceFilterSet(django_filters.FilterSet):
    admin1 = _code_filter(Location.objects.all(), "admin1", "pcode", help_text="Admin1 P-code.")
    country = django_filters.ModelChoiceFilter(
        queryset=Location.objects.filter(level="country"), to_field_name="pcode",
        method="filter_country",
        help_text="Country ISO3, e.g. PER: its admin1 areas and the country as a whole.",
    )  # fmt: skip

    def filter_country(self, queryset, name, value: str):  # str for the schema (ISO3)
        return queryset.filter(Q(admin1__parent=value) | Q(admin1=value)) if value else queryset


class PlanTargetFilterSet(_PlaceFilterSet):
    plan_year = django_filters.NumberFilter(help_text="e.g. 2021.")
    sector = _code_filter(Sector.objects.all(), "sector", help_text="Sector or subsector code.")
    all_sectors = django_filters.BooleanFilter(
        field_name="sector", lookup_expr="isnull",
        help_text="true: only the figures of all sectors together (the region's Intersector).",
    )  # fmt: skip

    class Meta:
        model = PlanTarget
        fields = ["population_type", "age_sex"]


class AgeSexProportionsFilterSet(_PlaceFilterSet):
    sector = _code_filter(Sector.objects.all(), "sector", help_text="Sector or subsector code.")

    class Meta:
        model = AgeSexProportions
        fields = ["variant", "population_type"]
