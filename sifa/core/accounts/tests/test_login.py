"""Sign-in through the real login page: success, failure, lockout (等保2.0 三级 登录失败处理; ASVS 2.2)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from sifa.core.accounts.middleware import SESSION_MEMBERSHIP
from sifa.core.accounts.models import LoginFailure, User
from sifa.core.accounts.tests.conftest import PASSWORD, audit_count, audit_rows, is_signed_in, sign_in
from sifa.core.testing import membership_of

pytestmark = pytest.mark.django_db

THRESHOLD = 5


def test_threshold_is_five_failures():
    assert settings.SIFA_LOCKOUT_THRESHOLD == THRESHOLD
    assert settings.SIFA_LOCKOUT_MINUTES == 15


def test_login_page_renders():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert "账户登录" in response.content.decode()


def test_successful_login_without_2fa():
    # given
    client = Client()

    # when
    response = sign_in(client, "county", ip="10.1.1.1")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)
    assert client.session["_auth_user_id"] == str(User.objects.get(username="county").pk)
    assert client.session[SESSION_MEMBERSHIP] == membership_of("county").pk
    [event] = audit_rows("accounts.login.succeeded")
    assert event.actor_username == "county"
    assert event.ip == "10.1.1.1"
    assert event.membership_id == membership_of("county").pk
    assert event.changes == {"two_factor": False}
    assert client.get("/").status_code == 200


def test_login_rotates_the_session_key():
    # given an anonymous session (session fixation attempt)
    client = Client()
    client.get("/accounts/login/")
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key

    # when
    sign_in(client, "county")

    # then
    assert client.session.session_key != before


def test_login_redirects_to_a_safe_next_only():
    # given / when
    local = sign_in(Client(), "county", next_url="/persons/", ip="10.1.1.2")
    foreign = sign_in(Client(), "county", next_url="https://evil.example/", ip="10.1.1.3")

    # then
    assert local["Location"] == "/persons/"
    assert foreign["Location"] == "/"


def test_wrong_password_is_refused_in_chinese():
    # given
    client = Client()

    # when
    response = sign_in(client, "county", "Wrong#2026", ip="10.1.1.4")

    # then
    assert response.status_code == 400
    assert "用户名或密码错误" in response.content.decode()
    assert not is_signed_in(client)
    [event] = audit_rows("accounts.login.failed")
    assert event.object_repr == "county"
    assert event.changes == {"reason": "bad_credentials"}
    assert event.ip == "10.1.1.4"
    assert event.org_id == membership_of("county").org_id
    assert audit_rows("accounts.login.succeeded") == []
    assert LoginFailure.objects.filter(username="county", ip="10.1.1.4").count() == 1


def test_unknown_user_gets_the_same_message():
    # when
    response = sign_in(Client(), "nobody-here", "Wrong#2026", ip="10.1.1.5")

    # then
    assert response.status_code == 400
    assert "用户名或密码错误" in response.content.decode()
    [event] = audit_rows("accounts.login.failed")
    assert event.object_repr == "nobody-here"


def test_inactive_user_cannot_sign_in():
    # given
    User.objects.filter(username="county").update(is_active=False)
    client = Client()

    # when
    response = sign_in(client, "county", ip="10.1.1.6")

    # then
    assert response.status_code == 400
    assert "用户名或密码错误" in response.content.decode()
    assert not is_signed_in(client)
    assert audit_rows("accounts.login.succeeded") == []


def test_empty_form_is_a_bad_request_and_not_counted():
    # given
    before = audit_count()

    # when
    response = Client().post("/accounts/login/", {"username": "", "password": ""})

    # then
    assert response.status_code == 400
    assert LoginFailure.objects.count() == 0
    assert audit_count() == before


def test_five_failures_lock_the_account_even_for_the_right_password():
    # given five wrong passwords
    client = Client()
    for i in range(THRESHOLD):
        response = sign_in(client, "county", f"Wrong#{i}abc", ip="10.2.0.1")
        assert response.status_code == 400
    [locked] = audit_rows("accounts.login.locked_out")
    assert locked.object_repr == "county"
    assert locked.ip == "10.2.0.1"
    assert len(audit_rows("accounts.login.failed")) == THRESHOLD

    # when the right password is given from another address
    response = sign_in(client, "county", PASSWORD, ip="10.2.0.2")

    # then it is refused while locked
    assert response.status_code == 429
    assert "已锁定" in response.content.decode()
    assert not is_signed_in(client)
    assert audit_rows("accounts.login.succeeded") == []
    assert audit_rows("accounts.login.failed")[-1].changes == {"reason": "locked"}


def test_four_failures_do_not_lock():
    # given
    client = Client()
    for i in range(THRESHOLD - 1):
        sign_in(client, "county", f"Wrong#{i}abc", ip="10.2.1.1")

    # when
    response = sign_in(client, "county", PASSWORD, ip="10.2.1.1")

    # then
    assert response.status_code == 302
    assert audit_rows("accounts.login.locked_out") == []


def test_lock_expires_after_lockout_minutes(clock):
    # given a locked account
    client = Client()
    for i in range(THRESHOLD):
        sign_in(client, "county", f"Wrong#{i}abc", ip="10.2.2.1")
    assert sign_in(client, "county", ip="10.2.2.2").status_code == 429

    # when almost the lockout period passes, it is still locked
    clock(datetime.timedelta(minutes=settings.SIFA_LOCKOUT_MINUTES - 1))
    assert sign_in(client, "county", ip="10.2.2.3").status_code == 429

    # when the period has passed since the last failure
    clock(datetime.timedelta(minutes=2 * settings.SIFA_LOCKOUT_MINUTES + 1))
    response = sign_in(client, "county", ip="10.2.2.4")

    # then
    assert response.status_code == 302
    assert is_signed_in(client)


def test_old_failures_outside_the_window_do_not_count():
    # given five failures back-dated beyond the lockout window
    for _ in range(THRESHOLD):
        LoginFailure.objects.create(username="county", ip="10.2.3.1")
    LoginFailure.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=settings.SIFA_LOCKOUT_MINUTES + 1))

    # when
    response = sign_in(Client(), "county", ip="10.2.3.1")

    # then
    assert response.status_code == 302


def test_lockout_end_reported_is_when_the_lock_really_lifts(clock):
    # given four failures 14 minutes ago and a fifth one now
    client = Client()
    for i in range(THRESHOLD - 1):
        sign_in(client, "county", f"Wrong#{i}abc", ip="10.2.4.1")
    LoginFailure.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=settings.SIFA_LOCKOUT_MINUTES - 1))
    sign_in(client, "county", "Wrong#last1", ip="10.2.4.1")
    [locked] = audit_rows("accounts.login.locked_out")
    until = datetime.datetime.fromisoformat(locked.changes["until"])
    offset = until - timezone.now()

    # when shortly before the reported end, then it is still locked
    clock(offset - datetime.timedelta(seconds=5))
    assert sign_in(Client(), "county", ip="10.2.4.2").status_code == 429

    # when shortly after the reported end, then sign-in works again
    clock(offset + datetime.timedelta(seconds=5))
    response = sign_in(Client(), "county", ip="10.2.4.3")
    assert response.status_code == 302


def test_failures_from_one_ip_lock_that_ip_for_every_account():
    # given five failures for different unknown usernames from one address
    client = Client()
    for i in range(THRESHOLD):
        assert sign_in(client, f"ghost{i}", "Wrong#2026", ip="10.3.0.1").status_code == 400
    [locked] = audit_rows("accounts.login.locked_out")
    assert locked.ip == "10.3.0.1"

    # when a real account signs in with the right password from that address
    response = sign_in(client, "county", PASSWORD, ip="10.3.0.1")

    # then it is refused, while the same account from another address is fine
    assert response.status_code == 429
    assert not is_signed_in(client)
    other = Client()
    assert sign_in(other, "county", PASSWORD, ip="10.3.0.2").status_code == 302


def test_successful_login_clears_the_accounts_failures():
    # given four failures
    client = Client()
    for i in range(THRESHOLD - 1):
        sign_in(client, "county", f"Wrong#{i}abc", ip="10.4.0.1")
    assert LoginFailure.objects.filter(username="county").count() == THRESHOLD - 1

    # when
    assert sign_in(client, "county", ip="10.4.0.2").status_code == 302

    # then the counter starts again: four more failures do not lock
    assert LoginFailure.objects.filter(username="county").count() == 0
    other = Client()
    for i in range(THRESHOLD - 1):
        sign_in(other, "county", f"Wrong#{i}xyz", ip="10.4.0.3")
    assert sign_in(other, "county", ip="10.4.0.4").status_code == 302
    assert audit_rows("accounts.login.locked_out") == []


def test_username_case_does_not_bypass_the_lock():
    # given
    client = Client()
    for i in range(THRESHOLD):
        sign_in(client, "county", f"Wrong#{i}abc", ip=f"10.5.0.{i + 1}")

    # when
    response = sign_in(client, "COUNTY", PASSWORD, ip="10.5.0.9")

    # then the lock matches the username case-insensitively
    assert response.status_code == 429
    assert not is_signed_in(client)
