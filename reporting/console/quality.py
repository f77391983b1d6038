"""The console's quality report: the API's answer for the signed-in user (config.api.internal),
charted as the region's tool charts it (rows to review by check, organisation and country), each
chart beside its table, and the rows as the region's error report."""

from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.api import vega
from config.api.internal import api_get, download_url
from config.l10n import number
from reporting.console.charts import chart_figure
from reporting.console.views import _choices, login_required

SCOPE = ("country", "month_from", "month_to")


@login_required
def quality(request):
    params = {name: request.GET.get(name, "").strip() for name in SCOPE}
    status, data = api_get(request, "qualityreport-list", params)
    context = {"params": params, "countries": _choices()["country"]}
    if status != 200:
        context["error"] = (data or {}).get("detail") or _("This report is not available.")
        return render(request, "console/quality.html", context)
    language = "es" if (get_language() or "").startswith("es") else "en"
    downloads = {f: download_url("qualityreport-rows-export", params, f) for f in ("csv", "xlsx")}
    checks = [c for c in data["by_check"] if c["rows"]]
    flagged = [o for o in data["by_organisation"] if o["flagged_rows"]]
    countries = [c for c in data["by_country"] if c["flagged_rows"]]
    rows = _("Rows")
    charts = [
        vega.bars(_("Rows to review by check"), "",
                  [(f"{c['check']['name']}: {c['check'][language]['title']}", [(rows, c["rows"])])
                   for c in checks], number=number),
        vega.bars(_("Rows to review by organisation"), "",
                  [(o["partner_name"] or o["partner"], [(rows, o["flagged_rows"])])
                   for o in flagged], number=number),
        vega.bars(_("Rows to review by country"), "",
                  [(c["country_name"] or c["country"], [(rows, c["flagged_rows"])])
                   for c in countries], number=number),
    ]  # fmt: skip
    context.update({
        "data": data, "language": language,
        "figures": [chart_figure(spec, downloads=downloads) for spec in charts],
    })  # fmt: skip
    return render(request, "console/quality.html", context)
