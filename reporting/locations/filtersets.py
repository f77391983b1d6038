import django_filters

from config.api.filters import SearchFilter, _code_filter
from reporting.locations.choices import LocationLevel
from reporting.locations.models import Location


class LocationFilterSet(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=LocationLevel.choices)
    parent = _code_filter(Location.objects.all(), "parent", "pcode", help_text="Parent P-code.")
    q = SearchFilter(fields=("pcode", "name", "name_es", "region_name"))

    class Meta:
        model = Location
        fields = ["level", "parent"]
