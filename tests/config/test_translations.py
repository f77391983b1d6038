"""Spanish: the catalogue is complete and compiled, and every place a partner reads speaks
the request's language (Accept-Language, or the user's own choice)."""

import csv
import io
from pathlib import Path

import openpyxl
import polib
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from reporting.activities.spreadsheets import COLUMNS
from tests.reporting.activities.test_bulk import URL as BULK_URL
from tests.reporting.activities.test_bulk import rows
from tests.reporting.activities.test_imports import HEADER, csv_bytes, line

pytestmark = pytest.mark.django_db
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_the_compiled_catalogue_is_current():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in catalogue if not e.msgstr or "fuzzy" in e.flags]
    assert untranslated == []
    with translation.override("es"):  # what the committed .mo answers
        stale = [e.msgid for e in catalogue if translation.gettext(e.msgid) != e.msgstr]
    assert stale == [], "run make messages"


def test_problems_speak_spanish_when_asked(reporter):
    response = reporter.client.get("/api/v1/no-such-thing/", **ES)
    body = response.json()
    assert (response.status_code, body["title"], body["code"]) == (
        404,
        "No encontrado",
        "not_found",
    )
    assert body["detail"] == "No hay ningún recurso en /api/v1/no-such-thing/."
    assert response["Content-Language"] == "es"
    english = reporter.client.get("/api/v1/no-such-thing/")
    assert english.json()["title"] == "Not Found" and english["Content-Language"] == "en"


def test_row_rules_speak_spanish_with_spanish_numbers(reporter):
    body = dict(rows(1)[0], total_beneficiaries=1000, new_beneficiaries=1200,
                population={"in_destination": 1200}, age_sex={"women": 1200})  # fmt: skip
    response = reporter.client.post("/api/v1/activity-reports/", body, format="json", **ES)
    assert response.status_code == 400
    body = response.json()
    assert body["title"] == "Solicitud incorrecta"
    messages = {e["code"]: e["message"] for e in body["errors"]}
    # Numbers grouped as Spanish writes them (Django's es format: a non-breaking space).
    assert messages["new_exceeds_total"] == (
        "Los nuevos beneficiarios (1\xa0200) superan el total (1\xa0000)."
    )


def test_a_user_may_choose_spanish_for_every_request(reporter):
    assert reporter.patch("/api/v1/me/", {"language": "es"}).json()["language"] == "es"
    response = reporter.client.get("/api/v1/activity-reports/999999/")  # no Accept-Language
    assert response.json()["title"] == "No encontrado"
    assert response["Content-Language"] == "es"
    # DRF's and Django's own messages too, from their catalogues.
    bad = reporter.client.get("/api/v1/activity-reports/?rmrp=maybe")
    assert bad.status_code == 400 and bad.json()["errors"][0]["message"].startswith("Escriba ")
    assert reporter.patch("/api/v1/me/", {"language": "xx"}).status_code == 400


SPANISH_HEADER = [
    "País", "Admin1", "Admin2", "Organización principal",
    "Configuración de implementación (sí/no)", "Socio implementador", "Mes",
    "Sector / subsector", "Indicador", "Nombre de la actividad", "Descripción de la actividad",
    "Actividad RMRP (sí/no)", "Situación COVID-19 (sí/no)", "CVA (sí/no)", "Valor en USD",
    "Mecanismo de entrega", "Cantidad de producto", "Beneficiarios totales",
    "Nuevos beneficiarios", "Refugiados y migrantes en destino", "En tránsito",
    "Comunidades de acogida", "Pendulares", "Colombianos retornados", "Niñas (<18)",
    "Niños (<18)", "Mujeres (>=18)", "Hombres (>=18)", "Otros (<18)", "Otros (>=18)",
]  # fmt: skip


