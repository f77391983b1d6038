"""The API plus baseline views that return the same rows with no framework in between."""

import orjson
from django.db.models import F, Q
from django.http import HttpResponse, JsonResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as api_urlpatterns
from indicators.models import Indicator
from partners.authentication import BearerTokenAuthentication
from partners.models import Partner
from reporting.activities.models import ActivityReport
from reporting.locations.models import Location

PLAIN_FIELDS = [
    "id", "external_id", "month", "activity_name", "activity_description", "rmrp", "covid19",
    "cva", "cva_value_usd", "delivery_mechanism", "quantity", "total_beneficiaries",
    "new_beneficiaries", "pop_in_destination", "pop_in_transit", "pop_host_community",
    "pop_pendular", "pop_returnees", "girls", "boys", "women", "men", "other_under_18",
    "other_over_18", "created_at", "updated_at", "version", "partner_id",
    "implementing_partner_id", "admin1_id", "admin2_id", "indicator_id",
]  # fmt: skip


def baseline_activity_reports(request):
    """Same rows as the reporter's list page, as `.values()` + orjson. Codes come from dicts
    of the reference tables (a join per code would cost more to plan than to run)."""
    auth = BearerTokenAuthentication().authenticate(request)
    if auth is None:
        return JsonResponse({"detail": "no token"}, status=401)
    user = auth[0]
    after = int(request.GET.get("after", 0))
    size = int(request.GET.get("page_size", 100))
    rows = list(
        ActivityReport.objects.filter(
            Q(partner_id=user.partner_id) | Q(implementing_partner_id=user.partner_id),
            id__gt=after,
        )
        .order_by("id")
        .values(*PLAIN_FIELDS, created_by_name=F("created_by__username"))[:size]
    )
    partners = dict(Partner.objects.values_list("id", "code"))
    indicators = {
        i: (c, s) for i, c, s in Indicator.objects.values_list("id", "code", "sector__code")
    }
    locations = {
        i: (c, p) for i, c, p in Location.objects.values_list("id", "pcode", "parent__pcode")
    }
    for row in rows:
        row["partner"] = partners[row.pop("partner_id")]
        row["implementing_partner"] = partners.get(row.pop("implementing_partner_id"))
        row["indicator"], row["sector"] = indicators[row.pop("indicator_id")]
        row["admin1"], row["country"] = locations[row.pop("admin1_id")]
        admin2 = locations.get(row.pop("admin2_id"))
        row["admin2"] = admin2[0] if admin2 else None
    body = orjson.dumps({"results": rows}, default=str)
    return HttpResponse(body, content_type="application/json")


urlpatterns = [
    path("bench/baseline/activity-reports/", baseline_activity_reports),
    *api_urlpatterns,
]
