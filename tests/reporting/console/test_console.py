"""The web console (server-rendered pages on the API's rules): signed-in users only, the
dashboard shows the API's numbers with a mark per row, a partner fixes an upload from the
grid of bad cells, coordinators see completeness and lock months; nothing from elsewhere."""

import re
from html import unescape as html_unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from config.l10n import month_name
from reporting.activities.models import ActivityReport, Import
from reporting.periods.models import ReportingPeriod
from tests.reporting.activities.test_imports import csv_bytes, line
from tests.reporting.figures.test_figures import rows  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def browser(api) -> Client:
    client = Client()
    client.force_login(api.user)
    return client


def test_pages_need_a_signed_in_user(client):
    for url in ("/console/", "/console/imports/", "/console/imports/1/", "/console/completeness/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, f"/console/login/?next={url}")
    assert client.get("/console/login/").status_code == 200


def test_sign_in_with_a_password_then_out(reporter):
    reporter.user.set_password("s3cret-pass")
    reporter.user.save()
    client = Client()
    bad = client.post("/console/login/", {"username": reporter.user.username, "password": "x"})
    assert "did not match" in bad.content.decode()
    good = client.post(
        "/console/login/", {"username": reporter.user.username, "password": "s3cret-pass"}
    )
    assert (good.status_code, good["Location"]) == (302, "/console/")
    assert client.get("/console/").status_code == 200
    client.post("/console/logout/")
    assert client.get("/console/").status_code == 302


def chart(html: str, title: str) -> str:
    """The drawing of the chart titled `title` (the SVG the server drew from its spec)."""
    return re.search(rf'<figure class="chart" role="img" aria-label="{re.escape(title)}".*?'
                     r"</figure>", html, re.S).group(0)  # fmt: skip


def _marks(html: str, title: str, role: str = "bar") -> list[tuple[str, int]]:
    """(label, value) of each mark of the chart titled `title`, as its description reads to
    a screen reader ("Lima · People reached: 1,200"; a line's points: "… · 2021-03-01: 5")."""
    out = []
    for text in re.findall(rf'aria-label="([^"]*)" role="graphics-symbol" '
                           rf'aria-roledescription="{role}"', chart(html, title)):  # fmt: skip
        head, value = html_unescape(text).rsplit(": ", 1)
        label, part = head.rsplit(" · ", 1)
        out.append((part if role == "point" else label, int(re.sub(r"\D", "", value))))
    return out


def test_the_dashboard_charts_are_the_api_figures(analyst, rows):  # noqa: F811
    html = browser(analyst).get("/console/?month=2021-03").content.decode()
    api = analyst.get("/api/v1/figures/people-reached/?month=2021-03&group_by=sector").json()
    expected = [(r["sector_name"], r["people_reached"]) for r in api["results"]]
    assert expected and _marks(html, "People reached by sector") == expected
    by_admin1 = analyst.get("/api/v1/figures/people-reached/?month=2021-03&group_by=admin1")
    assert _marks(html, "People reached by admin1") == [
        (r["admin1_name"], r["people_reached"]) for r in by_admin1.json()["results"]
    ]
    trend = analyst.get(
        "/api/v1/figures/people-reached/?month_from=2021-01&month_to=2021-03&group_by=month"
    ).json()["results"]
    assert _marks(html, "People reached, cumulative by month", "point") == [
        (f"{r['month']}-01", r["people_reached"]) for r in trend
    ]  # a line over the months, a point per month
    # How people reached was counted, in words (the API's model, not its code).
    from reporting.figures.choices import Accumulation, ConsolidationModel

    words = (ConsolidationModel(api["model"]).label, Accumulation(api["accumulation"]).label)
    assert f"People in several sectors counted once: {words[0]}. {words[1]}." in html
    download = "/api/v1/figures/people-reached/?month=2021-03&amp;group_by=sector&amp;format=csv"
    assert download in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from elsewhere


def test_the_dashboard_filters_go_to_the_api_and_its_errors_show(analyst, rows):  # noqa: F811
    html = browser(analyst).get("/console/?month=2021-03&admin1=PE15").content.decode()
    api = analyst.get("/api/v1/figures/people-reached/?month=2021-03&admin1=PE15&group_by=sector")
    assert _marks(html, "People reached by sector") == [
        (r["sector_name"], r["people_reached"]) for r in api.json()["results"]
    ]
    assert '<option value="PE15" selected>Lima</option>' in html  # names to choose from
    assert '<option value="PER">Peru</option>' in html
    bad = browser(analyst).get("/console/?month=2021-03&sector=NOPE")
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()


def test_the_dashboard_speaks_the_users_language(analyst, rows):  # noqa: F811
    analyst.user.language = "es"
    analyst.user.save()
    html = browser(analyst).get("/console/?month=2021-03").content.decode()
    assert '<html lang="es">' in html and "Personas alcanzadas por sector" in html


def _upload(client, content: bytes, dry_run=True):
    data = {"file": SimpleUploadedFile("5w.csv", content)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post("/console/imports/", data)


def test_a_partner_sees_the_bad_cells_then_uploads_the_fixed_file_and_confirms(reporter):
    client = browser(reporter)
    bad = csv_bytes([line(0), line(1, **{"New beneficiaries of the month": "1.200"})])
    response = _upload(client, bad)
    page = client.get(response["Location"]).content.decode()
    assert "Rejected" in page
    cells = re.findall(r'<td class="bad" data-bad="1">(.*?)<span class="msg">(.*?)</span>', page)
    assert cells == [("1.200", cells[0][1])] and "thousands separator" in cells[0][1]
    assert 'data-row="3"' in page and "error-report.xlsx" in page
    fixed = _upload(client, csv_bytes([line(0), line(1)]))
    checked = client.get(fixed["Location"]).content.decode()
    assert "Validated" in checked and "Confirm" in checked and not ActivityReport.objects.exists()
    dry_run = Import.objects.latest("pk")
    done = client.post(f"/console/imports/{dry_run.pk}/confirm/")
    assert ActivityReport.objects.count() == 2
    assert "Completed" in client.get(done["Location"]).content.decode()
    history = client.get("/console/imports/").content.decode()
    assert len(re.findall(r'href="/console/imports/\d+/"', history)) == 3


def test_a_reporter_cannot_open_or_confirm_another_partners_upload(reporter, other_reporter):
    client = browser(reporter)
    response = _upload(client, csv_bytes([line(0)]))
    record = Import.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])
    other = browser(other_reporter)
    assert other.get(f"/console/imports/{record.pk}/").status_code == 404
    assert other.post(f"/console/imports/{record.pk}/confirm/").status_code == 404
    assert (
        f'href="/console/imports/{record.pk}/"'
        not in other.get("/console/imports/").content.decode()
    )
    assert not ActivityReport.objects.exists()


