from django.urls import path
from rest_framework.routers import DefaultRouter

from indicators.api.views import IndicatorViewSet, SectorViewSet
from partners.api.views import MeView, PartnerViewSet
from reporting.activities.api.views import ActivityReportViewSet, ImportViewSet
from reporting.border_flows.api.views import BorderCrossingViewSet, BorderPointViewSet
from reporting.figures.api.proportions import AgeSexProportionsViewSet
from reporting.figures.api.views import (
    CountryFigureSettingsViewSet,
    FiguresViewSet,
    PlanTargetViewSet,
)
from reporting.locations.api.views import LocationViewSet
from reporting.periods.api.views import ReportingPeriodViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("partners", PartnerViewSet)
router.register("sectors", SectorViewSet)
router.register("indicators", IndicatorViewSet)
router.register("locations", LocationViewSet)
router.register("reporting-periods", ReportingPeriodViewSet)
router.register("activity-reports", ActivityReportViewSet, basename="activityreport")
router.register("imports", ImportViewSet, basename="import")
router.register("border-points", BorderPointViewSet)
router.register("border-crossings", BorderCrossingViewSet, basename="bordercrossing")
router.register("figures", FiguresViewSet, basename="figures")
router.register("figure-settings", CountryFigureSettingsViewSet, basename="figuresettings")
router.register("targets", PlanTargetViewSet, basename="plantarget")
router.register("proportions", AgeSexProportionsViewSet, basename="agesexproportions")

urlpatterns = [path("me/", MeView.as_view(), name="me"), *router.urls]
