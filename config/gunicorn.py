"""gunicorn settings for `make serve`, from the environment.

Threads (gthread) let a long CSV export stream without tripping the worker timeout and keep
slow clients from holding a whole process. Workers share nothing: any number of them, on any
number of machines, can serve behind a load balancer.
"""

import multiprocessing
import os
import sys
from pathlib import Path

# gunicorn runs this file before the project is importable (e.g. with --chdir).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from config import gunicorn_errors  # noqa: E402

gunicorn_errors.install()  # gunicorn's own 400/414/431 answers as problem+json

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Each instance its own control socket, under var/ (gunicorn's default, one per user in
# ~/.gunicorn/, was shared by two instances on a host, and stopping one removed the other's).
_var = Path(__file__).resolve().parent.parent / "var"
_var.mkdir(exist_ok=True)
control_socket = str(_var / f"gunicorn-{os.environ.get('PORT', '8000')}.ctl")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
max_requests = 5000  # recycle workers now and then: memory stays flat over weeks
max_requests_jitter = 500
limit_request_line = 8190  # the largest gunicorn allows; longer request lines get 414
accesslog = "-"
errorlog = "-"
# X-Forwarded-Proto (and -For) count only from the TLS proxy, and only when there is one:
# otherwise any client on an allowed address could claim HTTPS.
if os.environ.get("BEHIND_TLS_PROXY", "").strip().lower() in {"1", "true", "yes", "on"}:
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
else:
    forwarded_allow_ips = ""
    secure_scheme_headers = {}
