from django.core.management.base import BaseCommand

from config.api.idempotency import expiry_cutoff
from config.db.models import IdempotencyRecord


class Command(BaseCommand):
    help = (
        "Delete Idempotency-Key replies older than IDEMPOTENCY_KEY_HOURS. Optional: each "
        "user's expired keys are also deleted when that user stores a new one, and expired "
        "keys are never replayed; this clears those of users who stopped sending."
    )

    def handle(self, *args, **options):
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=expiry_cutoff()).delete()
        self.stdout.write(f"forgot {deleted} expired idempotency key(s)")
