from rest_framework import serializers


class ProblemErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        required=False, help_text="Batch endpoints: position of the row in the batch (from 0)."
    )
    field = serializers.CharField(
        allow_null=True, help_text="Dotted path of the field, or null for the whole object."
    )
    code = serializers.CharField(help_text="Stable machine-readable code.")
    message = serializers.CharField(help_text="Human-readable explanation.")


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
