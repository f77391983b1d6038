from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from config.api.filters import FilterBackend
from config.api.pagination import PageNumberPagination
from partners.choices import Role
from reporting.activities.validation import current_month
from reporting.approvals.api.serializers import (
    DecisionSerializer,
    MonthSubmissionEventSerializer,
    MonthSubmissionSerializer,
    SubmitSerializer,
)
from reporting.approvals.choices import SubmissionAction
from reporting.approvals.filtersets import MonthSubmissionFilterSet
from reporting.approvals.selectors import submissions_visible_to
from reporting.approvals.services import submission_decide, submission_submit
from reporting.locations.choices import LocationLevel


def _invalid(field: str, code: str, message: str) -> ValidationError:
    return ValidationError({field: [ErrorDetail(message, code=code)]})


class MonthSubmissionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """An organisation's month in a country, from its reports to their approval.

    A month appears as `draft` with its first report. The organisation submits it
    (`submit/`); a coordinator approves it or returns it with a reason; an approved month
    refuses every change to its reports (409 `month_approved`) until a coordinator reopens
    it, with a reason. Every step is in `history/` and sent to the organisation as a webhook
    event (`month.submitted`, `month.approved`, `month.returned`, `month.reopened`). Each
    organisation sees its own months; analysts and coordinators see all."""

    serializer_class = MonthSubmissionSerializer
    filterset_class = MonthSubmissionFilterSet
    filter_backends = [FilterBackend]
    problem_statuses = {
        "submit": ["400", "403", "404", "409"], "approve": ["403", "404", "409"],
        "return_month": ["400", "403", "404", "409"], "reopen": ["400", "403", "404", "409"],
    }  # fmt: skip

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return submissions_visible_to(user=None)
        return submissions_visible_to(user=self.request.user).select_related(
            "partner", "country", "changed_by"
        )

    @extend_schema(request=SubmitSerializer, responses={200: MonthSubmissionSerializer})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def submit(self, request):
        """Submit the organisation's reports of a month in a country for approval (again,
        after a return or a reopening). Reporters submit for their organisation, coordinators
        for any; viewers and analysts cannot (403)."""
        user = request.user
        if user.role not in (Role.REPORTER, Role.COORDINATOR) and not user.is_coordinator:
            raise PermissionDenied(_("Only the organisation's reporters and coordinators submit."))
        body = SubmitSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        partner = data.get("partner")
        if user.is_coordinator:
            if partner is None:
                raise _invalid("partner", "required", _("Name the organisation (its code)."))
        elif partner is not None and partner.pk != user.partner_id:
            raise NotFound(_("No such organisation among yours."))
        else:
            partner = user.partner
        country = data["country"]
        if country.level != LocationLevel.COUNTRY:
            raise _invalid(
                "country", "wrong_level", _("%(code)s is not a country.") % {"code": country.pcode}
            )
        if data["month"] > current_month():
            raise _invalid(
                "month", "month_in_future", _("Months after the current one cannot be reported.")
            )
        submission = submission_submit(
            partner=partner, country=country, month=data["month"], user=user
        )
        return Response(MonthSubmissionSerializer(submission).data)

    def _decide(self, request, action_name: str, *, reason_required: bool) -> Response:
        submission = self.get_object()  # another organisation's month: 404
        if not request.user.is_coordinator:
            raise PermissionDenied(_("Only coordinators approve, return or reopen months."))
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data["reason"].strip()
        if reason_required and not reason:
            raise _invalid("reason", "required", _("Say why: the organisation reads it."))
        decided = submission_decide(
            submission_id=submission.pk, action=action_name, user=request.user, reason=reason
        )
        return Response(MonthSubmissionSerializer(decided).data)

    @extend_schema(request=DecisionSerializer, responses={200: MonthSubmissionSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a submitted month (coordinators). Of two coordinators deciding at once,
        one decision stands; the other answer is 409 `already_decided`, naming it."""
        return self._decide(request, SubmissionAction.APPROVED, reason_required=False)

    @extend_schema(request=DecisionSerializer, responses={200: MonthSubmissionSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_month(self, request, pk=None):
        """Return a submitted month to the organisation, with a reason (coordinators)."""
        return self._decide(request, SubmissionAction.RETURNED, reason_required=True)

    @extend_schema(request=DecisionSerializer, responses={200: MonthSubmissionSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Reopen an approved month for changes, with a reason (coordinators)."""
        return self._decide(request, SubmissionAction.REOPENED, reason_required=True)

    @extend_schema(
        responses={200: OpenApiResponse(MonthSubmissionEventSerializer(many=True))}, filters=False
    )
    @action(
        detail=True, methods=["get"], filter_backends=[], filterset_class=None,
        serializer_class=MonthSubmissionEventSerializer, pagination_class=PageNumberPagination,
    )  # fmt: skip
    def history(self, request, pk=None):
        """Every step of this month: who, when, why and how many reports."""
        submission = self.get_object()
        events = submission.events.select_related("by").order_by("id")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(MonthSubmissionEventSerializer(page, many=True).data)
