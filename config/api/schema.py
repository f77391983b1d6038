from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse

from config.api.exceptions import PROBLEM_CONTENT_TYPE
from config.api.serializers import ProblemSerializer

PROBLEM_DESCRIPTIONS = {
    "400": "Invalid input: `errors` names every wrong field.",
    "401": "Missing, invalid, expired or revoked token.",
    "403": "Your role may not do this.",
    "404": "Not found, or not visible to you.",
    "405": "Method not allowed.",
    "406": "The format asked for (`format`, `Accept`) is not offered.",
    "409": "Conflict with the current state (e.g. `period_locked`, `duplicate`).",
    "412": "`If-Match` does not match the current ETag.",
    "413": "Request body too large.",
    "414": "The request line is too long (answered by the HTTP server, before the API).",
    "415": "Unsupported request media type.",
    "422": "Rows or request cannot be processed; nothing was written.",
    "429": "Too many requests for this token (see Retry-After).",
    "503": "The database is unavailable or the query timed out (see Retry-After).",
}


EXPORT_MEDIA_TYPES = {
    "text/csv": "CSV (UTF-8 with BOM); lists export every matching row, streamed.",
    "application/vnd.hxl+csv": "CSV with a second header row of HXL hashtags.",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook.",
}


class AutoSchema(SpectacularAutoSchema):
    """Documents the problem+json error responses of every operation.

    A view may list further statuses in `problem_statuses` (e.g. `{"create": ["409"]}`).
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        # 400: any request's query string may be refused (e.g. a NUL byte).
        statuses = ["400", "401", "403", "405", "406", "414", "429", "503"]
        if self.method in ("POST", "PUT", "PATCH"):
            statuses += ["413", "415"]
        if "{" in self.path:
            statuses.append("404")
        action = getattr(self.view, "action", None)
        extra = getattr(self.view, "problem_statuses", {})
        statuses += extra.get(action, []) + extra.get("*", [])
        for code in dict.fromkeys(statuses):
            if code == "414" and code not in responses:
                # gunicorn answers this itself, in HTML, before any of our code runs.
                responses[code] = {
                    "description": PROBLEM_DESCRIPTIONS[code],
                    "content": {"text/html": {"schema": {"type": "string"}}},
                }
                continue
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ProblemSerializer, description=PROBLEM_DESCRIPTIONS[code]),
                    code,
                    media_types=[PROBLEM_CONTENT_TYPE],
                    direction=direction,
                )
        for response in responses.values():
            for media_type, content in response.get("content", {}).items():
                if media_type in EXPORT_MEDIA_TYPES:
                    content["schema"] = {
                        "type": "string",
                        "format": "binary",
                        "description": EXPORT_MEDIA_TYPES[media_type],
                    }
        return dict(sorted(responses.items()))
