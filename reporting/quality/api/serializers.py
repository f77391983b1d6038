from rest_framework import serializers

from config.api.fields import MonthField
from config.api.serializers import RegionCheckSerializer, StrictFieldsMixin
from reporting.common.references import ReferenceField
from reporting.quality.choices import CheckCategory


class CheckTextSerializer(serializers.Serializer):
    category = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()


class ServiceProblemSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The API field the problem names.")
    code = serializers.CharField(help_text="The service's own code for it.")


class QualityCheckSerializer(serializers.Serializer):
    """One of the region's 19 data-quality checks (R4V `fct_error_report.R`)."""

    id = serializers.IntegerField(help_text="Its number in the region's list (1 to 19).")
    name = serializers.CharField(help_text="Its variable name in the region's error report.")
    category = serializers.ChoiceField(choices=CheckCategory.choices)
    en = CheckTextSerializer(help_text="In English.")
    es = CheckTextSerializer(help_text="In Spanish.")
    service_problems = ServiceProblemSerializer(
        many=True, help_text="The service's problems (field and code) that name this check."
    )


class QualityReportQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    month_from = MonthField(
        required=False, help_text="First month (default: January of month_to's year)."
    )
    month_to = MonthField(required=False, help_text="Last month (default: the current one).")
    partner = ReferenceField("partner", required=False, help_text="Organisation code.")
    country = ReferenceField("location", required=False, help_text="Country ISO3, e.g. PER.")


class QualityGroupSerializer(serializers.Serializer):
    month = MonthField()
    partner = serializers.CharField()
    partner_name = serializers.CharField(allow_null=True)
    country = serializers.CharField()
    country_name = serializers.CharField(allow_null=True)
    rows = serializers.IntegerField(help_text="Reports of the organisation, country and month.")
    flagged_rows = serializers.IntegerField(help_text="Of them, rows breaking some check.")
    checks = serializers.DictField(
        child=serializers.IntegerField(), help_text="Rows breaking each check, by its name."
    )


class CheckCountSerializer(serializers.Serializer):
    check = RegionCheckSerializer()
    rows = serializers.IntegerField()


class OrganisationCountSerializer(serializers.Serializer):
    partner = serializers.CharField()
    partner_name = serializers.CharField(allow_null=True)
    rows = serializers.IntegerField()
    flagged_rows = serializers.IntegerField()


class CountryCountSerializer(serializers.Serializer):
    country = serializers.CharField()
    country_name = serializers.CharField(allow_null=True)
    rows = serializers.IntegerField()
    flagged_rows = serializers.IntegerField()


class QualityMonthsSerializer(serializers.Serializer):
    to = MonthField()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = MonthField()
        return fields


class QualityReportSerializer(serializers.Serializer):
    """The region's checks counted over a scope. Stored rows passed every rule when they
    were written, except history imported with its flaws: those rows are the ones to review
    (rows/ downloads them as the region's error report)."""

    months = QualityMonthsSerializer()
    rows = serializers.IntegerField(help_text="Reports in scope.")
    flagged_rows = serializers.IntegerField(help_text="Reports breaking some check.")
    by_check = CheckCountSerializer(many=True, help_text="Each of the 19 checks (a chart).")
    by_organisation = OrganisationCountSerializer(
        many=True, help_text="Per organisation, most flagged first (a chart)."
    )
    by_country = CountryCountSerializer(many=True)
    count = serializers.IntegerField(help_text="Groups (organisation x country x month).")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    next_page = serializers.IntegerField(allow_null=True)
    previous_page = serializers.IntegerField(allow_null=True)
    results = QualityGroupSerializer(
        many=True, help_text="A page of the groups: per month, organisation and country."
    )
