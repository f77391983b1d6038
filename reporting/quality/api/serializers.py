from rest_framework import serializers

from reporting.quality.choices import CheckCategory


class CheckTextSerializer(serializers.Serializer):
    category = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()


class ServiceProblemSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The API field the problem names.")
    code = serializers.CharField(help_text="The service's own code for it.")


class QualityCheckSerializer(serializers.Serializer):
    """One of the region's 19 data-quality checks (R4V `fct_error_report.R`)."""

    id = serializers.IntegerField(help_text="Its number in the region's list (1 to 19).")
    name = serializers.CharField(help_text="Its variable name in the region's error report.")
    category = serializers.ChoiceField(choices=CheckCategory.choices)
    en = CheckTextSerializer(help_text="In English.")
    es = CheckTextSerializer(help_text="In Spanish.")
    service_problems = ServiceProblemSerializer(
        many=True, help_text="The service's problems (field and code) that name this check."
    )
