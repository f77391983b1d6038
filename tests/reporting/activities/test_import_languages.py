"""A stored import's problems speak the language of whoever reads them, not only the
uploader's: a partner uploads in Spanish, her coordinator reads the same import in
English (and the other way round), in the API, the error reports and the console."""

import csv
import io

import pytest

from reporting.activities.models import Import
from tests.reporting.activities.test_imports import URL, csv_bytes, line
from tests.servers import run_worker_until_idle

pytestmark = pytest.mark.django_db
ES = {"HTTP_ACCEPT_LANGUAGE": "es-PE"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
BAD = [line(0), line(1, **{"New beneficiaries of the month": "200"}), line(2, Indicator="NOPE")]


def _upload(api, headers, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("5w.csv", csv_bytes(BAD))
    return api.client.post(URL, {"file": file, **fields}, format="multipart", **headers)


def _messages(api, import_id, headers) -> dict:
    body = api.client.get(f"{URL}{import_id}/", **headers).json()
    return {(e["row"], e["code"]): e["message"] for e in body["errors"]}


def test_uploaded_in_spanish_read_in_english(reporter, coordinator):
    rejected = _upload(reporter, ES)
    assert rejected.status_code == 422
    spanish = {(e["row"], e["code"]): e["message"] for e in rejected.json()["errors"]}
    import_id = rejected.json()["import_id"]
    english = _messages(coordinator, import_id, EN)
    assert english.keys() == spanish.keys()
    assert (
        "NOPE" in english[(4, "does_not_exist")] and "indicator" in english[(4, "does_not_exist")]
    )
    assert "indicador" in spanish[(4, "does_not_exist")]
    assert english[(3, "new_exceeds_total")] != spanish[(3, "new_exceeds_total")]
    # the uploader reading it again in Spanish sees what the upload answered
    assert _messages(reporter, import_id, ES) == spanish
    # the error report, downloaded in English
    report = coordinator.client.get(f"{URL}{import_id}/error-report.csv/", **EN)
    table = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    cells = " ".join(table[3])
    assert "indicator" in cells and "indicador" not in cells


def test_a_job_stores_its_problems_in_every_language(reporter, committed_data):
    """The worker (another process, with no request and so no reader) keeps both."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("5w.csv", csv_bytes(BAD))
    queued = reporter.client.post(f"{URL}?async=true", {"file": file}, format="multipart", **EN)
    assert queued.status_code == 202, queued.content
    run_worker_until_idle()
    import_id = queued.json()["id"]
    assert Import.objects.get(pk=import_id).status == "rejected"
    english, spanish = _messages(reporter, import_id, EN), _messages(reporter, import_id, ES)
    assert english.keys() == spanish.keys() and len(english) >= 2
    assert all(english[k] != spanish[k] for k in english)
    assert "indicador" in spanish[(4, "does_not_exist")]
