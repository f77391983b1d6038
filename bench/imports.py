"""Issue 4: spreadsheet uploads through HTTP against gunicorn and PostgreSQL.

- a 10,000-row XLSX upload completes in under 10 s;
- a 50,000-row CSV upload peaks under 300 MB of memory (the worker's peak resident set,
  VmHWM, read from /proc; the worker's resident size before the upload is printed too).

    .venv/bin/python bench/imports.py [--xlsx-rows 10000] [--csv-rows 50000]
"""

import argparse
import csv
import io
import json
import subprocess
import time
import uuid
from http.client import HTTPConnection

import openpyxl
from common import Server, bench_user, setup_django

HEADER = [
    "External ID", "Admin1", "Admin2", "Month", "Indicator", "Activity name",
    "RMRP activity (yes/no)", "CVA (yes/no)", "Total monthly beneficiaries",
    "New beneficiaries of the month", "In destination", "In transit", "Women", "Men",
]  # fmt: skip


def table(count: int) -> list[list]:
    from ingest import make_rows

    out = []
    for r in make_rows(count, seed=int(time.time())):
        out.append([
            r["external_id"], r["admin1"], r["admin2"], r["month"], r["indicator"],
            r["activity_name"], "sí" if r["rmrp"] else "no", "no", r["total_beneficiaries"],
            r["new_beneficiaries"], r["population"]["in_destination"],
            r["population"].get("in_transit", 0), r["age_sex"]["women"], r["age_sex"]["men"],
        ])  # fmt: skip
    return out


def as_xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("5W")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def as_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), boundary


def worker_memory(master_pid: int) -> dict[str, int]:
    """Resident and peak resident KiB of the (single) gunicorn worker."""
    pid = int(subprocess.check_output(["pgrep", "-P", str(master_pid)]).split()[0])
    with open(f"/proc/{pid}/status") as handle:
        status = handle.read()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {k: int(fields[k].split()[0]) for k in ("VmRSS", "VmHWM")}


def post(port, token, name, content):
    body, boundary = multipart(name, content)
    conn = HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("POST", "/api/v1/imports/", body=body, headers={
        "Authorization": f"Bearer {token}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    })  # fmt: skip
    response = conn.getresponse()
    payload = json.loads(response.read())
    return time.perf_counter() - started, response.status, payload


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--xlsx-rows", type=int, default=10_000)
    parser.add_argument("--csv-rows", type=int, default=50_000)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    user, token = bench_user("reporter", "bench-imports")
    xlsx = as_xlsx(table(args.xlsx_rows))
    csv_content = as_csv(table(args.csv_rows))
    print(f"files: XLSX {len(xlsx) / 1e6:.1f} MB ({args.xlsx_rows:,} rows), "
          f"CSV {len(csv_content) / 1e6:.1f} MB ({args.csv_rows:,} rows); "
          f"upload limit {settings.IMPORT_MAX_BYTES / 1e6:.0f} MB")  # fmt: skip

    server = Server(workers=1)
    try:
        post(server.port, token, "warm.csv", as_csv(table(5)))
        seconds, status, payload = post(server.port, token, "bench.xlsx", xlsx)
        assert status == 201, payload
        print(f"xlsx: {args.xlsx_rows:,} rows in {seconds:.2f} s (goal < 10 s); "
              f"created {payload['created']:,}")  # fmt: skip
        before = worker_memory(server.process.pid)
        seconds, status, payload = post(server.port, token, "bench.csv", csv_content)
        after = worker_memory(server.process.pid)
        assert status == 201, payload
        print(f"csv:  {args.csv_rows:,} rows in {seconds:.2f} s; created {payload['created']:,}")
        print(f"csv worker memory: resident before {before['VmRSS'] / 1024:.0f} MB, "
              f"peak {after['VmHWM'] / 1024:.0f} MB (goal < 300 MB)")  # fmt: skip
    finally:
        server.stop()


if __name__ == "__main__":
    main()
