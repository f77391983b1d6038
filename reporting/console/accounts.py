"""Console pages for accounts: a coordinator manages an organisation's reporters and
viewers (partners.services); everyone changes their own password, and must at the first
sign-in after someone else gave them one. Secrets (a password, a token) are shown once, in
the answer to the POST that made them: never in a cookie, a message or a redirect."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.models import ApiToken, Partner, User
from partners.services import (
    managed_token_revoke,
    managed_user,
    one_time_password_set,
    user_create,
)
from reporting.console.views import login_required


@login_required
def organisation(request, code: str):
    """Coordinators: an organisation's users and their API tokens; add a user (reporter or
    viewer), give one a one-time password or a token (shown once), revoke a token."""
    if not request.user.is_coordinator:
        raise PermissionDenied
    partner = Partner.objects.filter(code=code).first()
    if partner is None:
        raise Http404
    secret = None
    if request.method == "POST":
        secret = _organisation_change(request, partner)
        if secret is None:
            return redirect("console-organisation", code=partner.code)
    users = User.objects.filter(partner=partner).order_by("username").prefetch_related("api_tokens")
    roles = [(value, label) for value, label in User._meta.get_field("role").choices
             if value in User.MANAGED_ROLES]  # fmt: skip
    context = {"partner": partner, "users": users, "roles": roles, "secret": secret}
    return render(request, "console/organisation.html", context)


def _organisation_change(request, partner) -> dict | None:
    """Apply the form's action; a secret to show once ({"label", "value"}) or None."""
    action = request.POST.get("action")
    if action == "add_user":
        _add_user(request, partner)
        return None
    user = managed_user(partner=partner, pk=request.POST.get("user"))
    if action == "set_password" and user is not None:
        password = one_time_password_set(user=user)
        label = _("Password for %(user)s (shown once, give it to them; they choose their own "
                  "at their first sign-in):") % {"user": user.username}  # fmt: skip
        return {"label": label, "value": password}
    if action == "issue_token" and user is not None:
        name = request.POST.get("name", "").strip()[:100] or _("console")
        _token, raw = ApiToken.issue(user=user, name=name)
        label = _("Token for %(user)s (shown once, copy it now):") % {"user": user.username}
        return {"label": label, "value": raw}
    if action == "revoke_token" and managed_token_revoke(
        partner=partner, pk=request.POST.get("token")
    ):
        messages.success(request, _("Token revoked."))
        return None
    messages.error(request, _("Nothing was changed."))
    return None


def _add_user(request, partner) -> None:
    username = request.POST.get("username", "")
    try:
        user_create(
            partner=partner, username=username, role=request.POST.get("role", ""),
            email=request.POST.get("email", "").strip()[:254],
        )  # fmt: skip
    except ValidationError as error:
        code = getattr(error, "code", None)  # None: the user name's validators said why
        if code == "invalid_role" or not username.strip():
            messages.error(request, _("Give a user name and a role (reporter or viewer)."))
        elif code == "unique":
            messages.error(request, _("The user name %(name)s is taken.") % {"name": username})
        else:
            messages.error(request, " ".join(error.messages))
        return
    messages.success(request, _("User %(name)s added.") % {"name": username.strip()})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Choose a new password (Django's validators); clears the must-change flag."""

    template_name = "console/password_change.html"
    success_url = reverse_lazy("console-dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        User.objects.filter(pk=self.request.user.pk).update(must_change_password=False)
        messages.success(self.request, _("Your password was changed."))
        return response


@require_POST
@login_required
def language(request):
    """The language the service speaks to the signed-in user, kept on the user: the console,
    the API's messages and the files it writes for them."""
    chosen = request.POST.get("language", "")
    if chosen in dict(settings.LANGUAGES) or chosen == "":
        request.user.language = chosen
        request.user.save(update_fields=["language"])
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("console-dashboard")
    return redirect(back)
