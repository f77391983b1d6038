from rest_framework import serializers

from partners.models import Partner, User


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["code", "name", "type", "appealing"]
        extra_kwargs = {
            "code": {"help_text": "Stable uppercase acronym used on the platform, e.g. ACNUR."},
        }


class MeSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(
        source="partner",
        slug_field="code",
        read_only=True,
        help_text="Code of the caller's organisation (null for a bare superuser).",
    )

    class Meta:
        model = User
        fields = ["username", "organization", "role", "language"]
        read_only_fields = ["username", "organization", "role"]
