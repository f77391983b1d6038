from django.utils.translation import gettext as _
from rest_framework import serializers

from config.api.fields import BooleanField


class CheckNamesSerializer(serializers.Serializer):
    category = serializers.CharField()
    title = serializers.CharField()


class RegionCheckSerializer(serializers.Serializer):
    """The region's data-quality check a 5W problem belongs to (docs/quality-checks.md)."""

    id = serializers.IntegerField(help_text="The check's number in the region's list, 1 to 19.")
    name = serializers.CharField(
        help_text="Its variable name in the region's error report, e.g. `zeroCVA`."
    )
    category = serializers.ChoiceField(choices=["completeness", "consistency", "accuracy"])
    en = CheckNamesSerializer(help_text="Category and title in English.")
    es = CheckNamesSerializer(help_text="Category and title in Spanish.")


class ProblemErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Batch endpoints: position of the row in the batch (from 0); uploads: the "
        "spreadsheet row; null for a problem of the whole file.",
    )
    field = serializers.CharField(
        allow_null=True, help_text="Dotted path of the field, or null for the whole object."
    )
    code = serializers.CharField(help_text="Stable machine-readable code.")
    message = serializers.CharField(help_text="Human-readable explanation.")
    column = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="Spreadsheet uploads: the file's own header of the column at fault (null "
        "when the whole row is).",
    )
    region_check = RegionCheckSerializer(
        required=False,
        allow_null=True,
        help_text="5W rows: the region's quality check this problem breaks; null for the "
        "service's own rules.",
    )


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, served as `application/problem+json`."""

    type = serializers.CharField(help_text="URI identifying the kind of problem.")
    title = serializers.CharField(help_text="Short summary of the HTTP status.")
    status = serializers.IntegerField(help_text="HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong, for a person.")
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `period_locked`.")
    errors = ProblemErrorSerializer(
        many=True, required=False, help_text="Every invalid field (and row) at once."
    )


class StrictFieldsMixin:
    """Unknown keys are an error (a typo must not be silently dropped). Read-only fields
    are accepted and ignored, so a client may send back what it read."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        key: [serializers.ErrorDetail(_("Unknown field."), code="unknown_field")]
                        for key in unknown
                    }
                )
        return super().to_internal_value(data)


class DryRunSerializer(StrictFieldsMixin, serializers.Serializer):
    """The query string of a batch."""

    dry_run = BooleanField(
        default=False, help_text="Validate and report what would happen; write nothing."
    )


class BatchRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Position in the batch, from 0.")
    action = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
    id = serializers.IntegerField(
        allow_null=True, help_text="The report's id (null in a dry run's creates)."
    )


class BatchResultSerializer(serializers.Serializer):
    batch_id = serializers.UUIDField(help_text="Names the batch in every history entry it wrote.")
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    deleted = serializers.IntegerField(help_text="Reports removed by `replace=months`.")
    rows = BatchRowSerializer(many=True, help_text="What happened to each row, in batch order.")
    deleted_ids = serializers.ListField(child=serializers.IntegerField())


def upload_options(request, options_class: type[serializers.Serializer], *, files=("file",)):
    """An upload's options (dry_run, replace, async...) as documented, in the query string,
    or as form fields beside the file, as an HTML form or `curl -F` sends them; the same
    option given both ways must say the same. Returns the validated options; 400 for an
    unknown form field, a bad value or two that disagree."""
    from rest_framework.exceptions import ErrorDetail, ValidationError

    names = set(options_class().fields)
    form = {k: request.data.get(k) for k in request.data if k not in files}
    unknown = [k for k in form if k not in names]
    if unknown:
        raise ValidationError({k: [ErrorDetail(_unknown_message(), "unknown_field")]
                               for k in unknown})  # fmt: skip
    query = dict(request.query_params.items())
    clash = [k for k in form if k in query and str(form[k]).lower() != str(query[k]).lower()]
    if clash:
        message = _("Given in the query string and as a form field, with different values.")
        raise ValidationError({k: [ErrorDetail(message, "conflicting")] for k in clash})
    options = options_class(data={**form, **query})
    options.is_valid(raise_exception=True)
    return options.validated_data


def _unknown_message() -> str:
    return _("Unknown field.")
