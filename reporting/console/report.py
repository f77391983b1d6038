"""The console's situation report: the month's report as the API assembles it for the
signed-in user, with its downloads; coordinators write its narratives (English and Spanish)
and enter the key figures the 5W does not hold."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from config.api.fields import month_str, parse_month
from config.api.internal import api_get
from reporting.console.views import _choices, _latest_month, login_required
from reporting.locations.models import Location
from reporting.sitreps.api.serializers import KeyFigureSerializer
from reporting.sitreps.selectors import REGION
from reporting.sitreps.services import key_figure_create, narrative_set

SECTIONS = ("situation", "response")


@login_required
def report(request):
    month = parse_month(request.GET.get("month", "")) or _latest_month()
    country = request.GET.get("country", "PER").strip()
    if request.method == "POST":
        return _write(request, month, country)
    context = {"month": month_str(month) if month else "", "country": country,
               "countries": _choices()["country"], "report": None}  # fmt: skip
    if month is not None:
        path = f"/api/v1/situation-reports/{month_str(month)}/"
        status, data = api_get(request, "situationreport-detail", {"country": country},
                               kwargs={"month": month_str(month)})  # fmt: skip
        context["report"] = data if status == 200 else None
        context["error"] = None if status == 200 else (data or {}).get("detail")
        query = {"country": country}
        context["downloads"] = {
            f: f"{path}document/?{_q({**query, 'format': f})}" for f in ("pdf", "html", "xlsx")
        }
    return render(request, "console/report.html", context)


def _q(params: dict) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in params.items() if v})


def _write(request, month, country_code: str):
    """A coordinator's narrative or key-figure entry."""
    if not request.user.is_coordinator:
        raise PermissionDenied
    back = f"{request.path}?{_q({'month': month_str(month), 'country': country_code})}"
    country = Location.objects.filter(pcode=country_code, level="country").first()
    post = request.POST
    if post.get("action") == "narrative":
        section, language = post.get("section", ""), post.get("language", "")
        if month is None or section not in SECTIONS or language not in ("en", "es"):
            messages.error(request, _("Choose a month, a section and a language."))
            return redirect(back)
        narrative_set(
            month=month, scope=country.pcode if country else REGION, section=section,
            language=language, text=post.get("text", ""), user=request.user,
        )  # fmt: skip
        messages.success(request, _("The narrative is saved."))
        return redirect(back)
    fields = ("label", "label_es", "value", "unit", "as_of", "source", "link", "section")
    body = KeyFigureSerializer(data={
        **{f: post.get(f, "").strip() for f in fields if post.get(f, "").strip()},
        "month": month_str(month) if month else "", "country": country.pcode if country else None,
    })  # fmt: skip
    if not body.is_valid():
        problems = "; ".join(f"{field}: {errors[0]}" for field, errors in body.errors.items())
        messages.error(request, _("The key figure is not saved: %(problems)s") % {
            "problems": problems
        })  # fmt: skip
        return redirect(back)
    key_figure_create(data=body.validated_data, user=request.user)
    messages.success(request, _("The key figure is saved."))
    return redirect(back)
