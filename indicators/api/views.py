from rest_framework import viewsets

from config.api.exports import ExportListMixin
from config.api.permissions import IsCoordinatorOrReadOnly
from indicators.api.serializers import IndicatorSerializer, SectorSerializer
from indicators.filtersets import IndicatorFilterSet, SectorFilterSet
from indicators.models import Indicator, Sector


class SectorViewSet(ExportListMixin, viewsets.ModelViewSet):
    """RMRP sectors and subsectors."""

    queryset = Sector.objects.select_related("parent")
    serializer_class = SectorSerializer
    filterset_class = SectorFilterSet
    permission_classes = [IsCoordinatorOrReadOnly]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["code", "name"]
    problem_statuses = {"destroy": ["409"]}


class IndicatorViewSet(ExportListMixin, viewsets.ModelViewSet):
    """Indicators: what is counted, in which sector, and of which type."""

    queryset = Indicator.objects.select_related("sector")
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilterSet
    permission_classes = [IsCoordinatorOrReadOnly]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["code", "name", "sector__code"]
    problem_statuses = {"destroy": ["409"]}
