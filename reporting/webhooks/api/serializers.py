from django.utils.translation import gettext as _
from rest_framework import serializers

from config.api.serializers import StrictFieldsMixin
from reporting.webhooks.delivery import UrlNotAllowed, checked_address
from reporting.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookSubscription


class WebhookSubscriptionSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    partner = serializers.CharField(source="partner.code", read_only=True)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES), allow_empty=False,
        help_text="The event types to send.",
    )  # fmt: skip
    active = serializers.BooleanField(
        required=False, help_text="false pauses; true re-enables a disabled subscription."
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id", "partner", "url", "events", "description", "active", "disabled_reason",
            "failing_since", "created_at",
        ]  # fmt: skip
        read_only_fields = ["id", "partner", "disabled_reason", "failing_since", "created_at"]

    def validate_url(self, value: str) -> str:
        try:
            checked_address(value)
        except UrlNotAllowed as problem:
            raise serializers.ValidationError(str(problem), code="url_not_allowed") from None
        return value

    def validate_events(self, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError(_("Name each event type once."), code="duplicate")
        return value


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="Shown once, now: verify each delivery's webhook-signature with it "
        "(Standard Webhooks).",
    )

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.IntegerField(source="event.pk", read_only=True)
    event_type = serializers.CharField(source="event.type", read_only=True)
    message_id = serializers.SerializerMethodField(help_text="The webhook-id header sent.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "message_id", "event_id", "event_type", "status", "attempts",
            "next_attempt_at", "last_attempt_at", "last_status_code", "last_error",
            "delivered_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_message_id(self, delivery) -> str:
        return f"msg_{delivery.message_id.hex}"
