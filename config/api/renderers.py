import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

_fallback = JSONEncoder().default  # Decimal, lazy strings, querysets... as DRF encodes them


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer on orjson: the same output, several times faster to encode."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=_fallback, option=orjson.OPT_NON_STR_KEYS)


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """The browsable API for pages that succeed; an error is problem+json (its body and its
    Content-Type agree), whether a browser or `?format=api` asked."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            return JSONRenderer().render(data)
        return super().render(data, accepted_media_type, renderer_context)
