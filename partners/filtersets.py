import django_filters

from config.api.filters import BooleanFilter, SearchFilter
from partners.choices import PartnerType
from partners.models import Partner


class PartnerFilterSet(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=PartnerType.choices)
    appealing = BooleanFilter()
    q = SearchFilter(fields=("code", "name"))

    class Meta:
        model = Partner
        fields = ["type", "appealing"]
