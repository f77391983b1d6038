from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from reporting.models import IdempotencyRecord


class Command(BaseCommand):
    help = "Forget Idempotency-Key responses older than --hours (default 48); run it daily."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=48)

    def handle(self, *args, hours: int, **options):
        cutoff = timezone.now() - timedelta(hours=hours)
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"forgot {deleted} idempotency key(s) older than {hours} h")
