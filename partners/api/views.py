from rest_framework import generics, viewsets

from config.api.exports import ExportListMixin
from config.api.permissions import IsCoordinatorOrReadOnly
from partners.api.serializers import MeSerializer, PartnerSerializer
from partners.filtersets import PartnerFilterSet
from partners.models import Partner


class PartnerViewSet(ExportListMixin, viewsets.ModelViewSet):
    """Organisations of the platform. Everyone signed in reads; coordinators change."""

    queryset = Partner.objects.all()
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilterSet
    permission_classes = [IsCoordinatorOrReadOnly]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["code", "name"]
    problem_statuses = {"destroy": ["409"]}


class MeView(generics.RetrieveUpdateAPIView):
    """Who the caller is: username, organisation code, role and language. `PATCH` sets the
    language (`es`, `en`, or empty for the request's Accept-Language)."""

    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user
