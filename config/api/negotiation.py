from django.utils.translation import gettext as _
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """An unknown `?format=` is 406 Not Acceptable (documented), not DRF's bare 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        """The renderer; for a table (CSV, HXL, XLSX) also its `sep` and `headers`, whose
        wrong values are a 400 here rather than an error while writing the answer."""
        renderer, media_type = super().select_renderer(request, renderers, format_suffix)
        if getattr(renderer, "format", None) in ("csv", "hxl", "xlsx"):
            from config.api.exports import table_options

            table_options(request)
        return renderer, media_type

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            offered = ", ".join(sorted({r.format for r in renderers if r.format != "api"}))
            raise NotAcceptable(
                _("Unknown format %(format)s; use one of: %(offered)s.")
                % {"format": repr(format), "offered": offered}
            )
        return matching
