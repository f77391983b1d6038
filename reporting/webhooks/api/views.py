from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.exceptions import Conflict
from partners.choices import Role
from partners.models import Partner
from partners.permissions import PartnerRecordPermission
from reporting.webhooks.api.serializers import (
    WebhookDeliverySerializer,
    WebhookSubscriptionCreatedSerializer,
    WebhookSubscriptionSerializer,
)
from reporting.webhooks.models import WebhookDelivery, WebhookSubscription
from reporting.webhooks.tasks import deliver


class CanSubscribe(PartnerRecordPermission):
    """Reporters (their organisation's subscriptions) and coordinators (all) only: a
    subscription receives an organisation's data."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        return user.is_coordinator or user.role == Role.REPORTER

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().has_object_permission(request, view, obj)


class WebhookSubscriptionViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Webhook subscriptions of an organisation's systems: events about its own reports and
    imports, and platform news (months locked or unlocked, figures final), sent as Standard
    Webhooks signed with the subscription's secret (shown once, at creation). Reporters
    manage their organisation's, coordinators all. A subscription failing for a day is
    disabled (see `disabled_reason`); `PATCH {"active": true}` turns it back on."""

    serializer_class = WebhookSubscriptionSerializer
    permission_classes = [CanSubscribe]
    filter_backends = []
    lookup_value_regex = "[0-9]+"
    problem_statuses = {"create": ["400", "409"], "redeliver": ["404"]}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookSubscription.objects.none()
        user = self.request.user
        subscriptions = WebhookSubscription.objects.select_related("partner").order_by("id")
        return subscriptions if user.is_coordinator else subscriptions.filter(partner=user.partner)

    @extend_schema(responses={201: WebhookSubscriptionCreatedSerializer})
    def create(self, request, *args, **kwargs):
        """Subscribe (at most WEBHOOK_MAX_SUBSCRIPTIONS per organisation: 409
        `subscription_quota` beyond; delete one first)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        limit = settings.WEBHOOK_MAX_SUBSCRIPTIONS
        with transaction.atomic():  # the organisation's row locked: two at once count right
            Partner.objects.select_for_update().filter(pk=request.user.partner_id).first()
            held = WebhookSubscription.objects.filter(partner=request.user.partner_id).count()
            if held >= limit:
                raise Conflict(
                    _("An organisation holds at most %(limit)s webhook subscriptions; delete "
                      "one first.") % {"limit": limit},
                    code="subscription_quota",
                )  # fmt: skip
            subscription = serializer.save(partner=request.user.partner, created_by=request.user)
        return Response(WebhookSubscriptionCreatedSerializer(subscription).data, status=201)

    def perform_update(self, serializer):
        reopened = serializer.validated_data.get("active") and not serializer.instance.active
        extra = {"disabled_reason": "", "failing_since": None} if reopened else {}
        subscription = serializer.save(**extra)
        if reopened:  # what waited goes now, in order
            WebhookDelivery.objects.filter(subscription=subscription, status="pending").update(
                next_attempt_at=None
            )
            transaction.on_commit(lambda: deliver.enqueue(subscription.pk))

    @extend_schema(responses=WebhookDeliverySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], serializer_class=WebhookDeliverySerializer)
    def deliveries(self, request, pk=None):
        """Every delivery of the subscription, newest first: status, attempts, the
        receiver's last answer or error."""
        subscription = self.get_object()
        deliveries = WebhookDelivery.objects.filter(subscription=subscription).select_related(
            "event"
        )
        page = self.paginate_queryset(deliveries.order_by("-event_id"))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(request=None, responses=WebhookDeliverySerializer, filters=False)
    @action(
        detail=True, methods=["post"], serializer_class=WebhookDeliverySerializer,
        url_path=r"deliveries/(?P<delivery_id>[0-9]+)/redeliver",
    )  # fmt: skip
    def redeliver(self, request, pk=None, delivery_id=None):
        """Send a delivery again (the same webhook-id), now and in its event's order."""
        subscription = self.get_object()
        delivery = get_object_or_404(WebhookDelivery, pk=delivery_id, subscription=subscription)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.PENDING, next_attempt_at=None
        )
        transaction.on_commit(lambda: deliver.enqueue(subscription.pk))
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data, status=202)
