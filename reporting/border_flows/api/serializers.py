"""Border points and border-crossing observations."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

from config.api.exceptions import violations_error
from config.api.fields import MAX_COUNT, assert_within_dates, iso_datetime
from config.api.serializers import StrictFieldsMixin
from config.api.versioning import HistoryEntrySerializer
from partners.permissions import partner_of_write
from reporting.border_flows.choices import CountType, ObservationMethod
from reporting.border_flows.models import BorderCrossing, BorderCrossingHistoryEntry, BorderPoint
from reporting.border_flows.services import (
    AGE_SEX,
    MODES,
    border_crossing_violations,
    crossing_values,
)
from reporting.common.references import ReferenceField, references_in
from reporting.locations.models import Location


class BorderPointSerializer(serializers.ModelSerializer):
    admin1 = serializers.SlugRelatedField(slug_field="pcode", queryset=Location.objects.all())
    admin2 = serializers.SlugRelatedField(
        slug_field="pcode",
        queryset=Location.objects.all(),
        allow_null=True,
        required=False,
    )
    neighbour_country = serializers.RegexField(
        r"^[A-Z]{3}$", help_text="ISO3 of the country on the other side, e.g. ECU."
    )

    class Meta:
        model = BorderPoint
        fields = [
            "code",
            "name",
            "admin1",
            "admin2",
            "neighbour_country",
            "kind",
            "latitude",
            "longitude",
        ]
        extra_kwargs = {
            "latitude": {"coerce_to_string": False},
            "longitude": {"coerce_to_string": False},
        }


class CrossingAgeSexSerializer(StrictFieldsMixin, serializers.Serializer):
    """Optional; its groups may not add up to more than `people`."""

    girls = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, allow_null=True, required=False
    )
    boys = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, allow_null=True, required=False
    )
    women = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, allow_null=True, required=False
    )
    men = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, allow_null=True, required=False
    )


def _share() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        allow_null=True,
        required=False,
        coerce_to_string=False,
    )


class TravelModesSerializer(StrictFieldsMixin, serializers.Serializer):
    """Percentages of the people counted, 0 to 100, adding up to at most 100."""

    on_foot = _share()
    motor_vehicle = _share()
    other = _share()


class BorderCrossingSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """People counted crossing a border point on a day (`date`) or over a period
    (`date_from`, `date_to`), in one direction, of one nationality, from one source."""

    border_point = ReferenceField("border_point", help_text="Border point code.")
    date = serializers.DateField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text="One day: sets date_from and date_to.",
    )
    date_from = serializers.DateField(required=False, help_text="First day observed.")
    date_to = serializers.DateField(required=False, help_text="Last day observed (>= date_from).")
    nationality = serializers.RegexField(
        r"^[A-Za-z]{3}$", default="VEN", help_text="ISO3; default VEN."
    )
    people = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, help_text="People counted.")
    age_sex = CrossingAgeSexSerializer(required=False, allow_null=True)
    travel_modes = TravelModesSerializer(required=False, allow_null=True)
    method = serializers.ChoiceField(choices=ObservationMethod.choices)
    source = serializers.CharField(max_length=200, help_text='e.g. "DTM Round 3, 2021-03-30".')
    partner = ReferenceField(
        "partner",
        required=False,
        help_text="Reporting organisation; reporters may omit it (their own).",
    )
    notes = serializers.CharField(allow_blank=True, required=False, max_length=5000)
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = BorderCrossing
        fields = [
            "id",
            "border_point",
            "date",
            "date_from",
            "date_to",
            "direction",
            "nationality",
            "people",
            "age_sex",
            "travel_modes",
            "count_type",
            "method",
            "source",
            "partner",
            "notes",
            "created_at",
            "updated_at",
            "created_by",
            "version",
        ]
        read_only_fields = ["id", "created_at", "updated_at", "version"]
        validators = []  # uniqueness answers 409 in the service, not 400 here

    def to_representation(self, instance):
        return {
            "id": instance.pk,
            **crossing_values(instance),
            "created_at": iso_datetime(instance.created_at),
            "updated_at": iso_datetime(instance.updated_at),
            "created_by": instance.created_by.username,
            "version": instance.version,
        }

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        day = attrs.pop("date", None)
        if day is not None:
            attrs["date_from"] = attrs["date_to"] = day
        if "nationality" in attrs:
            attrs["nationality"] = attrs["nationality"].upper()
        if "age_sex" in attrs:
            groups = attrs.pop("age_sex") or {}
            attrs.update({f: groups.get(f) for f in AGE_SEX})
        if "travel_modes" in attrs:
            shares = attrs.pop("travel_modes") or {}
            attrs.update({field: shares.get(key) for key, field in MODES})
        return attrs

    def validate(self, attrs):
        user = self.context["request"].user
        if self.instance is None:
            missing = [f for f in ("date_from", "date_to") if f not in attrs]
            if missing:
                message = _("Give `date`, or `date_from` and `date_to`.")
                raise ValidationError({f: [ErrorDetail(message, "required")] for f in missing})
        partner, refused = partner_of_write(
            user,
            attrs.get("partner"),
            existing=self.instance.partner if self.instance else None,
            own=lambda: references_in(self.context).object_by_id("partner", user.partner_id),
        )
        if refused is not None and refused.code == "partner_not_allowed":
            raise exceptions.PermissionDenied(refused.message, code=refused.code)
        if refused is not None:
            raise violations_error([refused])
        attrs["partner"] = partner
        candidate = (
            BorderCrossing(
                **{
                    f.attname: getattr(self.instance, f.attname)
                    for f in BorderCrossing._meta.concrete_fields
                }
            )
            if self.instance
            else BorderCrossing()
        )
        for field, value in attrs.items():
            setattr(candidate, field, value)
        violations = border_crossing_violations(candidate)
        if violations:
            raise violations_error(violations)
        return attrs


class BorderCrossingHistoryEntrySerializer(HistoryEntrySerializer):
    class Meta(HistoryEntrySerializer.Meta):
        model = BorderCrossingHistoryEntry


class SeriesPointSerializer(serializers.Serializer):
    period = serializers.DateField(help_text="First day of the day, ISO week (Monday) or month.")
    people = serializers.IntegerField(allow_null=True, help_text="null: no observation (a gap).")


class SeriesSerializer(serializers.Serializer):
    border_point = serializers.CharField()
    direction = serializers.CharField()
    points = SeriesPointSerializer(many=True)


class SeriesQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    interval = serializers.ChoiceField(choices=["day", "week", "month"], default="day")
    count_type = serializers.ChoiceField(
        choices=[*CountType.values, "all"],
        default=CountType.CROSSINGS,
        help_text="Which observations count: crossings (the default: people counted crossing), "
        "respondents (people asked in a survey) or all.",
    )
    start = serializers.DateField(help_text="First day of the range.")
    end = serializers.DateField(help_text="Last day of the range (at most 3 years after start).")

    def to_internal_value(self, data):
        # The filter parameters travel in the same query string.
        own = {k: v for k, v in data.items() if k in self.fields}
        return super().to_internal_value(own)

    def validate(self, attrs):
        assert_within_dates(start=attrs["start"], end=attrs["end"])
        if attrs["end"] < attrs["start"]:
            raise ValidationError({"end": [ErrorDetail("end is before start.", "period_reversed")]})
        if (attrs["end"] - attrs["start"]).days > 3 * 366:
            raise ValidationError(
                {"end": [ErrorDetail(_("At most three years at once."), "range_too_long")]}
            )
        return attrs


class TravelModesMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    people = serializers.IntegerField(help_text="People counted by observations with shares.")
    observations = serializers.IntegerField()
    on_foot = serializers.FloatField(allow_null=True, help_text="Weighted share, %.")
    motor_vehicle = serializers.FloatField(allow_null=True)
    other = serializers.FloatField(allow_null=True)
