import django_filters

from config.api.filters import MonthFilter
from reporting.periods.models import ReportingPeriod


class ReportingPeriodFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReportingPeriod._meta.get_field("status").choices)
    month_from = MonthFilter(field_name="month", lookup_expr="gte", help_text="From YYYY-MM.")
    month_to = MonthFilter(field_name="month", lookup_expr="lte", help_text="Up to YYYY-MM.")

    class Meta:
        model = ReportingPeriod
        fields = ["status"]
