import secrets

from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError

from partners.models import User

ADMIN_APPS = ("partners", "indicators", "reporting")


class Command(BaseCommand):
    help = (
        "Give a demo user (default: demo-coordinator) a new random password, printed once, and "
        "access to the admin (/admin/) and the browsable API (/api-auth/login/). It is for one "
        "sign-in: the console then asks for a new password. Demo only."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="demo-coordinator")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}; run `make demo` first.")
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_staff = True
        user.must_change_password = True  # one-time: the first sign-in chooses another
        user.save()
        user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
        self.stdout.write(password)
