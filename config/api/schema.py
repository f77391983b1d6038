import re

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse

from config.api.exceptions import PROBLEM_CONTENT_TYPE
from config.api.export_routes import document_exports
from config.api.serializers import ProblemSerializer
from config.api.vega import VEGA_MEDIA_TYPE

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
    "414": "The request line is too long (over 8,190 bytes; answered by gunicorn itself, as "
    "problem+json, before the API).",
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
    """Documents the problem+json error responses of every operation, and the ETag (and
    Location) headers of versioned resources.

    A view may list further statuses in `problem_statuses` (e.g. `{"create": ["409"]}`).
    The export formats are one shared parameter (`postprocess`), not an enum per operation.
    """

    def _get_format_parameters(self):
        return []

    def _is_list_view(self, serializer=None) -> bool:
        """A view's `list` that answers one object (a report over its whole scope) says so
        with `single_object_list = True`."""
        if getattr(self.view, "single_object_list", False) and self.view.action == "list":
            return False
        return super()._is_list_view(serializer)

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
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ProblemSerializer, description=PROBLEM_DESCRIPTIONS[code]),
                    code,
                    media_types=[PROBLEM_CONTENT_TYPE],
                    direction=direction,
                )
        if getattr(self.view, "detail_url_name", None) and action in VERSIONED_ACTIONS:
            for code in ("200", "201"):
                if code in responses:
                    responses[code]["headers"] = {
                        "ETag": ETAG_HEADER,
                        **({"Location": LOCATION_HEADER} if code == "201" else {}),
                    }
        for response in responses.values():
            for media_type, content in response.get("content", {}).items():
                if media_type in EXPORT_MEDIA_TYPES:
                    content["schema"] = {
                        "type": "string",
                        "format": "binary",
                        "description": EXPORT_MEDIA_TYPES[media_type],
                    }
        return dict(sorted(responses.items()))


VERSIONED_ACTIONS = ("retrieve", "create", "update", "partial_update")
ETAG_HEADER = {
    "description": 'The version of the resource, e.g. `"3"`: send it back as `If-Match` to '
    "change it only if nobody changed it since.",
    "schema": {"type": "string"},
}
LOCATION_HEADER = {"description": "The URL of the new resource.", "schema": {"type": "string"}}

EXPORT_FORMAT_PARAMETER = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "The answer's format: `json` (the default), or an export of every "
    "matching row: `csv` (UTF-8 with BOM), `hxl` (CSV with HXL hashtags), `xlsx`. The same "
    "as `Accept: text/csv`, `application/vnd.hxl+csv` or the XLSX media type.",
    "schema": {"$ref": "#/components/schemas/ExportFormat"},
}
EXPORT_FORMAT_SCHEMA = {"type": "string", "enum": ["json", "csv", "hxl", "xlsx"]}
# Figures also draw themselves: `?format=vega` (config.api.vega).
FIGURE_FORMAT_PARAMETER = {
    **EXPORT_FORMAT_PARAMETER,
    "description": EXPORT_FORMAT_PARAMETER["description"]
    + " Figures also answer `vega`: their chart, a Vega-Lite v5 spec with the data inline "
    "(Content-Type application/vnd.vegalite.v5+json), as the console and the situation "
    "report draw it.",
    "schema": {"$ref": "#/components/schemas/FigureFormat"},
}
FIGURE_FORMAT_SCHEMA = {"type": "string", "enum": ["json", "csv", "hxl", "xlsx", "vega"]}
VEGA_SCHEMA = {
    "type": "object",
    "description": "A Vega-Lite v5 specification (https://vega.github.io/vega-lite/), its data "
    "inline: render it with vega-embed, Altair or vl-convert.",
    "additionalProperties": True,
}
EXPORT_PARAMETERS = {
    "ExportFormat": EXPORT_FORMAT_PARAMETER,
    "CsvSeparator": {
        "name": "sep",
        "in": "query",
        "required": False,
        "description": "CSV and HXL exports: the separator. Default `semicolon` when the "
        "request prefers Spanish (Accept-Language: es, as Excel there expects), else `comma`.",
        "schema": {"$ref": "#/components/schemas/CsvSeparator"},
    },
    "ExportHeaders": {
        "name": "headers",
        "in": "query",
        "required": False,
        "description": "Exports: `names` (the API's field names, the default; uploads take "
        "them back) or `labels` (headers for people, in the request's language).",
        "schema": {"$ref": "#/components/schemas/ExportHeaders"},
    },
}


def postprocess(result, generator, request, public):
    """The export formats as one shared parameter component (and one enum), on the reads
    that offer them (their 200 answer has a CSV body); operation ids without dots, so every
    generator turns them into names; the `export/` operations documented as files
    (config.api.export_routes)."""
    components = result.setdefault("components", {})
    components.setdefault("parameters", {}).update(
        EXPORT_PARAMETERS, FigureFormat=FIGURE_FORMAT_PARAMETER
    )
    components.setdefault("schemas", {}).update(
        ExportFormat=EXPORT_FORMAT_SCHEMA,
        FigureFormat=FIGURE_FORMAT_SCHEMA,  # enums as components: one class in a generated client
        CsvSeparator={"type": "string", "enum": ["comma", "semicolon", "tab"]},
        ExportHeaders={"type": "string", "enum": ["names", "labels"]},
    )
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            operation["operationId"] = re.sub(r"[^A-Za-z0-9_]", "_", operation["operationId"])
            parameters = [
                p
                for p in operation.get("parameters", [])
                if not (p.get("name") in ("format", "sep", "headers") and p.get("in") == "query")
            ]
            ok = operation.get("responses", {}).get("200", {}).get("content", {})
            if method == "get" and "text/csv" in ok and "application/json" in ok:
                names = list(EXPORT_PARAMETERS)
                if VEGA_MEDIA_TYPE in ok:  # a figure: its chart too
                    names[0] = "FigureFormat"
                    ok[VEGA_MEDIA_TYPE]["schema"] = VEGA_SCHEMA
                parameters += [{"$ref": f"#/components/parameters/{n}"} for n in names]
            if parameters:
                operation["parameters"] = parameters
            else:
                operation.pop("parameters", None)
    document_exports(result)
    return result
