"""The console's account pages under attack: a coordinator manages reporters and viewers
only; sign-in is limited on every form by one counter; a given password is for one
sign-in; secrets never travel in cookies; console pages are not cached and load nothing
but their own files."""

import re

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory

from partners.choices import Role
from partners.models import ApiToken, User
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "An-old-pass-2024"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


TARGETS = {
    # name: (role, is_staff, is_superuser, managed by coordinators)
    "reporter": (Role.REPORTER, False, False, True),
    "viewer": (Role.VIEWER, False, False, True),
    "analyst": (Role.ANALYST, False, False, False),
    "coordinator": (Role.COORDINATOR, False, False, False),
    "staff reporter": (Role.REPORTER, True, False, False),
    "superuser": (Role.VIEWER, True, True, False),
}


@pytest.mark.parametrize("action", ["set_password", "issue_token"])
@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("actor_staff", [False, True], ids=["coordinator", "staff coordinator"])
def test_a_coordinator_manages_only_reporters_and_viewers(target, action, actor_staff):
    partner = PartnerFactory(code="ACNUR")
    actor = UserFactory(role=Role.COORDINATOR, partner=PartnerFactory(code="GTRM"),
                        is_staff=actor_staff)  # fmt: skip
    role, staff, superuser, managed = TARGETS[target]
    victim = UserFactory(role=role, partner=partner, is_staff=staff, is_superuser=superuser)
    victim.set_password(PASSWORD)
    victim.save()
    page = signed_in(actor).post(
        "/console/organisations/ACNUR/", {"action": action, "user": victim.pk, "name": "x"}
    )
    victim.refresh_from_db()
    tokens = ApiToken.objects.filter(user=victim).count()
    if managed:
        assert page.status_code == 200
        assert 'id="secret"' in page.content.decode()
        assert (victim.check_password(PASSWORD), tokens) == (
            (False, 0) if action == "set_password" else (True, 1)
        )
    else:
        assert page.status_code == 302  # back to the page: "Nothing was changed."
        assert (victim.check_password(PASSWORD), tokens, victim.must_change_password) == (
            True, 0, False
        )  # fmt: skip


@pytest.mark.parametrize("role", [Role.REPORTER, Role.VIEWER, Role.ANALYST])
def test_only_coordinators_open_an_organisation_page(role):
    user = UserFactory(role=role, partner=PartnerFactory(code="ACNUR"))
    client = signed_in(user)
    assert client.get("/console/organisations/ACNUR/").status_code == 403
    victim = UserFactory(role=Role.REPORTER, partner=user.partner)
    victim.set_password(PASSWORD)
    victim.save()
    client.post("/console/organisations/ACNUR/", {"action": "set_password", "user": victim.pk})
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)


def test_a_coordinator_revokes_no_token_of_an_account_they_do_not_manage(coordinator):
    other = UserFactory(role=Role.COORDINATOR, partner=PartnerFactory(code="ACNUR"))
    token = ApiToken.issue(user=other, name="theirs")[0]
    signed_in(coordinator.user).post(
        "/console/organisations/ACNUR/", {"action": "revoke_token", "token": token.pk}
    )
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    ("username", "message"),
    [("a" * 151, "at most 150 characters"), ("ana maría!", "Enter a valid username")],
)
def test_a_user_name_django_would_refuse_is_refused_with_a_message(coordinator, username, message):
    PartnerFactory(code="ACNUR")
    page = signed_in(coordinator.user).post(
        "/console/organisations/ACNUR/",
        {"action": "add_user", "username": username, "role": "reporter"},
        follow=True,
    )
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not User.objects.filter(username=username).exists()


# --- Sign-in limits ---------------------------------------------------------------------------
@pytest.fixture
def limited(settings, reporter):
    settings.AUTH_FAILURE_RATE_LIMIT = "5/min"
    reporter.user.set_password(PASSWORD)
    reporter.user.save()
    return reporter.user


def _fail(path: str, username: str, times: int) -> None:
    for _ in range(times):
        Client().post(path, {"username": username, "password": "wrong"})


def test_the_console_stops_guessing_after_the_limit(limited):
    _fail("/console/login/", limited.username, 5)
    refused = Client().post("/console/login/", {"username": limited.username,
                                                "password": PASSWORD})  # fmt: skip
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.content.decode()
    assert refused["Content-Type"].startswith("text/html")
    assert "_auth_user_id" not in refused.client.session


@pytest.mark.parametrize(
    ("failed_at", "signs_in_at"),
    [("/admin/login/", "/console/login/"), ("/console/login/", "/admin/login/"),
     ("/console/login/", "/api-auth/login/")],
)  # fmt: skip
def test_every_sign_in_form_shares_one_counter(limited, failed_at, signs_in_at):
    _fail(failed_at, limited.username, 3)
    _fail(signs_in_at, limited.username, 2)
    refused = Client().post(signs_in_at, {"username": limited.username, "password": PASSWORD})
    assert refused.status_code == 429


def test_any_other_password_check_refuses_a_blocked_address(limited):
    _fail("/console/login/", limited.username, 5)
    request = RequestFactory().post("/elsewhere/")
    assert authenticate(request, username=limited.username, password=PASSWORD) is None
    other_address = RequestFactory(REMOTE_ADDR="10.1.2.3").post("/elsewhere/")
    assert authenticate(other_address, username=limited.username, password=PASSWORD) == limited


