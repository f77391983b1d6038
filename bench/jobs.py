"""Issue 15: an import as a background job, and webhook fan-out, on PostgreSQL.

1. A `--rows` CSV (default 500,000) uploaded with `?async=true` (Django's test client, in
   this process), then run by a real worker process (`manage.py run_worker --batch`); end to
   end from the POST to `completed`, in rows/s (goal >= 8,000), and the worker's peak
   resident memory read from /proc (goal < 500 MB). Baseline, in this process: the same
   number of rows through the synchronous import engine.
2. `--events` events (default 1,000) of a partner's reports (as that many single writes
   record them; a batch is one event since issue 29) with `--receivers` subscriptions
   (default 10), each a real HTTP receiver on 127.0.0.1: time until every
   delivery is delivered by one worker (goal under 30 s). Baseline: the same number of
   plain POSTs sent from this process over kept-alive connections, no signing, no queue.

    .venv/bin/python bench/jobs.py [--rows 500000] [--events 1000] [--receivers 10]
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from common import ROOT, bench_user, setup_django
from imports import as_csv, table


def peak_memory_of(process: subprocess.Popen) -> int:
    """The process's peak resident KiB, polled until it exits."""
    peak = 0
    while process.poll() is None:
        try:
            with open(f"/proc/{process.pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except FileNotFoundError:
            break
        time.sleep(0.2)
    return peak


def worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--batch", "--interval", "0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def import_job(rows: int, client, user, env) -> None:
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from config.db.models import OutboxEvent
    from reporting.activities.imports import import_create
    from reporting.activities.models import Import
    from reporting.webhooks.models import WebhookSubscription

    # An earlier run's receivers are gone: their subscriptions would fan this import's
    # events out to dead addresses while the worker is measured.
    WebhookSubscription.objects.filter(partner=user.partner).delete()
    OutboxEvent.objects.filter(dispatched=False).update(dispatched=True)
    content = as_csv(table(rows))
    print(f"file: {len(content) / 1e6:.1f} MB, {rows:,} rows")
    started = time.perf_counter()
    response = client.post(
        "/api/v1/imports/?async=true", {"file": SimpleUploadedFile("big.csv", content)}
    )
    assert response.status_code == 202, response.content[:500]
    print(f"POST (upload stored, job queued): {time.perf_counter() - started:.1f} s")
    posted = timezone.now() - timedelta(seconds=time.perf_counter() - started)
    job = worker(env)
    peak = peak_memory_of(job)  # until the worker exits: its fan-out of the events included
    record = Import.objects.get(pk=response.json()["id"])
    assert record.status == "completed", (record.status, record.failure, job.stderr.read()[-2000:])
    seconds = (record.finished_at - posted).total_seconds()  # from the POST to completed
    rate = record.created / seconds
    print(f"job import: {record.created:,} rows in {seconds:.1f} s = {rate:,.0f} rows/s "
          f"(goal >= 8,000); worker peak memory {peak / 1024:.0f} MB (goal < 500 MB)")  # fmt: skip

    content = as_csv(table(rows))  # new external ids: the same work again
    started = time.perf_counter()
    baseline = import_create(user=user, file_name="big.csv", content=content)
    base_seconds = time.perf_counter() - started
    assert baseline.status == "completed", baseline.errors[:3]
    base_rate = baseline.created / base_seconds
    print(
        f"baseline, the synchronous engine in this process: {base_rate:,.0f} rows/s; "
        f"job / baseline = {rate / base_rate:.2f}"
    )


class Receiver:
    def __init__(self):
        self.count = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.count += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def fan_out(events: int, receivers: int, client, user, env) -> None:
    from django.conf import settings

    from config.db.models import OutboxEvent
    from reporting.webhooks.models import WebhookDelivery, WebhookSubscription

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoints = [Receiver() for _ in range(receivers)]
    WebhookSubscription.objects.filter(partner=user.partner).delete()
    # Events of earlier writes (the import above) are not part of this measure.
    OutboxEvent.objects.filter(dispatched=False).update(dispatched=True)
    for endpoint in endpoints:
        WebhookSubscription.objects.create(
            partner=user.partner, url=f"http://127.0.0.1:{endpoint.port}/hook",
            events=["activity_report.created"], created_by=user,
        )  # fmt: skip
    from django.db import transaction

    from config.db.outbox import record_events

    started = time.perf_counter()
    with transaction.atomic():  # the events `events` single writes would record
        record_events(("activity_report.created", user.partner_id, {"id": n})
                      for n in range(events))  # fmt: skip
    job = worker(env)
    job.wait(timeout=600)
    seconds = time.perf_counter() - started
    delivered = WebhookDelivery.objects.filter(
        subscription__partner=user.partner, status="delivered"
    ).count()
    assert delivered == events * receivers, (delivered, job.stderr.read()[-2000:])
    print(f"fan-out: {events:,} events x {receivers} receivers = {delivered:,} deliveries in "
          f"{seconds:.1f} s (goal < 30 s)")  # fmt: skip

    body = b'{"type":"activity_report.created","data":{"id":1}}'
    started = time.perf_counter()
    for endpoint in endpoints:
        conn = HTTPConnection("127.0.0.1", endpoint.port, timeout=10)
        for _ in range(events):
            conn.request("POST", "/hook", body=body, headers={"Content-Type": "application/json"})
            conn.getresponse().read()
        conn.close()
    base_seconds = time.perf_counter() - started
    print(
        f"baseline, plain POSTs from this process: {base_seconds:.1f} s; "
        f"fan-out / baseline = {seconds / base_seconds:.2f}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--events", type=int, default=1_000)
    parser.add_argument("--receivers", type=int, default=10)
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    user, token = bench_user("reporter", "bench-jobs")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", WEBHOOKS_ALLOW_PRIVATE="1")
    if args.rows:
        import_job(args.rows, client, user, env)
    if args.events:
        fan_out(args.events, args.receivers, client, user, env)


if __name__ == "__main__":
    main()
