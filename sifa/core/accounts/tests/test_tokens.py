"""Personal access tokens for the API (ASVS 3.5): hashed at rest, shown once, revocable; API auth errors."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sifa.core.accounts import services
from sifa.core.accounts.models import AccessToken, User
from sifa.core.accounts.tests.conftest import GOOD_PASSWORD, audit_count, audit_rows
from sifa.core.audit.models import AuditEvent
from sifa.core.testing import actor_for, client_for, membership_of

pytestmark = pytest.mark.django_db


def _cli_token(username: str = "county") -> str:
    out = io.StringIO()
    call_command("token", "create", username, stdout=out)
    return out.getvalue().strip()


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _assert_unauthenticated(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert body["status"] == 401
    assert re.search(r"[\u4e00-\u9fff]", body["detail"])


def test_cli_creates_a_token_and_stores_only_its_hash():
    # when
    token = _cli_token()

    # then
    assert token.startswith("sifa_")
    assert len(token) > 40
    obj = AccessToken.objects.get()
    assert obj.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert obj.user.username == "county"
    assert obj.membership == membership_of("county")
    assert len(obj.prefix) < len(token) and token.startswith(obj.prefix)
    stored = [str(v) for v in AccessToken.objects.values_list(*[f.attname for f in AccessToken._meta.concrete_fields])]
    assert not any(token in v for v in stored)
    assert not AuditEvent.objects.filter(changes__icontains=token[5:]).exists()
    [event] = audit_rows("accounts.token.created")
    assert event.actor_username == "token-cli"
    assert token not in str(event.changes) + event.object_repr


def test_cli_refuses_an_unknown_user():
    # given
    before = audit_count()

    # when / then
    with pytest.raises(CommandError):
        _cli_token("nobody-here")
    assert AccessToken.objects.count() == 0
    assert audit_count() == before


def test_bearer_token_authenticates_the_api_as_its_membership():
    # given
    token = _cli_token()

    # when
    response = Client().get("/api/v1/me", **_bearer(token))

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "county"
    assert body["membership"]["id"] == membership_of("county").pk
    assert body["membership"]["role"] == "bureau_staff"
    assert "persons.view" in body["permissions"]
    assert AccessToken.objects.get().last_used_at is not None


def test_missing_or_wrong_token_is_unauthenticated():
    # given
    token = _cli_token()

    # when / then
    _assert_unauthenticated(Client().get("/api/v1/me"))
    _assert_unauthenticated(Client().get("/api/v1/me", **_bearer(token + "x")))
    _assert_unauthenticated(Client().get("/api/v1/me", **_bearer(hashlib.sha256(token.encode()).hexdigest())))


def test_revoked_token_is_refused():
    # given
    token = _cli_token()
    obj = AccessToken.objects.get()
    out = io.StringIO()
    call_command("token", "revoke", obj.prefix, stdout=out)
    obj.refresh_from_db()
    assert obj.revoked_at is not None
    assert len(audit_rows("accounts.token.revoked")) == 1

    # when
    response = Client().get("/api/v1/me", **_bearer(token))

    # then
    _assert_unauthenticated(response)


def test_token_of_a_deactivated_user_is_refused():
    # given
    token = _cli_token()
    User.objects.filter(username="county").update(is_active=False)

    # when / then
    _assert_unauthenticated(Client().get("/api/v1/me", **_bearer(token)))


def test_profile_page_shows_a_new_token_once():
    # given
    client = client_for("county")

    # when
    response = client.post("/accounts/me/", {"tk-name": "脚本"})

    # then
    assert response.status_code == 200
    match = re.search(r'<code id="new-token">(sifa_[^<]+)</code>', response.content.decode())
    assert match
    token = match.group(1)
    obj = AccessToken.objects.get()
    assert obj.name == "脚本"
    assert obj.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert obj.membership == membership_of("county")
    again = client.get("/accounts/me/").content.decode()
    assert token not in again
    assert obj.prefix in again
    assert Client().get("/api/v1/me", **_bearer(token)).status_code == 200


def test_revoke_on_the_profile_page_only_for_own_tokens():
    # given a token of office1
    _, other_token = services.create_access_token(actor=actor_for("office1"), membership=membership_of("office1"),
                                                  name="x")
    other = AccessToken.objects.get()
    before = audit_count()

    # when county tries to revoke it
    response = client_for("county").post(f"/accounts/me/tokens/{other.pk}/revoke/")

    # then
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
    assert audit_count() == before
    assert Client().get("/api/v1/me", **_bearer(other_token)).status_code == 200


def test_token_cannot_be_created_for_someone_elses_membership():
    # given
    before = audit_count()

    # when / then
    with pytest.raises(Exception) as exc_info:
        services.create_access_token(actor=actor_for("county"), membership=membership_of("office1"), name="steal")
    assert getattr(exc_info.value, "status", None) == 403
    assert AccessToken.objects.count() == 0
    assert audit_count() == before


def _user_payload(username: str = "apiuser", password: str = GOOD_PASSWORD) -> dict[str, object]:
    return {"username": username, "display_name": "接口用户", "password": password,
            "org_id": membership_of("office1").org_id, "role": "office_staff"}


def test_api_session_post_without_csrf_is_rejected():
    # given an admin browser session, with CSRF enforced like a browser
    client = Client(enforce_csrf_checks=True)
    signed_in = client_for("admin")
    client.cookies = signed_in.cookies
    assert client.get("/api/v1/me").status_code == 200
    before = audit_count()

    # when
    response = client.post("/api/v1/users", _user_payload(), content_type="application/json")

    # then ninja's cookie auth runs Django's CSRF check and answers 403 (rendered as problem+json)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "CSRF" in response.json()["detail"]
    assert not User.objects.filter(username="apiuser").exists()
    assert audit_count() == before


def test_api_session_post_with_csrf_token_works():
    # given
    client = Client(enforce_csrf_checks=True)
    client.cookies = client_for("admin").cookies
    client.get("/accounts/me/")
    token = client.cookies["csrftoken"].value

    # when
    response = client.post("/api/v1/users", _user_payload(), content_type="application/json", HTTP_X_CSRFTOKEN=token)

    # then
    assert response.status_code == 201
    assert User.objects.filter(username="apiuser").exists()


def test_bearer_post_needs_no_csrf():
    # given
    _, token = services.create_access_token(actor=actor_for("admin"), membership=membership_of("admin"), name="ci")
    client = Client(enforce_csrf_checks=True)

    # when
    response = client.post("/api/v1/users", _user_payload(), content_type="application/json", **_bearer(token))

    # then
    assert response.status_code == 201
