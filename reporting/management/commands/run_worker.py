from django.core.management import call_command
from django.core.management.base import BaseCommand

from reporting.activities.jobs import imports_reap
from reporting.housekeeping import schedule_housekeeping


class Command(BaseCommand):
    help = (
        "Run a background worker (django-tasks' database worker): imports, webhook "
        "deliveries and housekeeping. Start as many as the load needs, on any machine. "
        "Options after -- go to db_worker (e.g. --batch to stop when the queue is empty)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Stop when nothing is queued.")
        parser.add_argument("--interval", type=float, default=0.5)

    def handle(self, *args, batch, interval, **options):
        imports_reap()  # imports left running by a worker that stopped
        schedule_housekeeping()
        extra = ["--batch"] if batch else []
        call_command(
            "db_worker", "--no-startup-delay", "--interval", str(interval), *extra,
            verbosity=options["verbosity"],
        )  # fmt: skip
