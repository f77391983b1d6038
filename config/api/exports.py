"""Every list and figure as JSON, CSV, XLSX or HXL-tagged CSV (`?format=` or `Accept`).

Lists stream: rows are read with a server-side cursor and written as they come, so memory
does not grow with the rows. No cell can run as a spreadsheet formula: text starting with
`=`, `+`, `-` or `@` is prefixed with `'`.
"""

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

import orjson
from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import get_language, gettext
from rest_framework import renderers, serializers

from config.api.columns import HXL_TAGS, PLAIN, TableOptions, header_row
from config.api.filters import assert_known_parameters
from config.api.pagination import keyset_ordering
from config.api.xlsx import XLSX_MAX_ROWS, XLSX_MEDIA_TYPE, xlsx_file
from config.db.routing import read_alias

SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t"}


def table_options(request, *, strict: bool = True) -> TableOptions:
    """`?sep=comma|semicolon|tab` (default: semicolon when the request speaks Spanish, as
    Excel does there, else comma) and `?headers=names|labels`; 400 for anything else (the
    content negotiation checks them, before the view; a renderer, `strict=False`, falls
    back to the defaults rather than fail half-way through an answer)."""
    params = getattr(request, "query_params", None) or getattr(request, "GET", {})
    spanish = (get_language() or "").startswith("es")
    sep, headers = params.get("sep"), params.get("headers", "names")
    problems = {}
    if sep is not None and sep not in SEPARATORS:
        problems["sep"] = gettext("Use comma, semicolon or tab.")
    if headers not in ("names", "labels"):
        problems["headers"] = gettext("Use names (the API's) or labels (for people).")
    if problems and not strict:
        sep, headers = None, "names"
    elif problems:
        from rest_framework.exceptions import ErrorDetail, ValidationError

        raise ValidationError({k: [ErrorDetail(v, "invalid")] for k, v in problems.items()})
    delimiter = SEPARATORS[sep] if sep else (";" if spanish else ",")
    return TableOptions(
        delimiter, headers == "labels", spanish, str(gettext("yes")), str(gettext("no"))
    )


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A formula after a separator: a program splitting on `;` (Excel in much of Latin America)
# would start a cell there.
FORMULA_AFTER_SEPARATOR = re.compile(r"([;,\t]\s*)([=+\-@])")
NEEDS_QUOTES = re.compile(r'[,;\t"\r\n]')


