"""The console's "my reports": the organisation's 5W reports as the API lists them for the
signed-in user (same filters, same scoping, a page at a time), with every export the API
gives and the template to fill in."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from config.api.internal import api_get, download_url
from reporting.console.views import _choices, login_required

FILTERS = ("month", "country", "admin1", "sector", "partner", "q", "cursor")
EXPORTS = ("csv", "xlsx", "hxl")


@login_required
def reports(request):
    params = {name: request.GET.get(name, "").strip() for name in FILTERS}
    status, data = api_get(request, "activityreport-list", {**params, "page_size": 50})
    query = {k: v for k, v in params.items() if k != "cursor"}
    choices = _choices()
    labels = {"country": _("Country"), "admin1": "Admin1", "sector": _("Sector"),
              "partner": _("Organisation")}  # fmt: skip
    shown = [n for n in labels if n != "partner" or request.user.reads_everything]
    filters = [(n, labels[n], choices[n], params[n]) for n in shown]  # theirs only: no partner
    context = {
        "params": params, "filters": filters,
        "rows": data["results"] if status == 200 else [],
        "error": None if status == 200 else (data or {}).get("detail")
        or _("This list is not available."),
        "next_cursor": (data or {}).get("next_cursor") if status == 200 else None,
        "exports": {f: download_url("activityreport-list-export", query, f) for f in EXPORTS},
        "activityinfo": {
            f: download_url("activityreport-list", {**query, "layout": "activityinfo"}, f)
            for f in ("csv", "xlsx")
        },
    }  # fmt: skip
    return render(request, "console/reports.html", context)
