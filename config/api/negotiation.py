from django.utils.translation import gettext as _
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """An unknown `?format=` is 406 Not Acceptable (documented), not DRF's bare 404."""

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            offered = ", ".join(sorted({r.format for r in renderers if r.format != "api"}))
            raise NotAcceptable(
                _("Unknown format %(format)s; use one of: %(offered)s.")
                % {"format": repr(format), "offered": offered}
            )
        return matching