# --- One-time passwords and secrets -----------------------------------------------------------
def _one_time_password(coordinator, user) -> tuple[str, object]:
    page = signed_in(coordinator.user).post(
        f"/console/organisations/{user.partner.code}/", {"action": "set_password", "user": user.pk}
    )
    return re.search(r'<output class="secret">(\S+)</output>', page.content.decode()).group(1), page


def test_a_given_password_must_be_replaced_at_the_first_sign_in(coordinator, reporter):
    password, _ = _one_time_password(coordinator, reporter.user)
    client = Client()
    client.post("/console/login/", {"username": reporter.user.username, "password": password})
    for url in ("/console/", "/console/imports/", "/admin/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/console/password/")
    api = client.get("/api/v1/me/")
    assert (api.status_code, api.json()["code"]) == (403, "password_change_required")
    form = client.get("/console/password/")
    assert "choose your own before you go on" in form.content.decode()
    weak = client.post(
        "/console/password/",
        {"old_password": password, "new_password1": "1234", "new_password2": "1234"},
    )
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    new = "A-much-better-one-77"
    done = client.post("/console/password/", {"old_password": password, "new_password1": new,
                                              "new_password2": new})  # fmt: skip
    assert (done.status_code, done["Location"]) == (302, "/console/")
    assert client.get("/console/").status_code == 200  # still signed in
    reporter.user.refresh_from_db()
    assert not reporter.user.must_change_password and reporter.user.check_password(new)


def test_secrets_are_shown_once_in_the_page_never_in_a_cookie(coordinator, reporter):
    password, page = _one_time_password(coordinator, reporter.user)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    cookies = " ".join(morsel.value for morsel in page.cookies.values())
    assert password not in cookies and "messages" not in page.cookies
    token_page = signed_in(coordinator.user).post(
        "/console/organisations/ACNUR/", {"action": "issue_token", "user": reporter.user.pk}
    )
    raw = re.search(r"(r4v_[\w-]+)", token_page.content.decode()).group(1)
    assert raw not in " ".join(m.value for m in token_page.cookies.values())


@pytest.mark.parametrize(
    "url", ["/console/", "/console/login/", "/console/imports/", "/console/password/",
            "/console/completeness/", "/console/organisations/ACNUR/"],
)  # fmt: skip
def test_every_console_page_is_not_stored_and_loads_only_its_own_files(coordinator, url):
    PartnerFactory(code="ACNUR")
    response = signed_in(coordinator.user).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    html = response.content.decode()
    assert "<style" not in html and "style=" not in html and "<script" not in html


# --- Uploads: the API's role rule --------------------------------------------------------------
def _console_upload(user, content: bytes, dry_run: bool = True):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile("5w.csv", content)}
    if dry_run:
        data["dry_run"] = "on"
    return signed_in(user).post("/console/imports/", data)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.REPORTER, True), (Role.COORDINATOR, True), (Role.VIEWER, False),
     (Role.ANALYST, False)],
)  # fmt: skip
def test_console_uploads_follow_the_api_role_rule(role, allowed):
    from reporting.activities.models import Import
    from tests.reporting.activities.test_imports import csv_bytes, line

    user = UserFactory(role=role, partner=PartnerFactory(code="ACNUR"))
    response = _console_upload(user, csv_bytes([line(1)]))
    assert response.status_code == (302 if allowed else 403)
    assert Import.objects.exists() == allowed
    page = signed_in(user).get("/console/imports/").content.decode()
    assert ('type="file"' in page) == allowed


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("owner", True), ("coordinator", True), ("analyst", False), ("other reporter", False),
     ("owner's viewer", False)],
)  # fmt: skip
def test_only_the_owner_or_a_coordinator_confirms_a_dry_run_and_it_stays_the_owners(who, allowed):
    from reporting.activities.models import ActivityReport, Import
    from tests.reporting.activities.test_imports import csv_bytes, line

    hias = PartnerFactory(code="HIAS")
    owner = UserFactory(role=Role.REPORTER, partner=hias)
    _console_upload(owner, csv_bytes([line(1, **{"Appealing organisation": "HIAS"})]))
    dry = Import.objects.get()
    assert dry.status == "validated", dry.errors
    actor = {
        "owner": owner,
        "coordinator": UserFactory(role=Role.COORDINATOR, partner=PartnerFactory(code="GTRM")),
        "analyst": UserFactory(role=Role.ANALYST, partner=PartnerFactory(code="OCHA")),
        "other reporter": UserFactory(role=Role.REPORTER, partner=PartnerFactory(code="OIM")),
        "owner's viewer": UserFactory(role=Role.VIEWER, partner=hias),
    }[who]
    response = signed_in(actor).post(f"/console/imports/{dry.pk}/confirm/")
    if allowed:
        assert response.status_code == 302
        done = Import.objects.exclude(pk=dry.pk).get()
        assert (done.status, done.partner_id) == ("completed", hias.pk)
        assert ActivityReport.objects.filter(partner=hias).count() == 1
    else:
        assert response.status_code in (403, 404)  # 404: not even visible to them
        assert Import.objects.count() == 1 and not ActivityReport.objects.exists()
