"""The console in a real browser (Chromium): what a person sees and does."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from reporting.activities.imports import import_create
from reporting.activities.models import ActivityReport, Import
from tests.browser.conftest import axe_violations, click_and_wait, sign_in
from tests.reporting.activities.test_imports import csv_bytes, line
from tests.reporting.figures.test_figures import rows  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dashboard_draws_a_mark_per_api_row_with_the_same_numbers(browser, analyst, rows):  # noqa: F811
    sign_in(browser, analyst.user)
    browser.get(browser.url("/console/?month=2021-03"))
    api = analyst.get("/api/v1/figures/people-reached/?month=2021-03&group_by=sector").json()
    chart = browser.find_element(
        By.CSS_SELECTOR, 'figure.chart[aria-label="People reached by sector"] svg'
    )  # drawn on the server from the figure's Vega-Lite spec; no script on the page
    bars = chart.find_elements(By.CSS_SELECTOR, 'path[aria-roledescription="bar"]')
    described = [b.get_attribute("aria-label").rsplit(": ", 1) for b in bars]
    drawn = [(text.rsplit(" · ", 1)[0], int(value.replace(",", ""))) for text, value in described]
    assert drawn == [(r["sector_name"], r["people_reached"]) for r in api["results"]]
    widths = [b.size["width"] for b in bars]  # as the browser lays them out
    values = [v for _, v in drawn]
    assert widths.index(max(widths)) == values.index(max(values))  # longest bar, biggest number
    table = chart.find_element(By.XPATH, "ancestor::section").find_element(By.TAG_NAME, "table")
    cells = [(r.find_element(By.TAG_NAME, "th").text,
              int(r.find_element(By.TAG_NAME, "td").text.replace(",", "")))
             for r in table.find_elements(By.CSS_SELECTOR, "tr.figure-row")]  # fmt: skip
    assert cells == drawn


def test_a_partner_sees_the_bad_cells_fixes_the_file_and_confirms(browser, reporter, tmp_path):
    sign_in(browser, reporter.user)
    bad = tmp_path / "5w.csv"
    bad.write_bytes(csv_bytes([line(0), line(1, **{"New beneficiaries of the month": "1.200"})]))
    browser.get(browser.url("/console/imports/"))
    browser.find_element(By.ID, "id_file").send_keys(str(bad))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    marked = browser.find_elements(By.CSS_SELECTOR, "#errors td.bad")
    assert [c.text.split("\n")[0] for c in marked] == ["1.200"]
    assert "thousands separator" in marked[0].text
    assert browser.find_element(By.CSS_SELECTOR, "#errors tr[data-row='3']")
    assert axe_violations(browser) == []  # the grid of errors, too
    fixed = tmp_path / "5w-fixed.csv"
    fixed.write_bytes(csv_bytes([line(0), line(1)]))
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Upload a file"))
    browser.find_element(By.ID, "id_file").send_keys(str(fixed))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert "Validated" in browser.find_element(By.ID, "status").text
    assert not ActivityReport.objects.exists()
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[contains(., 'Confirm')]"))
    assert "Completed" in browser.find_element(By.ID, "status").text
    assert ActivityReport.objects.count() == 2


def test_a_reporter_cannot_open_another_partners_upload(browser, reporter, other_reporter):
    record = import_create(
        user=other_reporter.user, file_name="theirs.csv", content=csv_bytes([line(0)]),
        dry_run=True,
    )  # fmt: skip
    browser_sees_own = Import.objects.filter(partner=reporter.user.partner).count()
    assert browser_sees_own == 0
    sign_in(browser, reporter.user)
    browser.get(browser.url(f"/console/imports/{record.pk}/"))
    assert "theirs.csv" not in browser.page_source
    assert "not found" in browser.page_source.lower()
    browser.get(browser.url("/console/imports/"))
    assert "theirs.csv" not in browser.page_source  # nor in the history


def test_keyboard_first_stop_is_the_skip_link_and_pages_pass_axe(browser, coordinator, rows):  # noqa: F811
    sign_in(browser, coordinator.user)
    browser.get(browser.url("/console/?month=2021-03"))
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.text == "Skip to content" and focused.get_attribute("href").endswith("#content")
    for path in ("/console/?month=2021-03", "/console/imports/", "/console/completeness/",
                 "/console/organisations/ACNUR/", "/console/login/"):  # fmt: skip
        browser.get(browser.url(path))
        assert axe_violations(browser) == [], path


@pytest.mark.parametrize("path", ["/api/redoc/", "/api/docs/"])
def test_the_api_docs_render_and_fetch_nothing_from_elsewhere(browser, path):
    """Redoc's sidebar asks cdn.redoc.ly for a logo whatever its options: the docs pages'
    Content-Security-Policy keeps the browser from sending it (and anything else)."""
    import time

    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": (
        "window.__blocked = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__blocked.push(e.blockedURI));"
    )})  # fmt: skip
    browser.get(browser.url(path))
    deadline = time.monotonic() + 20
    while "R4V inter-agency reporting API" not in browser.find_element(By.TAG_NAME, "body").text:
        assert time.monotonic() < deadline, "the docs never rendered"
        time.sleep(0.2)
    time.sleep(0.5)  # the sidebar's logo is asked for after the first render
    origin = browser.url("")
    entries = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => [e.name, e.responseStatus])"
    )
    elsewhere = [(url, status) for url, status in entries if not url.startswith(origin)]
    blocked = browser.execute_script("return window.__blocked")
    # Anything asked of another origin was refused by the policy, never sent (no status).
    assert all(status == 0 and url in blocked for url, status in elsewhere), (elsewhere, blocked)
    if path == "/api/redoc/":
        assert "https://cdn.redoc.ly/redoc/logo-mini.svg" in blocked