def csv_text(value, options: TableOptions = PLAIN) -> str:
    """A cell for CSV: spreadsheet programs must not run it as a formula, at its start or
    after a separator; booleans read as people write them (yes/no, sí/no)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return options.yes if value else options.no
    text = value.isoformat() if isinstance(value, datetime | date) else str(value)
    if text[:1] in FORMULA_START:
        text = "'" + text
    if ";" in text or "," in text or "\t" in text:
        text = FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", text)
    return text


def csv_line(cells: Iterable, options: TableOptions = PLAIN) -> str:
    """One CSV line: a cell holding any separator (not only the one in use), a quote or a
    line break is quoted, so no spreadsheet splits it, whatever its list separator."""
    out = []
    for value in cells:
        text = csv_text(value, options)
        if NEEDS_QUOTES.search(text):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return options.delimiter.join(out) + "\r\n"


def unguarded(text: str) -> str:
    """A cell's text as it was before csv_text guarded it: the apostrophe put before a
    formula's first character, at the start or after a separator, taken away. A file the
    service wrote uploads back as exactly what was exported."""
    if text[:1] == "'" and text[1:2] in GUARDED:
        text = text[1:]
    if "'" in text:
        text = GUARD_AFTER_SEPARATOR.sub(r"\1\2", text)
    return text


GUARDED = ("=", "+", "-", "@", "\t", "\r")
GUARD_AFTER_SEPARATOR = re.compile(r"([;,\t]\s*)'([=+\-@])")


EXPORT_FORMATS = ("csv", "hxl", "xlsx")


def flatten(row: dict, prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted columns; a list one cell ("a; b"), objects in it by
    their first value, their code (a figure's `countries`: "ECU; PER")."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list | tuple):
            out[name] = "; ".join(csv_text(_code_of(v)) for v in value)
        else:
            out[name] = value
    return out


def _code_of(item):
    return next(iter(item.values()), None) if isinstance(item, dict) else item


def table_rows(row: dict) -> list[dict[str, Any]]:
    """A row as table rows: a list of objects in it (a series' points) becomes one row per
    object, its keys as columns, the row's other values repeated on each."""
    for key, value in row.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            rest = {k: v for k, v in row.items() if k != key}
            return [flatten(rest) | flatten(item) for item in value]
    return [flatten(row)]


def serializer_columns(serializer: serializers.Serializer, prefix: str = "") -> list[str]:
    """The flattened column names of a serializer's output, for a header with no rows."""
    columns = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        child = getattr(field, "child", None)
        nested = field if isinstance(field, serializers.Serializer) else None
        if nested is None and isinstance(child, serializers.Serializer):
            columns.append(f"{prefix}{name}")  # lists of objects stay one column
        elif nested is not None:
            columns += serializer_columns(nested, f"{prefix}{name}.")
        else:
            columns.append(f"{prefix}{name}")
    return columns


def csv_lines(
    columns: list[str], rows: Iterable[dict], *, hxl: bool, options: TableOptions = PLAIN,
    before: Iterable[str] = (),
) -> Iterator[str]:  # fmt: skip
    """The table as CSV lines, `before` (lines of facts about it) ahead of its header."""
    # BOM: Excel then reads UTF-8 correctly.
    yield "\ufeff" + "".join(before) + csv_line(header_row(columns, options), options)
    if hxl:
        yield csv_line([HXL_TAGS.get(c, "") for c in columns], options)
    for row in rows:
        yield csv_line([row.get(c) for c in columns], options)


def export_response(
    fmt: str, columns: list[str], rows: Iterable[dict], name: str, options: TableOptions = PLAIN
):
    if fmt == "xlsx":
        return FileResponse(
            xlsx_file(columns, rows, name, options),
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type=XLSX_MEDIA_TYPE,
        )
    response = StreamingHttpResponse(
        csv_lines(columns, rows, hxl=fmt == "hxl", options=options),
        content_type="text/csv; charset=utf-8",
    )
    suffix = "-hxl" if fmt == "hxl" else ""
    response["Content-Disposition"] = f'attachment; filename="{name}{suffix}.csv"'
    return response


def rows_in_one_transaction(queryset, chunk_size: int = 2000) -> Iterator:
    """The queryset's objects, `chunk_size` at a time from a server-side cursor opened in a
    transaction of its own. Outside a transaction Django declares the cursor WITH HOLD, and
    it outlives the transaction on its server connection: behind PgBouncer in transaction
    mode the next fetch may reach another one. Inside, it lives and dies on one connection;
    memory stays one chunk."""
    with transaction.atomic(using=queryset.db):
        yield from queryset.iterator(chunk_size=chunk_size)


def assert_fits_xlsx(fmt: str, queryset) -> None:
    if fmt == "xlsx" and queryset.count() > XLSX_MAX_ROWS:
        from config.api.exceptions import RequestTooLarge  # not at import: settings load this

        raise RequestTooLarge(
            gettext("More than %(max)s rows do not fit in Excel; export CSV instead.")
            % {"max": f"{XLSX_MAX_ROWS:,}"},
            code="too_many_rows_for_xlsx",
        )


class ExportListMixin:
    """`?format=csv|hxl|xlsx` on a list exports every matching row (no pagination)."""

    def list(self, request, *args, **kwargs):
        fmt = getattr(request.accepted_renderer, "format", "json")
        if fmt not in EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)
        queryset = self.export_queryset(request)
        assert_fits_xlsx(fmt, queryset)
        serializer = self.get_serializer()
        columns = serializer_columns(serializer)
        objects = rows_in_one_transaction(queryset)
        rows = (flatten(serializer.to_representation(obj)) for obj in objects)
        return export_response(fmt, columns, rows, self.export_name(), table_options(request))

    def export_queryset(self, request):
        assert_known_parameters(request, self)
        queryset = self.filter_queryset(self.get_queryset()).using(read_alias())
        if getattr(self, "keyset_orderings", None):  # the keyset paginator orders these lists
            field, desc = keyset_ordering(request, self)
            queryset = queryset.order_by(f"-{field}" if desc else field, "-pk" if desc else "pk")
        return queryset

    def export_name(self) -> str:
        return self.basename if hasattr(self, "basename") else "export"


