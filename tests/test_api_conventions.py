"""Conventions every endpoint shares: problem+json errors, docs that work offline."""

import re

import pytest

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys()
    assert body["status"] == status
    if code:
        assert body["code"] == code
    return body


def test_unknown_url_is_problem_json(reporter):
    assert_problem(reporter.get("/api/v1/no-such-thing/"), 404, "not_found")
    assert_problem(reporter.client.get("/totally/elsewhere"), 404, "not_found")


def test_wrong_method_is_problem_json(reporter):
    assert_problem(reporter.delete("/api/v1/me/"), 405, "method_not_allowed")


def test_malformed_json_is_problem_json(reporter):
    response = reporter.client.post(
        "/api/v1/activity-reports/", data="{not json", content_type="application/json"
    )
    assert_problem(response, 400, "parse_error")


def test_unsupported_media_type_is_problem_json(reporter):
    response = reporter.client.post(
        "/api/v1/activity-reports/", data="a,b", content_type="text/csv"
    )
    assert_problem(response, 415, "unsupported_media_type")


def test_body_too_large_is_problem_json(reporter, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = reporter.client.post(
        "/api/v1/activity-reports/",
        data='{"activity_name": "' + "x" * 5000 + '"}',
        content_type="application/json",
    )
    assert_problem(response, 413, "request_too_large")


def test_validation_errors_name_every_field_with_codes(coordinator):
    body = assert_problem(coordinator.post("/api/v1/partners/", {"code": "lower case"}), 400)
    assert body["code"] == "validation_error"
    fields = {(e["field"], e["code"]) for e in body["errors"]}
    assert ("code", "invalid_code") in fields
    assert ("name", "required") in fields
    assert ("type", "required") in fields


def test_server_error_is_problem_json(client, settings):
    from django.test import RequestFactory

    from config.api.exceptions import server_error

    response = server_error(RequestFactory().get("/api/v1/x/"))
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM


def test_schema_is_served_and_documents_problem_responses(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    create = schema["paths"]["/api/v1/activity-reports/"]["post"]
    assert PROBLEM in create["responses"]["400"]["content"]
    assert "bearerAuth" in schema["components"]["securitySchemes"]


def test_the_schema_serves_client_generators(client):
    """What a generated client needs: names, one export-format parameter, the paging
    cursor as a field, the ETag as a header."""
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    ]
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", op["operationId"]) for _, _, op in operations)
    inline_formats = [
        op["operationId"] for _, _, op in operations
        for p in op.get("parameters", []) if p.get("name") == "format"
    ]  # fmt: skip
    assert inline_formats == []
    shared = {"$ref": "#/components/parameters/ExportFormat"}
    exporting = [op["operationId"] for _, _, op in operations if shared in op.get("parameters", [])]
    assert "activity_reports_list" in exporting and "activity_reports_create" not in exporting
    # figures take the same formats and their chart: format=vega (one enum of its own)
    charting = [
        op["operationId"]
        for _, _, op in operations
        if {"$ref": "#/components/parameters/FigureFormat"} in op.get("parameters", [])
    ]
    assert "figures_people_reached_retrieve" in charting and "activity_reports_list" not in charting
    assert schema["components"]["schemas"]["FigureFormat"]["enum"][-1] == "vega"
    page = schema["components"]["schemas"]["PaginatedActivityReportList"]["properties"]
    assert page["next_cursor"]["type"] == "string"
    assert schema["components"]["schemas"]["PaginatedPartnerList"]["properties"]["next_page"]
    retrieve = schema["paths"]["/api/v1/activity-reports/{id}/"]["get"]["responses"]["200"]
    assert "ETag" in retrieve["headers"]
    created = schema["paths"]["/api/v1/proportions/"]["post"]["responses"]["201"]
    assert {"ETag", "Location"} <= set(created["headers"])


def test_lists_carry_their_next_page_as_a_value(analyst, reporter):
    partners = analyst.get("/api/v1/partners/?page_size=2").json()
    assert (partners["next_page"], partners["previous_page"]) == (2, None)
    second = analyst.get("/api/v1/partners/?page_size=2&page=2").json()
    assert second["previous_page"] == 1
    reports = analyst.get("/api/v1/activity-reports/?page_size=1").json()
    assert reports["next_cursor"] is None and reports["previous_cursor"] is None


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_use_local_assets_only(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


def test_missing_trailing_slash_is_a_404_problem_not_an_html_redirect(reporter):
    response = reporter.client.get("/api/v1/partners")
    assert_problem(response, 404, "not_found")


def test_wrong_export_options_are_400_and_a_post_to_no_url_is_a_404_problem(reporter):
    """Both seen from schemathesis: `sep` checked while rendering answered 500, and an
    unknown /api/ URL sent without a CSRF token answered Django's HTML 403 page."""
    bad = reporter.client.get("/api/v1/partners/?format=hxl&sep=r&headers=x")
    body = assert_problem(bad, 400, "validation_error")
    assert {e["field"] for e in body["errors"]} == {"sep", "headers"}
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    assert_problem(browser.patch("/api/v1/activity-reports/abc/", {}), 404, "not_found")
    assert_problem(browser.post("/api/v1/nothing-here/"), 404, "not_found")


def test_unknown_format_is_406_problem_json(reporter):
    body = assert_problem(reporter.get("/api/v1/partners/?format=pdf"), 406, "not_acceptable")
    assert "csv" in body["detail"] and "xlsx" in body["detail"]


def test_cors_is_off_unless_configured(reporter):
    response = reporter.client.get("/api/v1/me/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response


def test_cors_for_configured_origins_only(reporter, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://dashboard.example.org"]
    ok = reporter.client.get("/api/v1/me/", HTTP_ORIGIN="https://dashboard.example.org")
    assert ok["Access-Control-Allow-Origin"] == "https://dashboard.example.org"
    assert "ETag" in ok["Access-Control-Expose-Headers"]
    other = reporter.client.get("/api/v1/me/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    preflight = reporter.client.options(
        "/api/v1/activity-reports/",
        HTTP_ORIGIN="https://dashboard.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert preflight.status_code == 200
    assert "idempotency-key" in preflight["Access-Control-Allow-Headers"]
    assert preflight["Access-Control-Allow-Origin"] == "https://dashboard.example.org"
    assert "Access-Control-Allow-Credentials" not in preflight
    # Only the API answers other origins.
    docs = reporter.client.get("/api/docs/", HTTP_ORIGIN="https://dashboard.example.org")
    admin = reporter.client.get("/admin/login/", HTTP_ORIGIN="https://dashboard.example.org")
    assert "Access-Control-Allow-Origin" in docs and "Access-Control-Allow-Origin" not in admin


def test_every_operation_has_a_named_group_and_the_root_a_real_sample(client):
    """Swagger UI showed the API root under "default" with a `property1` sample."""
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    untagged = [(path, method) for path, ops in schema["paths"].items()
                for method, op in ops.items() if isinstance(op, dict)
                and op.get("tags") in (None, [], ["default"])]  # fmt: skip
    assert untagged == []
    root = schema["paths"]["/api/v1/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert root["schema"]["additionalProperties"] == {"type": "string", "format": "uri"}
    sample = next(iter(root["examples"].values()))["value"]
    assert sample["activity-reports"].endswith("/api/v1/activity-reports/")
