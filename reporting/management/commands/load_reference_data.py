from pathlib import Path

from django.core.management.base import BaseCommand

from reporting.reference_data import DEFAULT_DIRECTORY, reference_data_load


class Command(BaseCommand):
    help = "Load partners, sectors, indicators and locations from data/reference (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=DEFAULT_DIRECTORY)

    def handle(self, *args, directory: Path, **options):
        for name, counts in reference_data_load(directory=directory).items():
            self.stdout.write(
                f"{name}: {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged"
            )
