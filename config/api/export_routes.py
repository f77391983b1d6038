"""Exports as operations of their own: `<a list or figure>/export/?format=csv|hxl|xlsx`.

`?format=csv` on a list answers a file where the operation's first answer is JSON, so a
client generated from the OpenAPI document (which parses the first content type it knows)
cannot read it. Each collection read that exports (lists, figures, series) therefore also
answers at `export/` under its own path: the same view, filters, scoping and columns, only
the file, chosen by `format` (CSV by default, `Accept` not consulted), and documented as
bytes first (`application/octet-stream`), which generators hand over as a file.
"""

import copy
import re

from django.urls import re_path

from config.api.exports import CSVRenderer, HXLRenderer, XLSXRenderer, table_options
from config.api.negotiation import ContentNegotiation

EXPORT_RENDERERS = [CSVRenderer, HXLRenderer, XLSXRenderer]
SUFFIX = "export/"


class ExportNegotiation(ContentNegotiation):
    """The file named by `?format=` (csv when absent), whatever `Accept` says."""

    def select_renderer(self, request, renderers, format_suffix=None):
        fmt = request.query_params.get("format") or "csv"
        renderer = self.filter_renderers(renderers, fmt)[0]  # unknown: 406 naming the formats
        table_options(request)  # a wrong `sep` or `headers` is a 400 now, not while writing
        return renderer, renderer.media_type


def export_urls(patterns) -> list:
    """An `export/` route for every router pattern that reads a collection (no path
    arguments, GET) and can answer CSV; place them before `patterns`, whose detail routes
    (`partners/<code>/`) would otherwise take `export` for a code."""
    out = []
    for pattern in patterns:
        callback = pattern.callback
        actions = getattr(callback, "actions", None) or {}
        regex = pattern.pattern.regex.pattern  # e.g. ^figures/people-reached/$
        if "get" not in actions or pattern.pattern.regex.groupindex or not regex.endswith("/$"):
            continue  # not a read, or a detail route / format-suffix variant
        initkwargs = dict(callback.initkwargs)
        renderers = initkwargs.get("renderer_classes", callback.cls.renderer_classes)
        if CSVRenderer not in renderers:
            continue  # a file download of its own (templates) or JSON only
        view = callback.cls.as_view(
            {"get": actions["get"]},
            **initkwargs,
            renderer_classes=EXPORT_RENDERERS,
            content_negotiation_class=ExportNegotiation,
        )
        out.append(re_path(regex[:-1] + SUFFIX + "$", view, name=f"{pattern.name}-export"))
    return out


FILE_CONTENT = {
    "schema": {"type": "string", "format": "binary"},
}
FILE_TYPES = (
    "application/octet-stream",  # first: what generated clients read as a file of bytes
    "text/csv",
    "application/vnd.hxl+csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
FORMAT_PARAMETER = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "The file: `csv` (UTF-8 with BOM, the default), `hxl` (CSV with HXL "
    "hashtags) or `xlsx`. The answer's Content-Type is that format's (text/csv, "
    "application/vnd.hxl+csv, the XLSX type); `Accept` is not consulted.",
    "schema": {"$ref": "#/components/schemas/ExportFileFormat"},
}
PAGE_PARAMETERS = ("cursor", "page", "page_size")


def document_exports(result: dict) -> None:
    """Each `…/export/` operation: the read it exports, with every matching row as a file
    (no page parameters), `format` limited to the file formats, and the file as bytes."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ExportFileFormat"] = {"type": "string", "enum": ["csv", "hxl", "xlsx"]}
    result["components"].setdefault("parameters", {})["ExportFileFormat"] = FORMAT_PARAMETER
    paths = result.get("paths", {})
    for path in [p for p in paths if p.endswith("/" + SUFFIX)]:
        base = paths.get(path[: -len(SUFFIX)], {}).get("get")
        if base is None:
            continue
        operation = copy.deepcopy(base)
        operation["operationId"] = re.sub(r"_(list|retrieve)$", "", base["operationId"]) + "_export"
        operation["description"] = (
            "Every row the same read would answer, as one file (no pages): CSV, HXL or "
            "XLSX by `format`. Same filters, same visibility.\n\n" + base.get("description", "")
        )
        parameters = []
        for parameter in operation.get("parameters", []):
            ref = parameter.get("$ref", "")
            if parameter.get("name") in PAGE_PARAMETERS or ref.endswith(
                ("/ExportFormat", "/FigureFormat")
            ):
                continue
            parameters.append(parameter)
        operation["parameters"] = [{"$ref": "#/components/parameters/ExportFileFormat"},
                                   *parameters]  # fmt: skip
        ok = operation["responses"]["200"]
        ok["description"] = "The file."
        ok["content"] = {media_type: copy.deepcopy(FILE_CONTENT) for media_type in FILE_TYPES}
        ok.pop("headers", None)
        problem = operation["responses"].get("400", {}).get("content")
        pages = any(p.get("name") in PAGE_PARAMETERS for p in base.get("parameters", []))
        if problem and pages:  # a list: its XLSX stops at config.api.xlsx.XLSX_MAX_ROWS
            operation["responses"]["413"] = {
                "description": "More rows than an XLSX sheet holds (1,000,000): "
                "`too_many_rows_for_xlsx`; export CSV instead.",
                "content": copy.deepcopy(problem),
            }
        paths[path] = {"get": operation}
