from rest_framework import serializers

from config.api.fields import MonthField
from config.api.serializers import StrictFieldsMixin
from reporting.approvals.choices import SubmissionStatus
from reporting.approvals.models import MonthSubmission, MonthSubmissionEvent
from reporting.common.references import ReferenceField


class MonthSubmissionSerializer(serializers.ModelSerializer):
    partner = serializers.CharField(source="partner.code", read_only=True)
    country = serializers.CharField(source="country.pcode", read_only=True)
    month = MonthField(read_only=True)
    reports = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Live reports at the last step."
    )
    changed_by = serializers.CharField(
        source="changed_by.username", read_only=True, allow_null=True,
        help_text="Who took the last step.",
    )  # fmt: skip

    class Meta:
        model = MonthSubmission
        fields = [
            "id", "partner", "country", "month", "status", "reports", "changed_at",
            "changed_by", "reason",
        ]  # fmt: skip
        read_only_fields = fields


class SubmitSerializer(StrictFieldsMixin, serializers.Serializer):
    """An organisation's month in a country, submitted for approval."""

    partner = ReferenceField(
        "partner", required=False,
        help_text="Organisation code; a reporter's own organisation when left out "
        "(coordinators name it).",
    )  # fmt: skip
    country = ReferenceField("location", help_text="Country ISO3, e.g. PER.")
    month = MonthField(help_text="YYYY-MM.")


class DecisionSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="",
        help_text="Why: required to return or reopen a month; shown to the organisation.",
    )  # fmt: skip


class DecisionConflictSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SubmissionStatus.choices)
    by = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()


class MonthSubmissionEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True)

    class Meta:
        model = MonthSubmissionEvent
        fields = ["action", "status", "reason", "reports", "at", "by"]
        read_only_fields = fields


class MonthApprovalSerializer(serializers.Serializer):
    month = MonthField()
    approved = serializers.ListField(child=serializers.CharField(), help_text="Organisations.")
    submitted = serializers.ListField(
        child=serializers.CharField(), help_text="Submitted, awaiting review."
    )
    returned = serializers.ListField(
        child=serializers.CharField(), help_text="Returned or reopened: to be submitted again."
    )
    draft = serializers.ListField(
        child=serializers.CharField(), help_text="Reported, never submitted."
    )


class FigureApprovalSerializer(serializers.Serializer):
    all_approved = serializers.BooleanField(
        help_text="Every organisation's month this figure covers is approved."
    )
    months = MonthApprovalSerializer(
        many=True, help_text="Per month, the organisations by where their month stands."
    )
