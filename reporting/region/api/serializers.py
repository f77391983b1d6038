from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.api.fields import MonthField
from config.api.serializers import StrictFieldsMixin
from reporting.region.consolidation import CUMULATED, MODELS, MONTHLY


def snake(column: str) -> str:
    return column.lower().replace(" ", "_")


class ConsolidationQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    country = serializers.CharField(
        required=False,
        help_text="Country ISO3 codes, comma-separated (PER,ECU); default: every country.",
    )
    month_from = MonthField(help_text="First month: the consolidated columns run from it.")
    month_to = MonthField(help_text="Last month (inclusive).")
    model = serializers.ChoiceField(
        choices=MODELS, default="maxsector", help_text="The script's `totalmodel`."
    )
    proportions = serializers.ChoiceField(
        choices=["pin", "target"], default="pin", help_text="The script's `proportions`."
    )


class ConsolidationRowSerializer(serializers.Serializer):
    """One row of fct_aggregate_data's output; the download names the columns as the script
    does (`Monthly Total Beneficiaries`...)."""

    platform = serializers.CharField(allow_null=True, help_text="From the template; null off it.")
    country = serializers.CharField()
    admin1 = serializers.CharField(help_text="The region's name, or `Country level`.")
    month = serializers.CharField()
    subsector = serializers.CharField(help_text="The region's name, or `Intersector`.")

    def get_fields(self):
        fields = super().get_fields()
        for column in (*MONTHLY, *CUMULATED):
            fields[snake(column)] = serializers.IntegerField(help_text=column)
        for column in ("Check PopType Breakdown", "Check AGD Breakdown", "Check CVA higher Total"):
            fields[snake(column)] = serializers.CharField(help_text=column)
        return fields


class ConsolidationSerializer(serializers.Serializer):
    method = serializers.DictField(help_text=_("What the figures follow, and with what."))
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ConsolidationRowSerializer(many=True)


class ProportionsWorkbookSerializer(StrictFieldsMixin, serializers.Serializer):
    file = serializers.FileField(
        help_text="The region's Proportions.xlsx as it is (sheets pinproportions, "
        "targetproportions, PiN 2022, Target). Options (`dry_run`) are query parameters "
        "(also taken as form fields beside the file)."
    )
