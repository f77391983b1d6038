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
