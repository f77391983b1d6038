import sys

from django.core.management.base import BaseCommand

from config.worker import run_worker, supervise
from reporting.activities.jobs import imports_reap
from reporting.housekeeping import schedule_housekeeping


def _on_start() -> None:
    imports_reap()  # imports left running by a worker that stopped
    schedule_housekeeping()


class Command(BaseCommand):
    help = (
        "Run a background worker (django-tasks' database worker): imports, webhook "
        "deliveries and housekeeping. Start as many as the load needs, on any machine. It "
        "outlives database outages (retries with backoff) and beats a heartbeat for /readyz; "
        "run it under a supervisor all the same (make serve does; docs/deploy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Stop when nothing is queued.")
        parser.add_argument("--interval", type=float, default=0.5)
        parser.add_argument(
            "--supervised",
            action="store_true",
            help="Run the worker as a child process and start it again whenever it ends.",
        )

    def handle(self, *args, batch, interval, supervised, **options):
        if supervised:
            argv = [sys.executable, sys.argv[0], "run_worker", "--interval", str(interval),
                    "-v", str(options["verbosity"])]  # fmt: skip
            supervise(argv)
            return
        run_worker(on_start=_on_start, interval=interval, batch=batch)
