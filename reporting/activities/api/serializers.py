from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from config.api.exceptions import InvalidRecord
from config.api.fields import MAX_COUNT, BooleanField, CodeField, MonthField, iso_datetime
from config.api.serializers import DryRunSerializer, ProblemErrorSerializer, StrictFieldsMixin
from config.api.versioning import HistoryEntrySerializer
from reporting.activities.choices import DeliveryMechanism
from reporting.activities.imports import in_reader_language
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry, Import
from reporting.activities.rows import parse_report
from reporting.activities.snapshots import report_values
from reporting.common.references import references_in
from reporting.quality.checks import problem_of, with_region_checks


def _count_field(source: str | None = None, help_text: str = "") -> serializers.IntegerField:
    kwargs = {"source": source} if source else {}
    return serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, default=0, help_text=help_text, **kwargs
    )


class BreakdownSerializer(serializers.Serializer):
    """Stored as columns of the report (`source="*"`); `null` means all zero. Documents the
    shape only: reporting.activities.rows.parse_report reads it."""


class PopulationSerializer(BreakdownSerializer):
    """New beneficiaries by population type; omitted keys count as 0."""

    in_destination = _count_field("pop_in_destination")
    in_transit = _count_field("pop_in_transit")
    host_community = _count_field("pop_host_community")
    pendular = _count_field("pop_pendular")
    returnees = _count_field("pop_returnees")


class AgeSexSerializer(BreakdownSerializer):
    """New beneficiaries by age and sex; omitted keys count as 0."""

    girls = _count_field(help_text="Girls under 18.")
    boys = _count_field(help_text="Boys under 18.")
    women = _count_field(help_text="Women 18 and over.")
    men = _count_field(help_text="Men 18 and over.")
    other_under_18 = _count_field(help_text="Other gender identity, under 18.")
    other_over_18 = _count_field(help_text="Other gender identity, 18 and over.")


class ActivityReportSerializer(serializers.ModelSerializer):
    """A monthly 5W report: who did what, where, when, for whom. Reference objects are
    written and read by code. Unknown fields are refused; read-only ones are ignored."""

    external_id = serializers.CharField(
        max_length=100,
        allow_null=True,
        required=False,
        help_text="The partner system's own id; unique per partner. Reused ids answer 409.",
    )
    month = MonthField(help_text="Reporting month, YYYY-MM. Future months are refused.")
    quality_flags = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The region's checks (variable names, e.g. `AGDBreakdown`) this row of "
        "history breaks: stored by a coordinator's history import and counted as the region "
        "counts it. Empty for every other row; a flagged row corrected loses its flags.",
    )
    partner = CodeField(
        "partner",
        required=False,
        help_text="Appealing organisation's code. Reporters may omit it (their own).",
    )
    implementing_partner = CodeField(
        "partner",
        allow_null=True,
        required=False,
        help_text="Implementing partner's code; set means implemented through a partner.",
    )
    country = serializers.CharField(read_only=True, help_text="ISO3, derived from admin1.")
    admin1 = CodeField("location", help_text="Admin1 P-code, e.g. PE24 (Tumbes).")
    admin2 = CodeField(
        "location", allow_null=True, required=False, help_text="Admin2 P-code inside admin1."
    )
    indicator = CodeField("indicator", help_text="Indicator code; its type drives validation.")
    sector = serializers.CharField(read_only=True, help_text="Sector code of the indicator.")
    activity_description = serializers.CharField(
        allow_blank=True, required=False, max_length=5000, default=""
    )
    covid19 = serializers.BooleanField(
        required=False, default=False, help_text="COVID-19 situation (2021 plan)."
    )
    cva = serializers.BooleanField(help_text="Cash and voucher assistance.")
    cva_value_usd = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        required=False,
        coerce_to_string=False,
        help_text="Value transferred in USD; required (> 0) iff cva is true.",
    )
    delivery_mechanism = serializers.ChoiceField(
        choices=DeliveryMechanism.choices,
        allow_null=True,
        required=False,
        help_text="Required iff cva is true.",
    )
    quantity = serializers.IntegerField(
        min_value=0,
        max_value=MAX_COUNT,
        allow_null=True,
        required=False,
        help_text="Quantity of output in the indicator's unit.",
    )
    total_beneficiaries = serializers.IntegerField(
        min_value=0,
        max_value=MAX_COUNT,
        allow_null=True,
        required=False,
        help_text="People assisted this month.",
    )
    new_beneficiaries = serializers.IntegerField(
        min_value=0,
        max_value=MAX_COUNT,
        allow_null=True,
        required=False,
        help_text="People reached for the first time this year; at most total_beneficiaries.",
    )
    population = PopulationSerializer(
        source="*",
        required=False,
        allow_null=True,
        help_text="Population types of the new beneficiaries; they sum to new_beneficiaries.",
    )
    age_sex = AgeSexSerializer(
        source="*",
        required=False,
        allow_null=True,
        help_text="Age and sex of the new beneficiaries; they sum to new_beneficiaries.",
    )
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, help_text="Username of the creator."
    )

    class Meta:
        model = ActivityReport
        fields = [
            "id",
            "external_id",
            "month",
            "partner",
            "implementing_partner",
            "country",
            "admin1",
            "admin2",
            "indicator",
            "sector",
            "activity_name",
            "activity_description",
            "rmrp",
            "covid19",
            "cva",
            "cva_value_usd",
            "delivery_mechanism",
            "quantity",
            "total_beneficiaries",
            "new_beneficiaries",
            "population",
            "age_sex",
            "quality_flags",
            "created_at",
            "updated_at",
            "created_by",
            "version",
        ]
        read_only_fields = ["id", "quality_flags", "created_at", "updated_at", "version"]
        validators = []  # reporting.activities.rows.parse_report checks everything, once

    def to_representation(self, instance):
        # Hand-built from report_values (the same dict history stores): one code path, and
        # several times faster than walking nested serializer fields for every row.
        data = {"id": instance.pk}
        data.update(report_values(instance, references_in(self.context)))
        data["created_at"] = iso_datetime(instance.created_at)
        data["updated_at"] = iso_datetime(instance.updated_at)
        username = getattr(instance, "created_by_username", None)  # annotated on lists
        data["created_by"] = username or instance.created_by.username
        data["version"] = instance.version
        return data

    def to_internal_value(self, data):
        parsed = parse_report(
            data,
            user=self.context["request"].user,
            references=references_in(self.context),
            instance=self.instance,
            partial=self.partial,
        )
        for violation in parsed.violations:
            if violation.code == "partner_not_allowed":
                raise exceptions.PermissionDenied(violation.message, code=violation.code)
        if parsed.violations:
            raise InvalidRecord([problem_of(v) for v in parsed.violations])
        return parsed.data


