"""A Schemathesis check of partner isolation (loaded with SCHEMATHESIS_HOOKS).

With ST_FOREIGN_PARTNER set to another partner's code, no 5W report or import that
belongs to that partner (and that the caller's organisation does not implement) may appear
in any response: lists, details, exports as JSON, history.
"""

import os

import schemathesis

SCOPED_PATHS = ("/api/v1/activity-reports", "/api/v1/imports")


def _objects(data):
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _objects(value)
    elif isinstance(data, list):
        for value in data:
            yield from _objects(value)


@schemathesis.check
def no_foreign_partner_data(ctx, response, case):
    foreign, own = os.environ.get("ST_FOREIGN_PARTNER"), os.environ.get("ST_OWN_PARTNER")
    if not foreign or not case.path.startswith(SCOPED_PATHS) or response.status_code >= 400:
        return None
    content_type = next((v for k, v in response.headers.items() if k.lower() == "content-type"), "")
    if "json" not in (content_type[0] if isinstance(content_type, list) else content_type):
        return None
    try:
        data = response.json()
    except ValueError:
        return None
    for obj in _objects(data):
        if obj.get("partner") == foreign and obj.get("implementing_partner") != own:
            raise AssertionError(f"{foreign}'s record {obj.get('id')} reached a {own} token")
    return None