def test_completeness_and_month_locks_are_for_coordinators(coordinator, reporter, analyst):
    client = browser(reporter)
    reporter.post("/api/v1/activity-reports/bulk/", [{
        "month": "2021-03", "admin1": "PE24", "indicator": "PRT-01", "activity_name": "A",
        "rmrp": True, "cva": False, "total_beneficiaries": 1, "new_beneficiaries": 1,
        "population": {"in_destination": 1}, "age_sex": {"women": 1},
    }])  # fmt: skip
    assert client.get("/console/completeness/").status_code == 403
    seen = browser(analyst).get("/console/completeness/").content.decode()
    row = re.search(r"<tr><th scope=\"row\">ACNUR .*?</tr>", seen, re.S).group(0)
    assert row.count(">not reported<") == 5
    assert re.search(r'data-state="draft">1 <span class="state">not submitted</span>', row)
    # totals per organisation (months reported of those shown, reports) and per month
    assert '<td class="num months-reported">1 / 6</td>' in row
    assert '<td class="num reports-total">1</td>' in row
    reporting = re.search(r'<tr class="total-reported">.*?</tr>', seen, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', reporting) == ["0"] * 5 + ["1", "1"]
    assert "Lock or unlock" not in seen
    assert browser(analyst).post("/console/completeness/", {}).status_code == 403
    lock = {"month": "2021-03", "status": "locked", "reason": "March closed"}
    browser(coordinator).post("/console/completeness/", lock)
    period = ReportingPeriod.objects.get(month="2021-03-01")
    assert (period.status, period.reason) == ("locked", "March closed")
    assert "locked" in browser(coordinator).get("/console/completeness/").content.decode()


def test_border_flows_and_progress_on_the_dashboard(analyst):
    from reporting.demo_data import demo_data_load

    demo_data_load()
    html = browser(analyst).get("/console/?month=2021-03").content.decode()
    modes = analyst.get("/api/v1/border-crossings/travel-modes/?date_from=2021-01-01"
                        "&date_to=2021-03-31").json()  # fmt: skip
    shares = _marks(html, "Travel modes (share of people)")
    drawn_months = list(dict.fromkeys(label for label, _value in shares))
    assert drawn_months == [month_name(m["month"]) for m in modes if m["on_foot"] is not None]
    assert len(shares) == 3 * len(drawn_months)  # on foot, motor vehicle, other: stacked
    series = analyst.get("/api/v1/border-crossings/series/?interval=month&start=2021-01-01"
                         "&end=2021-03-31").json()  # fmt: skip
    crossed = [s for s in series if any(p["people"] for p in s["points"])]
    # A line per named point and direction (no codes), a point per month with data.
    names = {p["code"]: p["name"] for p in analyst.get("/api/v1/border-points/").json()["results"]}
    directions = {"entry": "Entry into the country", "exit": "Exit from the country"}
    expected = [f"{names[s['border_point']]} · {directions[s['direction']]}" for s in crossed]
    drawing = chart(html, "Border crossings per month and point")
    lines = re.findall(r'aria-label="([^"]*)" role="graphics-symbol" aria-roledescription='
                       r'"line mark"', drawing)  # fmt: skip
    assert sorted(html_unescape(t).rsplit(" · ", 1)[0] for t in lines) == sorted(expected)
    points = _marks(html, "Border crossings per month and point", "point")
    assert len(points) == sum(p["people"] is not None for s in crossed for p in s["points"])
    progress = analyst.get("/api/v1/figures/progress/?month=2021-03").json()["results"]
    with_target = [r for r in progress if r["target"]]
    assert with_target  # the demo's illustrative targets
    reached = _marks(html, "Reached against target")
    assert len(reached) == 2 * len(with_target)  # reached and still to reach, stacked
    assert "Still to reach" in chart(html, "Reached against target")  # the legend
    # The map: a tile per admin1 of Peru, each coloured by its people reached.
    tiles = re.findall(r'aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="rect mark"',
                       chart(html, "People reached in Peru, by admin1"))  # fmt: skip
    assert len(tiles) == 25
    by_admin1 = analyst.get("/api/v1/figures/people-reached/?month=2021-03&group_by=admin1"
                            "&country=PER").json()["results"]  # fmt: skip
    lima = next(r["people_reached"] for r in by_admin1 if r["admin1"] == "PE15")
    assert f"Lima: {lima:,}" in [html_unescape(t) for t in tiles]


def test_coordinators_add_users_and_issue_and_revoke_tokens(
    coordinator, reporter, analyst, other_reporter
):
    from partners.models import ApiToken, User

    code = reporter.user.partner.code
    url = f"/console/organisations/{code}/"
    assert browser(reporter).get(url).status_code == 403
    assert browser(analyst).get(url).status_code == 403
    client = browser(coordinator)
    assert client.get("/console/organisations/NOPE/").status_code == 404
    added = client.post(url, {"action": "add_user", "username": "ana", "role": "reporter"})
    assert added.status_code == 302
    ana = User.objects.get(username="ana")
    assert (ana.partner_id, ana.role, ana.has_usable_password()) == (
        reporter.user.partner_id, "reporter", False
    )  # fmt: skip
    refused = client.post(url, {"action": "add_user", "username": "x", "role": "coordinator"},
                          follow=True)  # fmt: skip
    assert "reporter or viewer" in refused.content.decode()
    assert not User.objects.filter(username="x").exists()
    issued = client.post(url, {"action": "issue_token", "user": ana.pk, "name": "sync"},
                         follow=True).content.decode()  # fmt: skip
    raw = re.search(r"(r4v_[\w-]+)", issued).group(1)
    token = ApiToken.objects.get(user=ana)
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert (me.status_code, me.json()["username"]) == (200, "ana")
    assert raw not in client.get(url).content.decode()  # shown once
    client.post(url, {"action": "revoke_token", "token": token.pk})
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    stranger = ApiToken.issue(user=other_reporter.user, name="theirs")[0]
    client.post(url, {"action": "revoke_token", "token": stranger.pk})  # not this organisation's
    stranger.refresh_from_db()
    assert stranger.revoked_at is None


def test_a_coordinator_gives_a_user_a_one_time_password_to_sign_in_with(coordinator, reporter):
    url = f"/console/organisations/{reporter.user.partner.code}/"
    page = (
        browser(coordinator)
        .post(url, {"action": "set_password", "user": reporter.user.pk}, follow=True)
        .content.decode()
    )
    password = re.search(r'<output class="secret">(\S+)</output>', page).group(1)
    signed_in = Client().post(
        "/console/login/", {"username": reporter.user.username, "password": password}
    )
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/console/")
    assert password not in browser(coordinator).get(url).content.decode()
    # then, before anything else, they choose their own (tests/attacks/test_console_accounts)
    assert signed_in.client.get("/console/")["Location"] == "/console/password/"


def test_completeness_shows_the_months_asked(analyst):
    html = browser(analyst).get("/console/completeness/?month=2021-02&months=3").content.decode()
    assert re.findall(r'<th scope="col" class="num[^"]*">(\d{4}-\d{2})', html) == [
        "2020-12", "2021-01", "2021-02"
    ]  # fmt: skip
    fallback = browser(analyst).get("/console/completeness/?months=999").content.decode()
    assert len(re.findall(r'<th scope="col" class="num[^>]*>\d{4}-\d{2}', fallback)) == 6  # months
