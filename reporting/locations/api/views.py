from rest_framework import viewsets

from config.api.exports import ExportListMixin
from config.api.permissions import IsCoordinatorOrReadOnly
from reporting.locations.api.serializers import LocationSerializer
from reporting.locations.filtersets import LocationFilterSet
from reporting.locations.models import Location


class LocationViewSet(ExportListMixin, viewsets.ModelViewSet):
    """Countries, admin1 and admin2 areas, by P-code."""

    queryset = Location.objects.select_related("parent")
    serializer_class = LocationSerializer
    filterset_class = LocationFilterSet
    permission_classes = [IsCoordinatorOrReadOnly]
    lookup_field = "pcode"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["pcode", "name"]
    problem_statuses = {"destroy": ["409"]}
