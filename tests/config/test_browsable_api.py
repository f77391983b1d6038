"""What a person with a browser meets: the API root, indented JSON, problem+json for a wrong
/api/ URL even with DEBUG on, offline docs, and the demo coordinator's sign-in."""

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from config.api_router import router
from partners.models import User

pytestmark = pytest.mark.django_db
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_the_api_root_lists_every_resource(anonymous):
    response = anonymous.client.get("/api/v1/")
    assert response.status_code == 200
    listed = response.json()
    for prefix, viewset, _ in router.registry:
        if hasattr(viewset, "list"):
            assert listed[prefix] == f"http://testserver/api/v1/{prefix}/"
    assert listed["figures/people-reached"].endswith("/api/v1/figures/people-reached/")
    assert listed["me"].endswith("/api/v1/me/") and listed["docs"].endswith("/api/docs/")


def test_json_is_indented_for_people_and_compact_for_programs(reporter):
    program = reporter.client.get("/api/v1/me/", HTTP_ACCEPT="application/json")
    assert b"\n" not in program.content.strip()
    browser = reporter.client.get("/api/v1/me/?format=json", HTTP_ACCEPT=BROWSER)
    assert browser.content.startswith(b'{\n  "') and json.loads(browser.content) == program.json()
    asked = reporter.client.get("/api/v1/me/", HTTP_ACCEPT="application/json; indent=2")
    assert b'\n  "' in asked.content
    page = reporter.client.get("/api/v1/me/", HTTP_ACCEPT=BROWSER)
    assert (
        page["Content-Type"].startswith("text/html") and b"&quot;username&quot;: " in page.content
    )


@override_settings(DEBUG=True)
@pytest.mark.parametrize("accept", [BROWSER, "application/json"])
def test_a_wrong_api_url_is_problem_json_even_in_debug(reporter, accept):
    response = reporter.client.get("/api/v1/no-such-thing/", HTTP_ACCEPT=accept)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"
    slashless = reporter.client.get("/api/v1/partners", HTTP_ACCEPT=accept)
    assert "Did you mean /api/v1/partners/" in slashless.json()["detail"]


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_the_docs_make_no_request_outside_the_server(page):
    html = Client().get(page).content.decode()
    assert "redoc" in html.lower() or "swagger" in html.lower()
    # Any absolute URL (a font, a script, a stylesheet) would be a request to another host.
    assert re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", html) == []
    # A CDN's host name, not "cdn" anywhere: the page's random CSRF token may hold that.
    assert "fonts.googleapis" not in html and not re.search(r"cdn\w*\.|jsdelivr|unpkg", html)
    if page == "/api/docs/":  # Swagger UI would fetch a badge from validator.swagger.io
        assert '"validatorUrl": null' in html


def test_the_demo_coordinator_signs_in_to_the_admin_and_the_browsable_api(capsys):
    call_command("load_reference_data")
    from reporting.demo_data import demo_data_load

    demo_data_load()
    call_command("demo_password")
    password = capsys.readouterr().out.strip().splitlines()[-1]
    browser = Client()
    signed_in = browser.post(
        "/api-auth/login/?next=/api/v1/",
        {"username": "demo-coordinator", "password": password},
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/api/v1/"
    assert browser.get("/api/v1/reporting-periods/").status_code == 403  # one-time password
    new = "Quite-another-secret-93"
    changed = browser.post(
        "/console/password/", {"old_password": password, "new_password1": new, "new_password2": new}
    )
    assert changed.status_code == 302
    page = browser.get("/api/v1/reporting-periods/", HTTP_ACCEPT=BROWSER)
    assert page.status_code == 200 and b"demo-coordinator" in page.content
    admin = browser.get("/admin/reporting/activityreport/")
    assert admin.status_code == 200 and b"Select activity report to change" in admin.content
    # A second run gives a new password: the first stops working.
    call_command("demo_password")
    again = capsys.readouterr().out.strip()
    assert again not in (password, new)
    assert not User.objects.get(username="demo-coordinator").check_password(new)
