from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from partners.models import ApiToken, User


class Command(BaseCommand):
    help = "Create an API token for a user and print it once, alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="A label to recognise the token by.")
        parser.add_argument("--expires-days", type=int, default=None)

    def handle(self, *args, username, name, expires_days, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if expires_days is not None and expires_days <= 0:
            raise CommandError("--expires-days must be a positive number of days.")
        expires_in = timedelta(days=expires_days) if expires_days else None
        token, raw = ApiToken.issue(user=user, name=name, expires_in=expires_in)
        expiry = (
            f"expires {token.expires_at:%Y-%m-%d %H:%M %Z}" if token.expires_at else "no expiry"
        )
        self.stdout.write(f"Token {name!r} for {username} ({expiry}). It is shown only once:")
        self.stdout.write(raw)
