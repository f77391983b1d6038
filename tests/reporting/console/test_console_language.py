"""The console speaks the user's language, chosen there and kept on the user; its error
pages are pages in that language, and its numbers are written the language's way."""

import pytest

from tests.reporting.activities.test_bulk import URL as BULK_URL
from tests.reporting.activities.test_bulk import rows
from tests.reporting.console.test_console import browser

pytestmark = pytest.mark.django_db


def test_a_language_switch_kept_on_the_user(reporter):
    client = browser(reporter)
    assert 'lang="en"' in client.get("/console/").content.decode()
    done = client.post("/console/language/", {"language": "es", "next": "/console/imports/"})
    assert (done.status_code, done["Location"]) == (302, "/console/imports/")
    reporter.user.refresh_from_db()
    assert reporter.user.language == "es"
    page = client.get("/console/imports/").content.decode()
    assert 'lang="es"' in page and "Historial de cargas" in page
    # The API speaks it too, to the same user (a token, no Accept-Language).
    problem = reporter.post("/api/v1/activity-reports/", {"month": "2099-01"})
    assert problem.headers["Content-Language"] == "es"
    elsewhere = client.post("/console/language/", {"language": "en", "next": "https://evil.test/"})
    assert elsewhere["Location"] == "/console/"  # never sent to another site
    assert client.post("/console/language/", {"language": "xx"}).status_code == 302
    reporter.user.refresh_from_db()
    assert reporter.user.language == "en"


def test_console_errors_are_pages_in_the_users_language(reporter):
    reporter.user.language = "es"
    reporter.user.save()
    client = browser(reporter)
    forbidden = client.get("/console/completeness/")
    assert forbidden.status_code == 403
    assert forbidden["Content-Type"].startswith("text/html")
    assert "<h1>403 · Prohibido</h1>" in forbidden.content.decode()
    assert "No puede abrir esta página." in forbidden.content.decode()
    missing = client.get("/console/imports/999999/")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("text/html")
    assert "No existe una página en /console/imports/999999/." in missing.content.decode()
    api = reporter.get("/api/v1/activity-reports/999999/")  # the API keeps problem+json
    assert api["Content-Type"] == "application/problem+json"


def test_numbers_are_written_the_languages_way(analyst, reporter):
    batch = rows(1)
    batch[0].update(total_beneficiaries=4000, new_beneficiaries=3530)
    batch[0]["population"] = {"in_destination": 3530}
    batch[0]["age_sex"] = {"women": 3530}
    assert reporter.post(BULK_URL, batch).status_code == 200, "setup"
    english = browser(analyst).get("/console/completeness/?month=2021-03&months=1").content
    assert ">1 <span" in english.decode()
    page = browser(analyst).get("/console/?month=2021-03").content.decode()
    assert "3,530" in page
    spanish = browser(analyst).get("/console/?month=2021-03", HTTP_ACCEPT_LANGUAGE="es").content
    assert "3.530" in spanish.decode()


def test_statuses_and_methods_read_in_spanish(reporter, analyst):
    from tests.reporting.activities.test_imports import csv_bytes, line, upload

    upload(reporter, csv_bytes([line(0, Month="2099-01")]))  # rejected
    page = browser(reporter).get("/console/imports/", HTTP_ACCEPT_LANGUAGE="es").content
    assert "Rechazada: hay filas no válidas; no se guardó nada" in page.decode()
    assert reporter.post(BULK_URL, rows(1)).status_code == 200
    dashboard = browser(analyst).get("/console/?month=2021-03", HTTP_ACCEPT_LANGUAGE="es")
    assert "Las personas de varios sectores se cuentan una vez:" in dashboard.content.decode()
