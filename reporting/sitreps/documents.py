"""The situation report as files: one A4 page as HTML (to edit), PDF (WeasyPrint, with its
fonts bundled and nothing fetched from elsewhere) and DOCX (python-docx, for Word), with
its charts drawn from their Vega-Lite specs (config.api.vega); and its figures as XLSX.
Coordinators' text is text everywhere: escaped in HTML and SVG, plain runs in DOCX."""

import io
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from config.api.vega import png, svg
from config.l10n import month_name, number

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


DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_docx(report: dict[str, Any]) -> bytes:
    """The report as a Word document to edit: the same sections, key figures as a table,
    the charts as pictures (PNG, drawn from their specs), "Provisional" in the header of
    every page while the month is open. Text goes in as runs of text, never markup."""
    import docx
    from docx.shared import Cm, Pt, RGBColor

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "DejaVu Sans", Pt(9)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    footer = f"R4V · {report['scope_name']} · {month_name(report['month'])}"
    section.footer.paragraphs[0].text = footer
    if report.get("provisional"):
        warning = _("Provisional: the month is still open and its figures may change.")
        header = section.header.paragraphs[0].add_run(warning)
        header.bold, header.font.color.rgb = True, RGBColor(0xA4, 0, 0)
    document.add_heading(f"{report['scope_name']} · {_('Situation report')}", level=0)
    document.add_paragraph(month_name(report["month"]))
    _docx_key_figures(document, report)
    _docx_text(document, _("Situation"), report["narratives"].get("situation"))
    _docx_charts(document, report)
    _docx_response(document, report)
    document.add_paragraph(_(
        "Source: partners' 5W reports in the R4V reporting service; border flows from "
        "partners' observations; key figures as cited."
    ))  # fmt: skip
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_key_figures(document, report: dict) -> None:
    figures = [f for f in report["key_figures"] if f["value"] is not None]
    if not figures:
        return
    table = document.add_table(rows=0, cols=2)
    for f in figures:
        unit = {"%": " %", "USD": "\u00a0USD"}.get(f["unit"], "")
        of = f" / {number(f['of'])}" if f.get("of") else ""
        cells = table.add_row().cells
        cells[0].text, cells[1].text = f"{number(f['value'])}{unit}{of}", f["label"]


def _docx_charts(document, report: dict) -> None:
    """The charts as pictures drawn from their specs, the busiest day, the entries."""
    from docx.shared import Cm

    for name in ("people_by_sector", "map", "border_crossings"):
        spec = report.get("charts", {}).get(name)
        if spec:
            document.add_picture(io.BytesIO(png(spec)), width=Cm(15 if name != "map" else 6))
    busiest = report["border"].get("busiest_day")
    if busiest:
        document.add_paragraph(
            _("Busiest day: %(people)s people at %(point)s on %(day)s.")
            % {"people": number(busiest["people"]), "point": busiest["border_point_name"],
               "day": busiest["day"]}
        )  # fmt: skip
    if report["entries"]:
        document.add_heading(_("Key figures"), level=1)
        for e in report["entries"]:
            line = document.add_paragraph(style="List Bullet")
            line.add_run(number(e["value"])).bold = True
            line.add_run(f" {e['label']} ({e['source']}, {e['as_of']})")


def _docx_response(document, report: dict) -> None:
    """The response narrative and each sector's numbers."""
    document.add_heading(_("Response"), level=1)
    _docx_text(document, None, report["narratives"].get("response"))
    for s in report["sections"]:
        line = document.add_paragraph()
        line.add_run(s["sector_name"]).bold = True
        parts = [
            f"{i['name']}: " + (number(i["people"]) if i["people"]
                                else f"{number(i['quantity'])} {i['unit']}")
            for i in s["indicators"] if i["people"] or i["quantity"]
        ]  # fmt: skip
        if s.get("cash"):
            parts.append(f"{_('Cash')}: {number(s['cash']['usd'])}\u00a0USD")
        line.add_run("".join(f" · {p}" for p in parts))


def _docx_text(document, heading: str | None, text: str | None) -> None:
    if not text:
        return
    if heading:
        document.add_heading(heading, level=1)
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph)
