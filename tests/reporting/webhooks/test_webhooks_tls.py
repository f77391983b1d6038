"""Webhooks over https: a real TLS receiver on 127.0.0.1 whose certificate (for the name
`localhost`) is signed by a CA made for the test with openssl; the worker trusts that CA
through WEBHOOKS_CA_FILE, connects to the address it checked and verifies the certificate
for the URL's host name, on every connection."""

import ssl
import subprocess

import pytest

from reporting.webhooks.models import WebhookDelivery
from tests.reporting.activities.test_activity_reports import payload
from tests.reporting.activities.test_bulk import URL as BULK_URL
from tests.reporting.activities.test_bulk import rows
from tests.reporting.webhooks.test_webhooks import WORKER, Receiver, committed, subscribe
from tests.servers import run_worker_until_idle

__all__ = ["committed"]  # the autouse fixture: committed rows, private addresses allowed


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A CA, and a certificate it signed for `localhost` only."""
    folder = tmp_path_factory.mktemp("tls")
    ca_key, ca, key, request, cert, extensions = (
        str(folder / name)
        for name in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem", "ext.cnf")
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-keyout", ca_key, "-out", ca, "-days", "2",
             "-subj", "/CN=r4v webhook test CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    _openssl("req", *ec, "-keyout", key, "-out", request, "-subj", "/CN=localhost")
    (folder / "ext.cnf").write_text(
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
    )
    _openssl("x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
             "-out", cert, "-days", "2", "-extfile", extensions)  # fmt: skip
    return {"ca": ca, "cert": cert, "key": key}


def _receiver(certificates, host):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates["cert"], certificates["key"])
    return Receiver(tls=context, host=host, close_each=True)


def test_https_deliveries_reach_the_named_host_with_the_query_kept(reporter, certificates):
    receiver = _receiver(certificates, "localhost")
    try:
        subscription = reporter.post(
            "/api/v1/webhooks/",
            {"url": f"{receiver.url}?token=abc", "events": ["activity_report.created"]},
        ).json()
        receiver.secret = subscription["secret"]
        created = [  # one event per report written on its own
            reporter.post("/api/v1/activity-reports/", payload(external_id=f"tls-{n}")).json()
            for n in range(3)
        ]
        run_worker_until_idle(**WORKER, WEBHOOKS_CA_FILE=certificates["ca"])
    finally:
        receiver.server.shutdown()
    # Each answer closed its connection: every later delivery connected again, verified.
    assert [p["data"]["id"] for _, p in receiver.received] == [r["id"] for r in created]
    assert receiver.paths == ["/hooks/r4v?token=abc"] * 3
    assert {(d.status, d.attempts) for d in WebhookDelivery.objects.all()} == {("delivered", 1)}


@pytest.mark.parametrize(
    ("host", "trust", "says"),
    [
        ("127.0.0.1", True, "IP address mismatch"),  # a certificate for another name
        ("localhost", False, "certificate verify failed"),  # a CA the system does not trust
    ],
)
def test_a_certificate_not_valid_for_the_url_is_refused(reporter, certificates, host, trust, says):
    receiver = _receiver(certificates, host)
    try:
        subscribe(reporter, receiver, events=["activity_reports.batch"])
        reporter.post(BULK_URL, rows(1))
        env = {"WEBHOOKS_CA_FILE": certificates["ca"]} if trust else {}
        run_worker_until_idle(**WORKER, **env)
    finally:
        receiver.server.shutdown()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and says in delivery.last_error, delivery.last_error
    assert receiver.received == []
