from rest_framework import serializers

from config.api.fields import MonthField
from config.api.serializers import StrictFieldsMixin
from reporting.periods.models import ReportingPeriod


class ReportingPeriodSerializer(serializers.ModelSerializer):
    month = MonthField(read_only=True)
    changed_by = serializers.CharField(
        source="changed_by.username",
        read_only=True,
        allow_null=True,
        help_text="Who last locked or unlocked the month.",
    )
    reason = serializers.CharField(read_only=True, help_text="Why it was last locked/unlocked.")

    class Meta:
        model = ReportingPeriod
        fields = ["month", "status", "changed_at", "changed_by", "reason"]
        read_only_fields = fields


class PeriodStatusChangeSerializer(StrictFieldsMixin, serializers.Serializer):
    """Lock or unlock a month, or every known month up to it, with a reason."""

    month = MonthField(help_text="The month to lock or unlock (YYYY-MM).")
    include_earlier = serializers.BooleanField(
        default=False, help_text="Also every earlier month the platform knows of."
    )
    reason = serializers.CharField(
        max_length=1000, help_text="Why; kept with the month and shown to partners."
    )


class PeriodStatusChangeResultSerializer(serializers.Serializer):
    changed = ReportingPeriodSerializer(
        many=True, help_text="The months whose status changed (already-locked ones are left)."
    )
