from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from reporting.locations.models import Location

PARENT_LEVEL = {"country": None, "admin1": "country", "admin2": "admin1"}


class LocationSerializer(serializers.ModelSerializer):
    pcode = serializers.RegexField(
        r"^[A-Z]{2,3}(?:[0-9]+|-[A-Z0-9]{1,3})?$",
        max_length=20,
        validators=[UniqueValidator(queryset=Location.objects.all())],
        help_text="P-code: ISO3 for a country (PER); an admin1's P-code (PE24) or, where the "
        "platform has none, its ISO 3166-2 code (AR-C); PE2401 admin2.",
    )
    platform = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True,
        help_text="Countries: the sub-regional platform (SC, CAR, CAM, PER...); null for "
        "admin areas.",
    )  # fmt: skip
    parent = serializers.SlugRelatedField(
        slug_field="pcode",
        queryset=Location.objects.all(),
        allow_null=True,
        required=False,
        help_text="P-code of the enclosing area; null for a country.",
    )

    class Meta:
        model = Location
        fields = ["pcode", "name", "name_es", "region_name", "level", "parent", "platform"]

    def validate(self, attrs):
        level = attrs.get("level", getattr(self.instance, "level", None))
        parent = attrs.get("parent", getattr(self.instance, "parent", None))
        expected = PARENT_LEVEL.get(level)
        if (parent.level if parent else None) != expected:
            message = (
                _("A country has no parent.")
                if expected is None
                else _("An %(level)s's parent is an %(expected)s.")
                % {"level": level, "expected": expected}
            )
            raise serializers.ValidationError(
                {"parent": [serializers.ErrorDetail(message, code="wrong_parent_level")]}
            )
        return attrs
