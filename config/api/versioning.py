"""Optimistic concurrency for versioned resources (5W reports, border crossings).

Responses carry `ETag: "<version>"`; PUT, PATCH and DELETE with a stale `If-Match` answer
412 before anything is validated, and the service checks again under a row lock.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response

from config.api.exceptions import PreconditionFailed
from config.api.idempotency import IDEMPOTENCY_PARAMETER

IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag you read; if the resource changed since, the request answers 412.",
)


# The headers these resources take, in the OpenAPI document: Idempotency-Key on create,
# If-Match on changes. Decorates the viewset.
versioned_resource_schema = extend_schema_view(
    create=extend_schema(parameters=[IDEMPOTENCY_PARAMETER]),
    update=extend_schema(parameters=[IF_MATCH_PARAMETER]),
    partial_update=extend_schema(parameters=[IF_MATCH_PARAMETER]),
    destroy=extend_schema(parameters=[IF_MATCH_PARAMETER]),
)


def etag(obj) -> str:
    return f'"{obj.version}"'


class VersionedResourceMixin:
    """For ModelViewSets whose objects have a `version`; `detail_url_name` names the route."""

    detail_url_name: str

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        return Response(self.get_serializer(obj).data, headers={"ETag": etag(obj)})

    def get_success_headers(self, data):
        if data.get("id") is None:
            return {}
        url = reverse(self.detail_url_name, kwargs={"pk": data["id"]})
        return {"Location": url, "ETag": f'"{data["version"]}"'}

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    def get_object(self):
        obj = super().get_object()
        if self.request.method in ("PUT", "PATCH", "DELETE"):
            header = self.request.headers.get("If-Match")
            if header is not None and header.strip() != "*":
                tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
                if etag(obj) not in tags:
                    raise PreconditionFailed(
                        _("The resource is now at ETag %(etag)s; read it again first.")
                        % {"etag": etag(obj)}
                    )
        return obj

    def expected_version(self, obj) -> int | None:
        """The version the client based its change on, when it said (If-Match)."""
        return obj.version if "If-Match" in self.request.headers else None


class HistoryEntrySerializer(serializers.ModelSerializer):
    """One entry of a versioned record's history; subclasses name the model in Meta."""

    changed_by = serializers.CharField(
        source="changed_by.username", read_only=True, allow_null=True
    )
    changed_fields = serializers.SerializerMethodField(
        help_text="Top-level fields whose value differs between before and after."
    )
    before = serializers.JSONField(read_only=True, help_text="Values before (null on create).")
    after = serializers.JSONField(read_only=True, help_text="Values after (null on delete).")

    class Meta:
        fields = [
            "id",
            "action",
            "channel",
            "batch_id",
            "version",
            "changed_at",
            "changed_by",
            "changed_fields",
            "before",
            "after",
        ]
        read_only_fields = fields

    def get_changed_fields(self, entry) -> list[str]:
        before, after = entry.before or {}, entry.after or {}
        return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
