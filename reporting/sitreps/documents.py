"""The situation report as files: one A4 page as HTML (to edit), PDF (WeasyPrint, with its
fonts bundled and nothing fetched from elsewhere) and DOCX (python-docx, for Word), with
its charts drawn from their Vega-Lite specs (config.api.vega); and its figures as XLSX.
Coordinators' text is text everywhere: escaped in HTML and SVG, plain runs in DOCX."""

import io
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from config.api.vega import svg

FONTS = Path(__file__).parent / "fonts"


# The report's charts at the width of their column on an A4 page (the same specs, smaller).
PAGE_WIDTHS = {"people_by_sector": 190, "border_crossings": 260}


def report_html(report: dict[str, Any]) -> str:
    charts = {
        name: svg({**spec, "width": PAGE_WIDTHS[name]} if name in PAGE_WIDTHS else spec)
        for name, spec in report.get("charts", {}).items()
    }
    return render_to_string("sitreps/report.html", {"report": report, "charts": charts})


def _bundled_fonts_only():
    """WeasyPrint's fetcher for the bundled fonts alone: any other address fails, so a
    report never fetches anything from elsewhere."""
    from weasyprint.urls import URLFetcher

    class BundledFontsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(FONTS.as_uri() + "/"):
                raise ValueError(f"not fetched: {url}")
            return super().fetch(url, headers)

    return BundledFontsOnly(allowed_protocols=("file",))


def report_pdf(report: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # loads Pango: only when a PDF is asked for

    html = HTML(
        string=report_html(report),
        base_url=FONTS.as_uri() + "/",
        url_fetcher=_bundled_fonts_only(),
    )
    return html.write_pdf()


def report_xlsx(report: dict[str, Any]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Key figures"
    sheet.append(["key", "label", "value", "unit", "of", "query"])
    for f in report["key_figures"]:
        sheet.append([f["key"], f["label"], f["value"], f["unit"], f.get("of"), f["query"]])
    for e in report["entries"]:
        sheet.append(["entry", e["label"], e["value"], e["unit"], None, e["query"]])
    indicators = workbook.create_sheet("Sectors")
    indicators.append(["sector", "sector_name", "indicator", "name", "people", "quantity",
                       "unit", "query"])  # fmt: skip
    for s in report["sections"]:
        for i in s["indicators"]:
            indicators.append([s["sector"], s["sector_name"], i["indicator"], i["name"],
                               i["people"], i["quantity"], i["unit"], i["query"]])  # fmt: skip
    border = workbook.create_sheet("Border")
    border.append(["border_point", "direction", "people", "previous_month", "change_pct"])
    for p in report["border"]["points"]:
        border.append([p["border_point"], p["direction"], p["people"], p["previous_month"],
                       p["change"]])  # fmt: skip
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