# --- Renderers: content negotiation, and tables for figures and single objects --------------
# What a page of a list holds besides its rows: not columns of a table.
PAGE_KEYS = ("results", "next", "previous", "count", "next_page", "previous_page",
             "next_cursor", "previous_cursor")  # fmt: skip


class _TableRenderer(renderers.BaseRenderer):
    """A figure, a series or a single object as a table. What a figure says about itself
    (its months, method, approval...) is written once, before the table (CSV: lines
    starting with "# ", which pandas' `comment="#"` and the R client skip; XLSX: a second
    sheet, "About"), not repeated on every row. A figure with no rows still has its
    header (the view's `export_columns`)."""

    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        response = context.get("response")
        if response is not None and response.status_code >= 400:
            return orjson.dumps(data)  # problem+json stays JSON whatever was asked
        meta, columns, rows = self.table(data)
        view = context.get("view")
        if not rows and hasattr(view, "export_columns"):
            columns = view.export_columns(data)
        request = context.get("request")
        options = table_options(request, strict=False) if request else PLAIN
        return self.encode(meta, columns, rows, options)

    @staticmethod
    def table(data) -> tuple[dict, list[str], list[dict]]:
        meta: dict[str, Any] = {}
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            meta = flatten({k: v for k, v in data.items() if k not in PAGE_KEYS and not _table(v)})
            rows = [part for r in data["results"] for part in table_rows(r)]
        elif isinstance(data, list):
            rows = [
                part
                for r in data
                for part in (table_rows(r) if isinstance(r, dict) else [{"value": r}])
            ]
        elif isinstance(data, dict):
            rows = [flatten(data)]
        else:
            rows = [{"value": data}]
        columns: dict[str, None] = {}
        for row in rows:
            columns.update(dict.fromkeys(row))
        return meta, list(columns), rows


def _table(value) -> bool:
    """A list of objects holding objects (a report's totals by check): a table of its own,
    not a fact to state in one line."""
    return isinstance(value, list) and any(
        isinstance(item, dict) and any(isinstance(v, dict | list) for v in item.values())
        for item in value
    )


def meta_lines(meta: dict, options: TableOptions) -> Iterator[str]:
    """A table's own facts before its header: "# name" and the value, one per line."""
    for key, value in meta.items():
        yield csv_line([f"# {key}", value], options)


class CSVRenderer(_TableRenderer):
    media_type = "text/csv"
    format = "csv"

    def encode(self, meta, columns, rows, options) -> bytes:
        lines = csv_lines(
            columns, rows, hxl=False, options=options, before=meta_lines(meta, options)
        )
        return "".join(lines).encode("utf-8")


class HXLRenderer(_TableRenderer):
    """CSV with a second header row of HXL hashtags (#org, #adm1 +code, #date +month...)."""

    media_type = "application/vnd.hxl+csv"
    format = "hxl"

    def encode(self, meta, columns, rows, options) -> bytes:
        lines = csv_lines(
            columns, rows, hxl=True, options=options, before=meta_lines(meta, options)
        )
        return "".join(lines).encode("utf-8")


class FileRenderer(renderers.BaseRenderer):
    """For views that answer a file themselves (a template, an error report): what makes
    `Accept` of that file type (or `application/octet-stream`) acceptable; errors stay
    problem+json."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else orjson.dumps(data)


class XLSXFileRenderer(FileRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"


class CSVFileRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"


class HXLFileRenderer(FileRenderer):
    media_type = "application/vnd.hxl+csv"
    format = "hxl"


class OctetStreamRenderer(FileRenderer):
    media_type = "application/octet-stream"
    format = "bin"


class XLSXRenderer(_TableRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def encode(self, meta, columns, rows, options) -> bytes:
        handle = xlsx_file(columns, rows, "data", options, about=meta)
        with handle:
            return handle.read()
