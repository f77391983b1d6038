from django.core.management.base import BaseCommand, CommandError

from partners.choices import Role
from partners.models import Partner, User


class Command(BaseCommand):
    help = "Create or update a user belonging to an organisation, with a role."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--organization", required=True, help="Partner code, e.g. ACNUR.")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--staff", action="store_true", help="Also allow the user into the admin."
        )

    def handle(self, *args, username, organization, role, email, staff, **options):
        partner = Partner.objects.filter(code=organization.upper()).first()
        if partner is None:
            raise CommandError(f"No organisation with code {organization!r}.")
        user, created = User.objects.get_or_create(username=username)
        user.partner = partner
        user.role = role
        if email:
            user.email = email
        if staff:
            user.is_staff = True
        if created:
            user.set_unusable_password()
        user.save()
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} user {username}: {role} at {partner.code}")
