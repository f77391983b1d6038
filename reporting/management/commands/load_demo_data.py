from django.core.management.base import BaseCommand

from reporting.demo_data import DEMO_USERS, demo_data_load


class Command(BaseCommand):
    help = "Load demo users and the March 2021 Peru reports of the situation report (idempotent)."

    def handle(self, *args, **options):
        counts = demo_data_load()
        self.stdout.write(
            "demo reports: {created} created, {updated} updated, {unchanged} unchanged; "
            "border crossings: {crossings_created} created; plan targets (illustrative): "
            "{targets}; age/sex proportions (illustrative): {proportions}".format(**counts)
        )
        users = ", ".join(f"{u} ({role} at {org})" for u, org, role in DEMO_USERS)
        self.stdout.write(f"demo users: {users}")
