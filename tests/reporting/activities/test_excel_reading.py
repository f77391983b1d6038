"""A partner writes its 5W as Excel writes it, in Spanish or English: months, countries,
codes with their names. Every problem of a row comes back in one pass."""

import io
from datetime import date, datetime

import openpyxl
import pytest

from reporting.activities.cells import spreadsheet_month
from reporting.activities.models import ActivityReport
from tests.reporting.activities.test_imports import HEADER, csv_bytes, line, upload

pytestmark = pytest.mark.django_db


# Worked by hand: each cell, and the month it holds (None: not a month, or two).
MONTHS = [
    ("2021-04", "2021-04"), ("2021-4", "2021-04"), ("2021-04-01", "2021-04"),
    ("2021-04-01 00:00:00", "2021-04"), ("04/2021", "2021-04"), ("4-2021", "2021-04"),
    ("abr-21", "2021-04"), ("Abr-2021", "2021-04"), ("abr. 2021", "2021-04"),
    ("abril de 2021", "2021-04"), ("Abril 2021", "2021-04"), ("set-21", "2021-09"),
    ("sept-21", "2021-09"), ("setiembre 2021", "2021-09"), ("Apr-21", "2021-04"),
    ("April 2021", "2021-04"), ("ene-22", "2022-01"), ("dic-21", "2021-12"),
    ("01/04/2021", "2021-04"),  # Spanish Excel: day first
    ("4/1/2021", "2021-04"),  # English Excel: month first
    ("1/1/2021", "2021-01"), ("01/12/21", "2021-12"), ("12/1/21", "2021-12"),
    ("03/04/2021", None),  # the 3rd of April or the 4th of March: refused, not guessed
    ("13/2021", None), ("abrl-21", None), ("2021", None), ("", None),
    (date(2021, 4, 1), "2021-04"), (datetime(2021, 4, 15, 10, 0), "2021-04"),
]  # fmt: skip


@pytest.mark.parametrize(("cell", "month"), MONTHS, ids=[str(c) for c, _ in MONTHS])
def test_months_as_excel_writes_them(cell, month):
    assert spreadsheet_month(cell) == month


def test_an_xlsx_with_real_date_cells_and_spanish_months(reporter):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    months = [datetime(2021, 4, 1), "abr-21", "01/04/2021"]
    for n, month in enumerate(months):
        sheet.append(line(n, Month=month, Country="Perú"))
    out = io.BytesIO()
    workbook.save(out)
    response = upload(reporter, out.getvalue(), name="5w.xlsx")
    assert response.status_code == 201, response.content
    assert set(ActivityReport.objects.values_list("month", flat=True)) == {date(2021, 4, 1)}


def test_an_ambiguous_or_unreadable_month_says_what_to_write(reporter):
    response = upload(reporter, csv_bytes([line(0, Month="03/04/2021")]))
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("month", "invalid")
    assert "2021-03" in error["message"]  # the form to write


def test_every_problem_of_a_row_in_one_pass(reporter):
    """An unknown indicator does not hide the row's country or its admin2 outside its
    admin1: all three come back the first time."""
    row = line(0, Indicator="PRT-99", Country="Colombia", Admin2="PE1501")
    response = upload(reporter, csv_bytes([row]))
    assert response.status_code == 422
    found = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert found == {
        ("indicator", "does_not_exist"),
        ("country", "country_mismatch"),
        ("admin2", "admin2_not_in_admin1"),
    }


@pytest.mark.parametrize("country", ["Perú", "Peru", "PER", "perú", "PER Perú", "PER Peru"])
def test_country_by_code_or_name_in_either_language(reporter, country):
    response = upload(
        reporter, csv_bytes([line(0, Country=country, Admin1="PE15 Lima", Admin2="")])
    )
    assert response.status_code == 201, response.content
