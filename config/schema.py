from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse

from config.exceptions import PROBLEM_CONTENT_TYPE
from config.serializers import ProblemSerializer

PROBLEM_DESCRIPTIONS = {
    "400": "Invalid input: `errors` names every wrong field.",
    "401": "Missing, invalid, expired or revoked token.",
    "403": "Your role may not do this.",
    "404": "Not found, or not visible to you.",
    "409": "Conflict with the current state (e.g. `period_locked`, `duplicate`).",
    "412": "`If-Match` does not match the current ETag.",
    "413": "Request body too large.",
    "422": "Rows or request cannot be processed; nothing was written.",
    "429": "Too many requests.",
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
        statuses = ["401", "403"]
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            statuses.append("400")
        if "{" in self.path:
            statuses.append("404")
        action = getattr(self.view, "action", None)
        extra = getattr(self.view, "problem_statuses", {})
        statuses += extra.get(action, []) + extra.get("*", [])
        for code in statuses:
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
