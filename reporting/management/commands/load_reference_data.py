from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.reference_data import (
    DEFAULT_DIRECTORY,
    UnknownCountry,
    reference_countries,
    reference_data_load,
)


class Command(BaseCommand):
    help = (
        "Load the region's partners, sectors and indicators and each country's locations and "
        "border points from data/reference (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=DEFAULT_DIRECTORY)
        parser.add_argument(
            "--country",
            action="append",
            dest="countries",
            metavar="ISO3",
            help="Load this country's locations and border points (repeatable; default: every "
            "country under data/reference/countries/).",
        )

    def handle(self, *args, directory: Path, countries: list[str] | None, **options):
        try:
            results = reference_data_load(directory=directory, countries=countries)
        except UnknownCountry as error:
            raise CommandError(str(error)) from error
        loaded = countries or reference_countries(directory)
        self.stdout.write(f"countries: {', '.join(c.upper() for c in loaded)}")
        for name, counts in results.items():
            self.stdout.write(
                f"{name}: {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged"
            )