def test_the_regional_spanish_template_uploads_and_its_errors_come_back_in_spanish(reporter):
    good, bad = line(0), line(1, **{"New beneficiaries of the month": "1.200"})
    content = csv_bytes([good, bad], header=SPANISH_HEADER, delimiter=";", encoding="cp1252")
    response = upload_es(reporter, content)
    assert response.status_code == 422, response.content
    (error,) = [e for e in response.json()["errors"] if e["code"] == "thousands_separator"]
    assert error["column"] == "Nuevos beneficiarios"
    assert error["message"] == (
        "'1.200' tiene separador de miles; escriba el número de personas sin él: 1200."
    )
    report = reporter.client.get(
        f"/api/v1/imports/{response.json()['import_id']}/error-report.csv/", **ES
    )
    table = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:2] == ["Fila", "País"] and table[0][-1].startswith("Error")
    assert any(c.startswith("Nuevos beneficiarios: ") for c in table[2])
    fixed = content.replace(b";1.200;", b";20;")
    assert upload_es(reporter, fixed).status_code == 201


def upload_es(api, content: bytes, name="5w.csv"):
    file = SimpleUploadedFile(name, content)
    return api.client.post("/api/v1/imports/", {"file": file}, format="multipart", **ES)


def test_the_template_in_spanish(reporter):
    response = reporter.client.get("/api/v1/imports/template/", **ES)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in workbook["5W"][1]]
    assert headers[:3] == ["ID externo", "País", "Admin1"]
    assert "Nombre de la actividad" in headers and "Beneficiarios totales" in headers
    guide = [r[0] for r in workbook["Instrucciones"].iter_rows(values_only=True)]
    assert guide[0] == "Cómo llenar esta hoja 5W"
    lists = {ws.title: ws for ws in workbook.worksheets}["Lists"]
    columns = {c[0].value: [x.value for x in c[1:] if x.value] for c in lists.iter_cols()}
    assert columns["yes_no"] == ["sí", "no"]
    assert "Tarjeta prepagada" in columns["delivery_mechanism"]
    # And the Spanish template, filled in (the row of test_imports, by column), uploads.
    english = dict(zip(HEADER, line(0), strict=True))
    spanish = {c.label_es: english.get(c.label) for c in COLUMNS}
    workbook["5W"].append([spanish[h] for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    assert upload_es(reporter, out.getvalue(), name="5w.xlsx").status_code == 201


def test_csv_for_excel_in_spanish(reporter):
    reporter.post(BULK_URL, rows(2))
    url = "/api/v1/activity-reports/?format=csv"
    spanish = reporter.client.get(url, **ES)
    text = b"".join(spanish.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffid;external_id;month;")  # BOM, semicolons
    first = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert (first["rmrp"], first["cva"]) == ("sí", "no")
    comma = b"".join(reporter.client.get(url + "&sep=comma", **ES).streaming_content).decode()
    assert comma.startswith("\ufeffid,external_id,")
    labels = b"".join(reporter.client.get(url + "&headers=labels", **ES).streaming_content)
    header = labels.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:3] == ["ID", "ID externo", "Mes"] and "Nombre de la actividad" in header
    english = b"".join(reporter.client.get(url + "&headers=labels").streaming_content).decode()
    assert english.lstrip("\ufeff").startswith("ID,External ID,Month,")
    bad = reporter.client.get(url + "&sep=pipe")
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (400, "sep")


def test_cells_are_quoted_and_formulas_neutralised_after_any_separator(reporter):
    name = 'Taller; =HYPERLINK("http://x") "uno", dos'
    reporter.post(BULK_URL, [dict(rows(1)[0], activity_name=name)])
    text = b"".join(
        reporter.client.get("/api/v1/activity-reports/?format=csv").streaming_content
    ).decode("utf-8-sig")
    assert '"Taller; \'=HYPERLINK(""http://x"") ""uno"", dos"' in text
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["activity_name"] == 'Taller; \'=HYPERLINK("http://x") "uno", dos'


def test_unknown_references_read_well_in_spanish_whatever_their_gender(reporter):
    """ "ubicación desconocido" was a slip: the message no longer puts an adjective after
    the kind, so it agrees with "ubicación" and "indicador" alike."""
    response = reporter.client.post(
        "/api/v1/activity-reports/",
        {"month": "2021-03", "admin1": "Limaa", "indicator": "PRT-99", "activity_name": "A",
         "rmrp": True, "cva": False},
        content_type="application/json", **ES,
    )  # fmt: skip
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages["admin1"].startswith("No se conoce 'Limaa' como ubicación")
    assert messages["indicator"].startswith("No se conoce 'PRT-99' como indicador")
    assert "desconocid" not in " ".join(messages.values())
