from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partners.models import ApiToken, User, hash_token


class Command(BaseCommand):
    help = "Create an API token for a user and print it once, alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="A label to recognise the token by.")
        parser.add_argument("--expires-days", type=int, default=None)
        parser.add_argument(
            "--reuse-file",
            default=None,
            help="Keep the token in this file and print it again while it is still usable "
            "(make run: one demo token, not a new one each run).",
        )

    def handle(self, *args, username, name, expires_days, reuse_file=None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if expires_days is not None and expires_days <= 0:
            raise CommandError("--expires-days must be a positive number of days.")
        kept = Path(reuse_file) if reuse_file else None
        if kept is not None and kept.exists():
            raw = kept.read_text().strip()
            token = ApiToken.objects.filter(key_hash=hash_token(raw), user=user, name=name).first()
            if token is not None and token.is_usable:
                self.stdout.write(f"Token {name!r} for {username}, as before ({kept}):")
                self.stdout.write(raw)
                return
        expires_in = timedelta(days=expires_days) if expires_days else None
        token, raw = ApiToken.issue(user=user, name=name, expires_in=expires_in)
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.touch(mode=0o600)
            kept.write_text(raw + "\n")
        expiry = (
            f"expires {token.expires_at:%Y-%m-%d %H:%M %Z}" if token.expires_at else "no expiry"
        )
        self.stdout.write(f"Token {name!r} for {username} ({expiry}). It is shown only once:")
        self.stdout.write(raw)
