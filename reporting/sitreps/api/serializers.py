from rest_framework import serializers

from config.api.fields import MonthField
from config.api.serializers import StrictFieldsMixin
from config.api.versioning import HistoryEntrySerializer
from reporting.locations.models import Location
from reporting.sitreps.choices import Section
from reporting.sitreps.models import KeyFigure, KeyFigureHistoryEntry


class KeyFigureSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    month = MonthField(help_text="The situation report's month, YYYY-MM.")
    country = serializers.SlugRelatedField(
        slug_field="pcode", queryset=Location.objects.filter(level="country"), allow_null=True,
        required=False, help_text="Country ISO3; null or left out: the region.",
    )  # fmt: skip
    section = serializers.ChoiceField(choices=Section.choices, default=Section.SITUATION)
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = KeyFigure
        fields = [
            "id", "month", "country", "section", "label", "label_es", "value", "unit", "as_of",
            "source", "link", "version", "created_at", "updated_at", "created_by",
        ]  # fmt: skip
        read_only_fields = ["id", "version", "created_at", "updated_at", "created_by"]


class KeyFigureHistoryEntrySerializer(HistoryEntrySerializer):
    class Meta(HistoryEntrySerializer.Meta):
        model = KeyFigureHistoryEntry


class SituationReportQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    country = serializers.SlugRelatedField(
        slug_field="pcode", queryset=Location.objects.filter(level="country"), required=False,
        help_text="Country ISO3; left out: the region.",
    )  # fmt: skip


class NarrativeSerializer(StrictFieldsMixin, serializers.Serializer):
    country = serializers.SlugRelatedField(
        slug_field="pcode", queryset=Location.objects.filter(level="country"), required=False,
        allow_null=True, help_text="Country ISO3; left out: the region's report.",
    )  # fmt: skip
    section = serializers.RegexField(
        r"^(situation|response|[A-Z][A-Z0-9-]{0,19})$",
        help_text="situation, response, or a sector's code (PRT, SHE...).",
    )
    language = serializers.ChoiceField(choices=[("en", "English"), ("es", "Español")])
    text = serializers.CharField(
        max_length=20000, allow_blank=True, help_text="The paragraph; empty removes it."
    )


class ReportFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    query = serializers.CharField(help_text="The API query that gives this number.")


class SituationReportSerializer(serializers.Serializer):
    """A month's situation report for a country or the region: key figures, a section per
    sector, border flows, the coordinators' key-figure entries and narratives."""

    month = MonthField()
    scope = serializers.CharField(help_text="Country ISO3, or REGION.")
    scope_name = serializers.CharField()
    language = serializers.CharField()
    key_figures = ReportFigureSerializer(many=True)
    people_by_sector = serializers.DictField(help_text="People reached by sector, and its query.")
    sections = serializers.ListField(child=serializers.DictField())
    border = serializers.DictField()
    entries = serializers.ListField(child=serializers.DictField())
    narratives = serializers.DictField(child=serializers.CharField())
    provisional = serializers.BooleanField(
        help_text="The month is still open: its figures may change (every page says so)."
    )
    charts = serializers.DictField(
        child=serializers.DictField(),
        help_text="The report's charts as Vega-Lite v5 specs, their data inline "
        "(people_by_sector, border_crossings, map): what its documents draw.",
    )
