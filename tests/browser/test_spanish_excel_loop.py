"""A Spanish-speaking partner closes the Excel loop alone, in a browser of Peru (es-PE):
template -> 20 rows written as Excel users write them, 8 of them with mistakes -> every
problem in one pass -> the error report fixed -> uploaded, confirmed -> exported and
uploaded back unchanged. Screenshots of each step are kept (BROWSER_SCREENSHOTS in CI)."""

import csv
import io
import re
from datetime import date

import openpyxl
import pytest
from selenium.webdriver.common.by import By

from reporting.activities.models import ActivityReport, Import
from tests.browser.conftest import click_and_wait, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PE = {"HTTP_ACCEPT_LANGUAGE": "es-PE"}

# Row (from 0) -> what Excel holds there by mistake, and the problems it makes.
MISTAKES = {
    2: ({"Admin2": "PE1501"}, {"admin2"}),
    4: ({"Nuevos beneficiarios": "1.200"}, {"new_beneficiaries"}),
    6: ({"Indicador": "PRT-99", "País": "Colombia"}, {"indicator", "country"}),
    8: ({"Mes": "03/04/2021"}, {"month"}),
    10: ({"CVA (sí/no)": "sí", "Mecanismo de entrega": "Cupón"}, {"cva_value_usd"}),
    12: ({"Mujeres (>=18)": "19"}, {"age_sex"}),
    14: ({"Organización principal": "ACNURR"}, {"partner"}),
    16: ({"Beneficiarios totales": "5"}, {"new_beneficiaries"}),
}
MONTHS = ["abr-21", "01/04/2021", "Abril 2021", "2021-04"]


def spanish_rows(header: list[str]) -> list[list]:
    rows = []
    for n in range(20):
        values = {
            "País": "Perú", "Admin1": "PE24 Tumbes", "Admin2": "PE2401",
            "Organización principal": "ACNUR", "Configuración de implementación (sí/no)": "no",
            "Mes": MONTHS[n % 4], "Indicador": "PRT-01",
            "Nombre de la actividad": f"=Espacios amigables {n}", "Actividad RMRP (sí/no)": "sí",
            "CVA (sí/no)": "no", "Beneficiarios totales": "30", "Nuevos beneficiarios": "20",
            "En destino": "20", "Mujeres (>=18)": "20",
        }  # fmt: skip
        values.update(MISTAKES.get(n, ({}, None))[0])
        rows.append([values.get(h, "") for h in header])
    return rows


def semicolon_csv(rows: list[list], encoding: str = "cp1252") -> bytes:
    """As Excel saves "CSV (delimitado por punto y coma)" in Spanish Windows."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def upload_in_browser(browser, path) -> Import:
    browser.get(browser.url("/console/imports/"))
    browser.find_element(By.ID, "id_file").send_keys(str(path))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    pk = int(re.search(r"/console/imports/(\d+)/", browser.current_url).group(1))
    return Import.objects.get(pk=pk)


def test_the_whole_excel_loop_in_spanish(browser_es, reporter, tmp_path, screenshot):
    sign_in(browser_es, reporter.user)
    browser_es.get(browser_es.url("/console/reports/"))
    assert browser_es.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
    template_link = browser_es.find_element(By.PARTIAL_LINK_TEXT, "plantilla 5W")
    assert template_link.get_attribute("href").endswith("/api/v1/imports/template/")
    template = reporter.client.get("/api/v1/imports/template/", **PE)  # what the link gives
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    hashtags = [c.value for c in sheet[2]]
    filled = tmp_path / "5W abril.csv"
    filled.write_bytes(semicolon_csv([header, hashtags, *spanish_rows(header)]))

    # One pass: every mistake of every row, in Spanish, on the grid of bad cells.
    record = upload_in_browser(browser_es, filled)
    screenshot(browser_es, "1-errores-en-una-pasada")
    assert record.status == Import.Status.REJECTED
    found: dict[int, set] = {}
    for error in record.errors:
        found.setdefault(error["row"], set()).add(error["field"])
    assert found == {3 + n: fields for n, (_, fields) in MISTAKES.items()}  # rows under 2
    assert len(browser_es.find_elements(By.CSS_SELECTOR, "#errors td.bad")) >= len(MISTAKES)
    assert "separador de miles" in browser_es.page_source

    # The error report, fixed in "Excel", uploads back as it is.
    report = reporter.client.get(f"/api/v1/imports/{record.pk}/error-report.csv/", **PE)
    table = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig")), delimiter=";"))
    assert table[1][0].startswith("#")  # its hashtag row stays one
    column = {name: i for i, name in enumerate(table[0])}
    good = spanish_rows(header)[0]
    for n, (changes, _) in MISTAKES.items():
        for name in changes:
            table[2 + n][column[name]] = good[header.index(name)]
    fixed = tmp_path / "errores corregidos.csv"
    fixed.write_bytes(semicolon_csv(table))
    record = upload_in_browser(browser_es, fixed)
    screenshot(browser_es, "2-prueba-sin-errores")
    assert (record.status, record.dry_run, record.created) == (Import.Status.VALIDATED, True, 20)
    assert not ActivityReport.objects.exists()
    click_and_wait(
        browser_es, browser_es.find_element(By.XPATH, "//button[contains(., 'Confirm')]")
    )
    screenshot(browser_es, "3-guardado")
    assert ActivityReport.objects.count() == 20
    assert set(ActivityReport.objects.values_list("month", flat=True)) == {date(2021, 4, 1)}
    assert ActivityReport.objects.filter(activity_name__startswith="=Espacios").count() == 20

    # Exported and uploaded back unchanged: nothing to write.
    export = reporter.client.get("/api/v1/activity-reports/export/", {"format": "csv"}, **PE)
    again = tmp_path / "exportado.csv"
    again.write_bytes(b"".join(export.streaming_content))
    record = upload_in_browser(browser_es, again)
    screenshot(browser_es, "4-exportado-sin-cambios")
    assert (record.status, record.created, record.updated, record.unchanged) == (
        Import.Status.VALIDATED, 0, 0, 20,
    )  # fmt: skip
