"""The plan's reference figures and each country's declared rules: targets and people in
need, figure settings."""

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

from config.api.serializers import StrictFieldsMixin
from reporting.common.references import ReferenceField
from reporting.figures.models import CountryFigureSettings, PlanTarget
from reporting.locations.choices import LocationLevel


class CountryFigureSettingsSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="pcode", read_only=True)
    changed_by = serializers.CharField(
        source="changed_by.username", read_only=True, allow_null=True
    )
    changed_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="null until a coordinator sets them."
    )

    class Meta:
        model = CountryFigureSettings
        fields = [
            "country",
            "consolidation_model",
            "accumulation",
            "proportions",
            "rmrp_only",
            "changed_at",
            "changed_by",
        ]
        read_only_fields = ["country", "changed_at", "changed_by"]


class PlanTargetSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A plan year's target and people in need in one place (an admin1, or a country as a
    whole), for one sector or subsector (none: all sectors together, the region's
    Intersector), optionally one population type and one age/sex group."""

    admin1 = ReferenceField(
        "location", help_text="Admin1 P-code, or a country's ISO3 for the country as a whole."
    )
    sector = ReferenceField(
        "sector", required=False, allow_null=True,
        help_text="Sector or subsector code; null: all sectors together (Intersector).",
    )  # fmt: skip
    changed_by = serializers.CharField(
        source="changed_by.username", read_only=True, allow_null=True
    )

    class Meta:
        model = PlanTarget
        fields = [
            "id", "plan_year", "admin1", "sector", "population_type", "age_sex", "target",
            "people_in_need", "changed_at", "changed_by",
        ]  # fmt: skip
        read_only_fields = ["id", "changed_at", "changed_by"]
        validators = []  # one target per cell: plan_targets_upsert replaces it

    def validate(self, attrs):
        admin1 = attrs.get("admin1")
        if admin1 is not None and admin1.level == LocationLevel.ADMIN2:
            message = _("%(pcode)s is not an admin1 area (or a country, for the whole of it).")
            raise ValidationError(
                {"admin1": [ErrorDetail(message % {"pcode": admin1.pcode}, "wrong_level")]}
            )
        if attrs.get("target") is None and attrs.get("people_in_need") is None:
            message = _("Give a target, people in need or both.")
            raise ValidationError({"target": [ErrorDetail(message, "required")]})
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["admin1"] = instance.admin1.pcode
        data["sector"] = instance.sector.code if instance.sector_id else None
        return data


class PlanTargetUploadSerializer(StrictFieldsMixin, serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV or XLSX with the columns plan_year, admin1, sector (empty: all "
        "sectors), population_type and age_sex (may be empty), target and people_in_need "
        "(either may be empty)."
    )


class PlanTargetUploadResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    deleted = serializers.IntegerField(help_text="Always 0 here: an upload adds and changes.")
