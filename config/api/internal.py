"""Pages and reports that read through the API itself (the console, the situation report):
a page's figure is the API's answer to the same query, for the same user (session), through
the same view, permissions, partner scoping, validation and cache. So a chart and its table
show exactly what the API (and the download link next to them) gives."""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict
from django.urls import resolve, reverse


def api_get(
    request: HttpRequest, url_name: str, params: dict[str, Any], kwargs: dict | None = None
) -> tuple[int, Any]:
    """(status, data) of GET `url_name` (with its path `kwargs`) and `params` (empty values
    left out), as the signed-in user of `request`."""
    path = reverse(url_name, kwargs=kwargs)
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    sub = HttpRequest()
    sub.method, sub.path, sub.path_info = "GET", path, path
    sub.GET = QueryDict(query)
    sub.META = {**request.META, "QUERY_STRING": query, "HTTP_ACCEPT": "application/json"}
    sub.user, sub.session = request.user, request.session
    sub.LANGUAGE_CODE = getattr(request, "LANGUAGE_CODE", None)
    match = resolve(path)
    response = match.func(sub, *match.args, **match.kwargs)
    return response.status_code, getattr(response, "data", None)


def download_url(url_name: str, params: dict[str, Any], file_format: str) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{reverse(url_name)}?{urlencode({**query, 'format': file_format})}"
