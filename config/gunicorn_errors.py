"""gunicorn's own answers (a request line over 8,190 bytes: 414; headers too large: 431;
a malformed request: 400) in the API's one error shape, problem+json, instead of HTML.

gunicorn writes these before any Django code runs, through `gunicorn.util.write_error`;
the settings file (config/gunicorn.py) puts this writer in its place."""

import json
from http import HTTPStatus

from gunicorn import util

PROBLEM_TYPE_BASE = "urn:r4v:problem:"  # as config.exceptions (not imported: no Django here)
CODES = {400: "bad_request", 403: "forbidden", 414: "uri_too_long",
         431: "request_header_fields_too_large", 500: "server_error"}  # fmt: skip


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    code = CODES.get(status_int, "bad_request")
    try:
        title = HTTPStatus(status_int).phrase
    except ValueError:
        title = reason
    body = json.dumps(
        {
            "type": PROBLEM_TYPE_BASE + code,
            "title": title,
            "status": status_int,
            "detail": mesg or reason,
            "code": code,
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin1") + body)


def install() -> None:
    util.write_error = write_problem