class ActivityReportHistoryEntrySerializer(HistoryEntrySerializer):
    class Meta(HistoryEntrySerializer.Meta):
        model = ActivityReportHistoryEntry


class BatchOptionsSerializer(DryRunSerializer):
    replace = serializers.ChoiceField(
        choices=["months"],
        required=False,
        help_text="`months`: the batch replaces the partner's reports of every month it "
        "contains; reports of those months missing from the batch are deleted (soft).",
    )


class ImportUploadSerializer(StrictFieldsMixin, serializers.Serializer):
    file = serializers.FileField(
        help_text="A 5W file: CSV (UTF-8 or Windows-1252, comma or semicolon) or XLSX. Its "
        "options are query parameters (also taken as form fields beside the file)."
    )


class ImportQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    """An upload's options: query parameters, as on a JSON batch (form fields beside the
    file are taken too)."""

    dry_run = BooleanField(
        default=False, help_text="Validate and report what would happen; write nothing."
    )
    replace = serializers.ChoiceField(
        choices=["months"],
        required=False,
        help_text="`months`: the file replaces the partner's reports of every month it "
        "contains; reports of those months missing from the file are deleted (soft).",
    )
    history = BooleanField(
        default=False,
        help_text="Coordinators: past months (an ActivityInfo export of any year) with their "
        "flaws. Rows breaking only the region's Consistency or Accuracy checks are stored, "
        "each flagged with its checks (`quality_flags`) and counted in figures as the region "
        "counts them; rows with Completeness problems (unknown references...) are refused.",
    )
    async_ = BooleanField(
        default=False, help_text="Run the import as a job (202) whatever the file's size."
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["async"] = fields.pop("async_")  # a Python keyword, as a field name
        return fields


class ImportSummarySerializer(serializers.ModelSerializer):
    """An import as lists show it: its problems counted, not listed (GET the import)."""

    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    partner = serializers.CharField(source="partner.code", read_only=True, allow_null=True)
    errors_total = serializers.IntegerField(
        read_only=True, help_text="Every problem found in the file, listed or not."
    )
    errors_omitted = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Problems not listed in `errors` (past the first MAX_ROW_ERRORS, 1,000 by "
        "default), counted per code.",
    )
    error_report_xlsx = serializers.SerializerMethodField(
        help_text="The uploaded rows with an error column per problem, as XLSX."
    )
    error_report_csv = serializers.SerializerMethodField(help_text="The same, as CSV.")
    percent = serializers.SerializerMethodField()

    class Meta:
        model = Import
        fields = [
            "id", "file_name", "file_size", "file_format", "checksum", "uploaded_by", "partner",
            "uploaded_at", "dry_run", "replace_months", "history", "status", "batch_id", "rows",
            "created", "updated", "unchanged", "deleted", "flagged", "text_repaired",
            "errors_total", "errors_omitted",
            "error_report_xlsx", "error_report_csv", "run_as_job", "rows_expected",
            "rows_validated", "rows_written", "percent", "attempts", "cancel_requested",
            "finished_at", "failure",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(min_value=0, max_value=100))
    def get_percent(self, upload) -> int:
        """How far a job got: the share of the file's rows read and checked (each chunk is
        written as soon as it is checked), at most 99 until it ends; 100 at any end. 0
        while the number of rows is not known (XLSX before it is read)."""
        if upload.status not in Import.Status.running():
            return 100
        if not upload.rows_expected:
            return 0
        return min(99, 100 * upload.rows_validated // upload.rows_expected)

    def get_error_report_xlsx(self, upload) -> str:
        return reverse("import-error-report-xlsx", kwargs={"pk": upload.pk})

    def get_error_report_csv(self, upload) -> str:
        return reverse("import-error-report-csv", kwargs={"pk": upload.pk})


class ImportSerializer(ImportSummarySerializer):
    """One import, with its problems listed."""

    errors = ProblemErrorSerializer(
        many=True,
        read_only=True,
        help_text="The first problems (MAX_ROW_ERRORS, 1,000 by default), in row order; "
        "`row` is the spreadsheet row, null for the whole file.",
    )

    class Meta(ImportSummarySerializer.Meta):
        fields = [*ImportSummarySerializer.Meta.fields, "errors"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["errors"] = with_region_checks(data["errors"])  # imports stored before them too
        for shown, stored in zip(data["errors"], in_reader_language(instance.errors), strict=True):
            shown["message"] = stored["message"]  # the reader's language, not the uploader's
        return data
