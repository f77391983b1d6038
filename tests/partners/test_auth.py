from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from partners.choices import Role
from partners.models import ApiToken, User, hash_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bearer(client, raw):
    return client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_valid_token_identifies_user_organisation_and_role(client):
    user = UserFactory(username="ana", role=Role.VIEWER)
    _, raw = ApiToken.issue(user=user, name="crm")
    response = bearer(client, raw)
    assert response.status_code == 200
    assert response.json() == {
        "username": "ana",
        "organization": user.partner.code,
        "role": "viewer",
        "language": "",
    }


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer nope", "Bearer a b", "Token abc", "Bearer r4v_\u00e9"],
)
def test_missing_or_wrong_token_is_401_with_bearer_challenge(client, header):
    kwargs = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/me/", **kwargs)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_expired_token_is_refused(client):
    token, raw = ApiToken.issue(user=UserFactory(), name="old", expires_in=timedelta(days=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(client, raw).status_code == 401


def test_revoked_token_is_refused(client):
    token, raw = ApiToken.issue(user=UserFactory(), name="leaked")
    assert bearer(client, raw).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert bearer(client, raw).status_code == 401


def test_inactive_user_token_is_refused(client):
    user = UserFactory(is_active=False)
    _, raw = ApiToken.issue(user=user, name="x")
    assert bearer(client, raw).status_code == 401


def test_token_records_last_use(client):
    token, raw = ApiToken.issue(user=UserFactory(), name="x")
    assert token.last_used_at is None
    bearer(client, raw)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_database_holds_only_a_hash_of_the_token():
    token, raw = ApiToken.issue(user=UserFactory(), name="x")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in {str(v) for v in stored.values()}
    assert stored["key_hash"] == hash_token(raw)


def test_auth_failure_log_does_not_contain_the_token(client, caplog):
    raw = "r4v_this-is-not-a-valid-token-but-looks-like-one"
    with caplog.at_level("INFO", logger="partners.auth"):
        bearer(client, raw)
    assert "bearer auth failed" in caplog.text
    assert raw not in caplog.text


def test_create_partner_user_creates_then_updates(capsys):
    call_command("create_partner_user", "maria", organization="hias", role="reporter")
    user = User.objects.get(username="maria")
    assert (user.partner.code, user.role) == ("HIAS", "reporter")
    call_command("create_partner_user", "maria", organization="HIAS", role="viewer")
    user.refresh_from_db()
    assert user.role == "viewer"
    assert User.objects.filter(username="maria").count() == 1


def test_create_partner_user_rejects_unknown_organisation():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No organisation"):
        call_command("create_partner_user", "x", organization="NOPE", role="reporter")


def test_create_token_prints_a_working_token_alone_on_the_last_line(client, capsys):
    UserFactory(username="bot", role=Role.REPORTER)
    call_command("create_token", "bot", name="crm", expires_days=30)
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert raw.startswith("r4v_") and " " not in raw
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    assert token.name == "crm"
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert bearer(client, raw).json()["username"] == "bot"


def test_session_login_works_for_browsable_api(client):
    user = UserFactory(username="web")
    client.force_login(user)
    assert client.get("/api/v1/me/").json()["username"] == "web"


def test_make_runs_demo_token_is_kept_and_reused_while_usable(tmp_path, capsys):
    """make run prints the same demo token each time instead of piling new ones up; a
    revoked one is replaced."""
    user = UserFactory(username="demo-runner")
    kept = tmp_path / "var" / "demo-token"

    def token() -> str:
        call_command("create_token", "demo-runner", "--name", "make-run", "--reuse-file", str(kept))
        return capsys.readouterr().out.strip().splitlines()[-1]

    first = token()
    assert token() == first and kept.read_text().strip() == first
    assert ApiToken.objects.filter(user=user, name="make-run").count() == 1
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())
    assert token() != first
    assert ApiToken.objects.filter(user=user, name="make-run").count() == 2
