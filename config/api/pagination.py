import base64
import binascii
import json

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from config.api.filters import assert_known_parameters


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M`; `page_size` is capped at API_MAX_PAGE_SIZE."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        assert_known_parameters(request, view)
        # An unordered queryset pages differently on every request: refuse it outright.
        if hasattr(queryset, "ordered") and not queryset.ordered:
            raise RuntimeError(f"{view.__class__.__name__} paginates an unordered queryset")
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise ValidationError(
                {self.page_query_param: [ErrorDetail(_("No such page."), code="invalid_page")]}
            ) from None

    def get_paginated_response(self, data):
        page = self.page
        return Response(
            {
                "count": page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "next_page": page.next_page_number() if page.has_next() else None,
                "previous_page": page.previous_page_number() if page.has_previous() else None,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        out = super().get_paginated_response_schema(schema)
        number = {"type": "integer", "nullable": True}
        out["properties"]["next_page"] = {
            **number, "description": "Pass as `page` for the next page; null on the last."
        }  # fmt: skip
        out["properties"]["previous_page"] = {
            **number, "description": "Pass as `page` for the previous page; null on the first."
        }  # fmt: skip
        out["required"] = ["count", "results"]
        return out

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    f"Results per page (default {self.page_size}, at most {self.max_page_size})."
                )
        return parameters


ORDERING_PARAM = "ordering"


def keyset_ordering(request, view) -> tuple[str, bool]:
    """(model path, descending) of `?ordering=` among the view's `keyset_orderings`; 400
    naming the choices for any other. Lists, their exports and their pages agree."""
    raw = request.query_params.get(ORDERING_PARAM, view.keyset_default_ordering)
    name = raw.strip().removeprefix("-")
    if name not in view.keyset_orderings:
        choices = ", ".join(sorted(view.keyset_orderings))
        raise ValidationError(
            {
                ORDERING_PARAM: [
                    ErrorDetail(
                        _("Order by one of: %(choices)s.") % {"choices": choices},
                        code="invalid_choice",
                    )
                ]
            }
        )
    return view.keyset_orderings[name], raw.strip().startswith("-")


class KeysetPagination(pagination.BasePagination):
    """Cursor (keyset) pagination: the last page of a million rows is as fast as the first.

    The view declares `keyset_orderings` (public name -> model path) and
    `keyset_default_ordering`; rows are ordered by that field, then by id, and the opaque
    `cursor` carries the position (field value and id) of the page edge.
    """

    cursor_query_param = "cursor"
    ordering_query_param = ORDERING_PARAM
    page_size_query_param = "page_size"
    page_size = settings.REST_FRAMEWORK["PAGE_SIZE"]
    max_page_size = settings.API_MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        assert_known_parameters(request, view)
        self.request = request
        self.page_size = self._page_size(request)
        self.field, descending = keyset_ordering(request, view)
        cursor = self._decode_cursor(request)
        reverse = bool(cursor and cursor["r"])
        desc = descending != reverse
        queryset = queryset.order_by(
            f"-{self.field}" if desc else self.field, "-pk" if desc else "pk"
        )
        if cursor:
            op = "lt" if desc else "gt"
            try:
                queryset = queryset.filter(
                    Q(**{f"{self.field}__{op}": cursor["v"]})
                    | Q(**{self.field: cursor["v"], f"pk__{op}": cursor["pk"]})
                )
            except (DjangoValidationError, ValueError, TypeError):
                raise self._invalid_cursor() from None
        rows = list(queryset[: self.page_size + 1])
        has_more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if reverse:
            rows.reverse()
            self.has_next, self.has_previous = True, has_more
        else:
            self.has_next, self.has_previous = has_more, cursor is not None
        self.rows = rows
        return rows

    def get_paginated_response(self, data):
        next_cursor, previous_cursor = self._cursor(-1, False), self._cursor(0, True)
        return Response(
            {
                "next": self._url(next_cursor),
                "previous": self._url(previous_cursor),
                "next_cursor": next_cursor,
                "previous_cursor": previous_cursor,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {**link, "description": "The next page; null on the last."},
                "previous": {**link, "description": "The previous page; null on the first."},
                "next_cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": "Pass as `cursor` (with the same filters and ordering) for "
                    "the next page; null on the last.",
                },
                "previous_cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": "Pass as `cursor` for the previous page; null on the first.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        names = sorted(view.keyset_orderings)
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Opaque position: a list answer's `next_cursor` or "
                "`previous_cursor`.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": f"Results per page (default {self.page_size}, "
                f"at most {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
            {
                "name": self.ordering_query_param,
                "in": "query",
                "required": False,
                "description": "Sort field, `-` for descending; ties are broken by id. "
                f"Default `{view.keyset_default_ordering}`.",
                "schema": {"type": "string", "enum": names + [f"-{n}" for n in names]},
            },
        ]

    # --- helpers -------------------------------------------------------------------------
    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        ErrorDetail(
                            _("Enter 1 to %(max)s.") % {"max": self.max_page_size}, code="invalid"
                        )
                    ]
                }
            )
        return size

    def _invalid_cursor(self) -> ValidationError:
        return ValidationError(
            {self.cursor_query_param: [ErrorDetail(_("Invalid cursor."), code="invalid_cursor")]}
        )

    def _decode_cursor(self, request) -> dict | None:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None
        try:
            cursor = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"==="))
        except (ValueError, UnicodeError, binascii.Error):
            raise self._invalid_cursor() from None
        if (
            not isinstance(cursor, dict)
            or not isinstance(cursor.get("v"), str | int)
            or type(cursor.get("pk")) is not int
            or cursor.get("f") != self.field
        ):
            raise self._invalid_cursor()
        return cursor

    def _cursor(self, index: int, reverse: bool) -> str | None:
        if not self.rows or not (self.has_previous if reverse else self.has_next):
            return None
        row = self.rows[index]
        value = row
        for part in self.field.split("__"):
            value = getattr(value, part)
        if not isinstance(value, int | str):
            value = value.isoformat()
        payload = json.dumps({"f": self.field, "v": value, "pk": row.pk, "r": reverse})
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    def _url(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)
