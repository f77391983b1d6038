import django_filters

from config.api.filters import MonthFilter, _code_filter
from partners.models import Partner
from reporting.approvals.models import MonthSubmission
from reporting.locations.models import Location


class MonthSubmissionFilterSet(django_filters.FilterSet):
    partner = _code_filter(Partner.objects.all(), "partner", help_text="Organisation code.")
    country = _code_filter(
        Location.objects.filter(level="country"), "country", "pcode", help_text="ISO3, e.g. PER."
    )
    month = MonthFilter(field_name="month", help_text="YYYY-MM.")
    month_from = MonthFilter(field_name="month", lookup_expr="gte", help_text="From YYYY-MM.")
    month_to = MonthFilter(field_name="month", lookup_expr="lte", help_text="Up to YYYY-MM.")

    class Meta:
        model = MonthSubmission
        fields = ["status"]
