from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config.api.pagination import PageNumberPagination
from reporting.quality.api.serializers import QualityCheckSerializer
from reporting.quality.checks import BY_NAME, REGION_CHECKS, check_entry


class QualityCheckViewSet(viewsets.GenericViewSet):
    """The region's 19 data-quality checks, in English and Spanish, each with the service's
    problems that name it (every 5W problem carries its `region_check`). A check is found by
    its number or its variable name (`/quality-checks/zeroCVA/`)."""

    permission_classes = [IsAuthenticated]
    serializer_class = QualityCheckSerializer
    pagination_class = PageNumberPagination
    filter_backends = []
    lookup_value_regex = "[A-Za-z0-9_]+"

    def list(self, request):
        checks = [check_entry(check) for check in REGION_CHECKS.values()]
        page = self.paginate_queryset(checks)
        return self.get_paginated_response(QualityCheckSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        check = REGION_CHECKS.get(int(pk)) if pk.isdigit() else BY_NAME.get(pk)
        if check is None:
            raise NotFound()
        return Response(QualityCheckSerializer(check_entry(check)).data)
