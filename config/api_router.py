from django.urls import NoReverseMatch, path
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from config.api.export_routes import export_urls
from indicators.api.views import IndicatorViewSet, SectorViewSet
from partners.api.views import MeView, PartnerViewSet
from reporting.activities.api.views import ActivityReportViewSet, ImportViewSet
from reporting.approvals.api.views import MonthSubmissionViewSet
from reporting.border_flows.api.views import BorderCrossingViewSet, BorderPointViewSet
from reporting.figures.api.proportions import AgeSexProportionsViewSet
from reporting.figures.api.views import (
    CountryFigureSettingsViewSet,
    FiguresViewSet,
    PlanTargetViewSet,
)
from reporting.locations.api.views import LocationViewSet
from reporting.periods.api.views import ReportingPeriodViewSet
from reporting.quality.api.views import QualityCheckViewSet, QualityReportViewSet
from reporting.region.api.views import RegionViewSet
from reporting.sitreps.api.views import KeyFigureViewSet, SituationReportViewSet
from reporting.webhooks.api.views import WebhookSubscriptionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("partners", PartnerViewSet)
router.register("sectors", SectorViewSet)
router.register("indicators", IndicatorViewSet)
router.register("locations", LocationViewSet)
router.register("reporting-periods", ReportingPeriodViewSet)
router.register("month-submissions", MonthSubmissionViewSet, basename="monthsubmission")
router.register("activity-reports", ActivityReportViewSet, basename="activityreport")
router.register("imports", ImportViewSet, basename="import")
router.register("border-points", BorderPointViewSet)
router.register("border-crossings", BorderCrossingViewSet, basename="bordercrossing")
router.register("figures", FiguresViewSet, basename="figures")
router.register("figure-settings", CountryFigureSettingsViewSet, basename="figuresettings")
router.register("targets", PlanTargetViewSet, basename="plantarget")
router.register("proportions", AgeSexProportionsViewSet, basename="agesexproportions")
router.register("webhooks", WebhookSubscriptionViewSet, basename="webhook")
router.register("region", RegionViewSet, basename="region")
router.register("quality-checks", QualityCheckViewSet, basename="qualitycheck")
router.register("quality-report", QualityReportViewSet, basename="qualityreport")
router.register("key-figures", KeyFigureViewSet, basename="keyfigure")
router.register("situation-reports", SituationReportViewSet, basename="situationreport")


class ApiRootView(APIView):
    """Every resource of the API, by name, with its URL: where a browser (or a client
    exploring) starts. Open to anyone: it lists addresses, no data."""

    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        operation_id="api_root",
        tags=["API root"],
        responses={
            200: OpenApiResponse(
                response={"type": "object", "additionalProperties": {"type": "string",
                                                                     "format": "uri"}},
                description="Resource name -> its URL.",
                examples=[OpenApiExample("Resources", value={
                    "me": "https://reporting.example.org/api/v1/me/",
                    "activity-reports": "https://reporting.example.org/api/v1/activity-reports/",
                    "figures/people-reached":
                        "https://reporting.example.org/api/v1/figures/people-reached/",
                    "schema": "https://reporting.example.org/api/schema/",
                })],
            )
        },
        description="Every resource of the API, by name, with its URL.",
    )  # fmt: skip
    def get(self, request, format=None):
        found: dict[str, str] = {"me": reverse("me", request=request, format=format)}
        for prefix, viewset, basename in router.registry:
            names = [(prefix, f"{basename}-list")]
            if not hasattr(viewset, "list"):  # only actions (figures/people-reached/, ...)
                names = [
                    (f"{prefix}/{action.url_path}", f"{basename}-{action.url_name}")
                    for action in viewset.get_extra_actions()
                    if not action.detail
                ]
            for name, url_name in names:
                try:
                    found[name] = reverse(url_name, request=request, format=format)
                except NoReverseMatch:
                    continue
        found["schema"] = reverse("schema", request=request)
        found["docs"] = reverse("swagger-ui", request=request)
        return Response(found)


urlpatterns = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("me/", MeView.as_view(), name="me"),
    *export_urls(router.urls),  # before the detail routes, which would take "export"
    *router.urls,
]
