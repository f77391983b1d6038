"""Every list and figure as JSON, CSV, XLSX or HXL-tagged CSV (`?format=` or `Accept`).

Lists stream: rows are read with a server-side cursor and written as they come, so memory
does not grow with the rows. No cell can run as a spreadsheet formula: text starting with
`=`, `+`, `-` or `@` is prefixed with `'`.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

import orjson
from django.http import FileResponse, StreamingHttpResponse
from rest_framework import renderers, serializers

from config.api.filters import assert_known_parameters
from config.api.pagination import keyset_ordering
from config.db.routing import read_alias


def csv_text(value) -> str:
    """A cell for CSV: spreadsheet programs must not run it as a formula; booleans read as
    people write them (yes/no)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = value.isoformat() if isinstance(value, datetime | date) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def xlsx_text(value):
    """A value for an XLSX cell: never a formula, no control characters XML cannot hold;
    booleans as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value[:1] in ("=", "+", "-", "@"):
            return "'" + value  # stored as text, never evaluated
    return value


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_000_000  # Excel shows 1,048,576 rows
EXPORT_FORMATS = ("csv", "hxl", "xlsx")

# The HXL hashtag of each column name; domains add theirs (register_hxl_tags).
HXL_TAGS: dict[str, str] = {
    "id": "#meta +id",
    "external_id": "#meta +external_id",
    "partner": "#org",
    "implementing_partner": "#org +impl",
    "sector": "#sector",
    "admin1": "#adm1 +code",
    "admin2": "#adm2 +code",
    "country": "#country +code",
    "month": "#date +month",
    "age_sex.girls": "#reached +f +children",
    "age_sex.boys": "#reached +m +children",
    "age_sex.women": "#reached +f +adults",
    "age_sex.men": "#reached +m +adults",
    "people_reached": "#reached +total",
    "total": "#reached +total",
    "rmrp": "#reached +rmrp",
    "no_rmrp": "#reached +no_rmrp",
    "indicator": "#indicator +code",
    "indicator_name": "#indicator +name",
    "code": "#meta +code",
    "name": "#meta +name",
    "pcode": "#adm +code",
    "border_point": "#loc +border +code",
    "date_from": "#date +start",
    "date_to": "#date +end",
    "people": "#affected +crossing +num",
    "created_at": "#date +created",
    "updated_at": "#date +updated",
}


def register_hxl_tags(tags: dict[str, str]) -> None:
    """Hashtags for a domain's columns; a name already tagged keeps its tag."""
    for key, tag in tags.items():
        HXL_TAGS.setdefault(key, tag)


def flatten(row: dict, prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted columns; a list of plain values one cell ("a; b")."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list | tuple):
            out[name] = "; ".join(csv_text(v) for v in value)
        else:
            out[name] = value
    return out


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


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(columns: list[str], rows: Iterable[dict], *, hxl: bool) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns)  # BOM: Excel then reads UTF-8 correctly
    if hxl:
        yield writer.writerow([HXL_TAGS.get(c, "") for c in columns])
    for row in rows:
        yield writer.writerow([csv_text(row.get(c)) for c in columns])


def xlsx_file(columns: list[str], rows: Iterable[dict], title: str):
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(columns)
    for row in rows:
        sheet.append([xlsx_text(row.get(c)) for c in columns])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (handed to FileResponse, which closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle


def export_response(fmt: str, columns: list[str], rows: Iterable[dict], name: str):
    if fmt == "xlsx":
        return FileResponse(
            xlsx_file(columns, rows, name),
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type=XLSX_MEDIA_TYPE,
        )
    response = StreamingHttpResponse(
        csv_lines(columns, rows, hxl=fmt == "hxl"), content_type="text/csv; charset=utf-8"
    )
    suffix = "-hxl" if fmt == "hxl" else ""
    response["Content-Disposition"] = f'attachment; filename="{name}{suffix}.csv"'
    return response


class ExportListMixin:
    """`?format=csv|hxl|xlsx` on a list exports every matching row (no pagination)."""

    def list(self, request, *args, **kwargs):
        fmt = getattr(request.accepted_renderer, "format", "json")
        if fmt not in EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)
        queryset = self.export_queryset(request)
        if fmt == "xlsx" and queryset.count() > XLSX_MAX_ROWS:
            from config.api.exceptions import RequestTooLarge  # not at import: settings load this

            raise RequestTooLarge(
                f"More than {XLSX_MAX_ROWS:,} rows do not fit in Excel; export CSV instead.",
                code="too_many_rows_for_xlsx",
            )
        serializer = self.get_serializer()
        columns = serializer_columns(serializer)
        rows = (
            flatten(serializer.to_representation(obj)) for obj in queryset.iterator(chunk_size=2000)
        )
        return export_response(fmt, columns, rows, self.export_name())

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
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            return orjson.dumps(data)  # problem+json stays JSON whatever was asked
        columns, rows = self.table(data)
        return self.encode(columns, rows)

    @staticmethod
    def table(data) -> tuple[list[str], list[dict]]:
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            meta = flatten({k: v for k, v in data.items() if k not in PAGE_KEYS})
            rows = [meta | part for r in data["results"] for part in table_rows(r)]
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
        return list(columns), rows


class CSVRenderer(_TableRenderer):
    media_type = "text/csv"
    format = "csv"

    def encode(self, columns, rows) -> bytes:
        return "".join(csv_lines(columns, rows, hxl=False)).encode("utf-8")


class HXLRenderer(_TableRenderer):
    """CSV with a second header row of HXL hashtags (#org, #adm1 +code, #date +month...)."""

    media_type = "application/vnd.hxl+csv"
    format = "hxl"

    def encode(self, columns, rows) -> bytes:
        return "".join(csv_lines(columns, rows, hxl=True)).encode("utf-8")


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


class OctetStreamRenderer(FileRenderer):
    media_type = "application/octet-stream"
    format = "bin"


class XLSXRenderer(_TableRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def encode(self, columns, rows) -> bytes:
        handle = xlsx_file(columns, rows, "data")
        with handle:
            return handle.read()
