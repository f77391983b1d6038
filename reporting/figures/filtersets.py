import django_filters

from config.api.filters import _code_filter
from indicators.models import Sector
from reporting.figures.models import AgeSexProportions, PlanTarget
from reporting.locations.models import Location


class PlanTargetFilterSet(django_filters.FilterSet):
    plan_year = django_filters.NumberFilter(help_text="e.g. 2021.")
    admin1 = _code_filter(Location.objects.all(), "admin1", "pcode", help_text="Admin1 P-code.")
    country = _code_filter(
        Location.objects.all(), "admin1__parent", "pcode", help_text="Country ISO3, e.g. PER."
    )
    sector = _code_filter(Sector.objects.all(), "sector", help_text="Sector code.")

    class Meta:
        model = PlanTarget
        fields = ["population_type"]


class AgeSexProportionsFilterSet(django_filters.FilterSet):
    admin1 = _code_filter(Location.objects.all(), "admin1", "pcode", help_text="Admin1 P-code.")
    country = _code_filter(
        Location.objects.all(), "admin1__parent", "pcode", help_text="Country ISO3, e.g. PER."
    )
    sector = _code_filter(Sector.objects.all(), "sector", help_text="Sector or subsector code.")

    class Meta:
        model = AgeSexProportions
        fields = ["variant", "population_type"]
