"""Content types, headers and the server's own answers tell the truth."""

import json
import socket
from http.client import HTTPConnection
from pathlib import Path

import pytest
import yaml

from tests.servers import api_server

ERRORS = {
    400: "/api/v1/activity-reports/?month=2021-13",
    404: "/api/v1/activity-reports/999999/",
    401: None,  # any API path without credentials
}


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(ERRORS))
@pytest.mark.parametrize(
    "asking", [{"HTTP_ACCEPT": "text/html"}, {"format": "api"}], ids=["accept-html", "format-api"]
)
def test_errors_are_problem_json_whatever_a_browser_asks(analyst, anonymous, status, asking):
    client = anonymous if status == 401 else analyst
    path = ERRORS[status] or "/api/v1/activity-reports/"
    if "format" in asking:
        path += ("&" if "?" in path else "?") + "format=api"
        asking = {}
    response = client.client.get(path, **asking)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)  # JSON, not the browsable page
    assert body["status"] == status and body["code"]


@pytest.mark.django_db
def test_the_browsable_api_still_shows_pages_that_succeed(analyst):
    response = analyst.client.get("/api/v1/partners/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/me/",
        "/api/v1/activity-reports/",
        "/api/v1/figures/people-reached/?month=2021-03",
        "/api/v1/partners/?format=csv",
        "/api/v1/activity-reports/999999/",
    ],
)
def test_api_answers_are_never_stored_by_caches(analyst, path):
    assert analyst.get(path)["Cache-Control"] == "no-store"


def _raw(port: int, request: bytes) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        return sock.recv(65536).decode(errors="replace")


def test_gunicorns_own_errors_are_problem_json(reload_reference_data, transactional_db):
    long_line = b"GET /api/v1/" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    many_headers = (
        b"GET /api/v1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + b"".join(b"X-H%d: v\r\n" % n for n in range(200))
        + b"\r\n"
    )
    malformed = b"GET /api/v1/ HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n"
    with api_server() as (port, _):
        answers = {name: _raw(port, r) for name, r in
                   {"414": long_line, "431": many_headers, "400": malformed}.items()}  # fmt: skip
    for status, answer in answers.items():
        head, _, body = answer.partition("\r\n\r\n")
        assert head.startswith(f"HTTP/1.1 {status}"), answer[:100]
        assert "Content-Type: application/problem+json" in head
        assert json.loads(body)["status"] == int(status)
    # As the contract says, so a generated client parses it as a Problem.
    contract = yaml.safe_load((Path(__file__).parents[2] / "docs" / "openapi.yaml").read_text())
    documented = contract["paths"]["/api/v1/me/"]["get"]["responses"]["414"]["content"]
    assert list(documented) == ["application/problem+json"]


def test_no_server_version_and_no_trust_in_forwarded_proto_without_a_proxy(
    reload_reference_data, transactional_db
):
    def ask(port):
        conn = HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/v1/me/", headers={"X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        response.read()
        return response

    with api_server(SECURE_SSL_REDIRECT="1") as (port, _):
        plain = ask(port)
    with api_server(SECURE_SSL_REDIRECT="1", BEHIND_TLS_PROXY="1") as (port, _):
        proxied = ask(port)
    # A client claiming HTTPS over plain HTTP is sent to HTTPS, not believed...
    assert plain.status == 301 and plain.getheader("Location").startswith("https://")
    # ...unless the deployment says a TLS proxy sets the header.
    assert proxied.status == 401
    for response in (plain, proxied):
        assert not any(ch.isdigit() for ch in response.getheader("Server", ""))
