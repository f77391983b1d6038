from rest_framework import serializers

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
        fields = ["code", "name", "sector", "indicator_type", "unit", "active"]
        extra_kwargs = {
            "indicator_type": {
                "help_text": "Drives validation: Direct Assistance rows count people."
            }
        }
