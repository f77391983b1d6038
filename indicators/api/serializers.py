from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

from indicators.models import Indicator, Sector


class SectorSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Sector.objects.filter(parent__isnull=True),
        allow_null=True,
        required=False,
        help_text="Code of the parent sector; null for a top-level sector.",
    )

    class Meta:
        model = Sector
        fields = ["code", "name", "parent", "region_name"]


class IndicatorSerializer(serializers.ModelSerializer):
    sector = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), help_text="Sector or subsector code."
    )

    class Meta:
        model = Indicator
        fields = [
            "code", "name", "sector", "indicator_type", "unit", "active", "first_plan_year",
            "last_plan_year",
        ]  # fmt: skip
        extra_kwargs = {
            "indicator_type": {
                "help_text": "Drives validation: Direct Assistance rows count people."
            }
        }

    def validate(self, attrs):
        first = attrs.get("first_plan_year", getattr(self.instance, "first_plan_year", None))
        last = attrs.get("last_plan_year", getattr(self.instance, "last_plan_year", None))
        if first is not None and last is not None and first > last:
            message = _("The last plan year comes before the first (%(first)s).") % {"first": first}
            raise ValidationError({"last_plan_year": [ErrorDetail(message, "invalid")]})
        return attrs
