import django_filters

from config.api.filters import BooleanFilter, MonthFilter, SearchFilter, _code_filter
from indicators.choices import IndicatorType
from indicators.models import Indicator, Sector
from partners.models import Partner
from reporting.activities.choices import DeliveryMechanism
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry
from reporting.locations.choices import LocationLevel
from reporting.locations.models import Location


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
    batch_id = django_filters.UUIDFilter(
        method="filter_batch",
        help_text="The reports a batch or an import wrote (its `batch_id`, which its "
        "`activity_reports.batch` webhook event names).",
    )
    q = SearchFilter(fields=("activity_name", "activity_description"))

    class Meta:
        model = ActivityReport
        fields = []

    def filter_batch(self, queryset, name, value):
        written = ActivityReportHistoryEntry.objects.filter(batch_id=value).values("report_id")
        return queryset.filter(pk__in=written) if value else queryset

    def filter_sector(self, queryset, name, value):
        return queryset.filter(value.covering("indicator__sector"))
