"""Two-factor sign-in with TOTP (等保2.0 三级 双因素鉴别; ASVS 2.8)."""

from __future__ import annotations

import datetime

import pyotp
import pytest
from django.test import Client

from sifa.core.accounts import services
from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Role, User
from sifa.core.accounts.roles import SYSTEM_ADMIN
from sifa.core.accounts.tests.conftest import GOOD_PASSWORD, audit_count, audit_rows, is_signed_in, sign_in
from sifa.core.accounts.views import PENDING_SECRET, PENDING_USER
from sifa.core.orgs.models import Org

pytestmark = pytest.mark.django_db

LOGIN_2FA = "/accounts/login/2fa/"
SETUP_2FA = "/accounts/2fa/setup/"


def wrong_code(secret: str) -> str:
    """A six-digit code that is not valid now, nor two steps either side (so the clock ticking cannot make it valid)."""
    totp = pyotp.TOTP(secret)
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if not totp.verify(code, valid_window=2))


def admin_secret() -> str:
    secret = services.totp_secret_of(User.objects.get(username="admin"))
    assert secret
    return secret


def test_admin_must_pass_totp_before_being_signed_in():
    # given
    client = Client()

    # when the password is right
    response = sign_in(client, "admin", ip="10.6.0.1")

    # then the second step is asked for and the user is not signed in yet
    assert response.status_code == 302
    assert response["Location"] == LOGIN_2FA
    assert not is_signed_in(client)
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith("/accounts/login/")
    assert audit_rows("accounts.login.succeeded") == []
    assert client.get(LOGIN_2FA).status_code == 200


def test_wrong_totp_code_is_refused_and_audited():
    # given
    client = Client()
    sign_in(client, "admin", ip="10.6.0.2")

    # when
    response = client.post(LOGIN_2FA, {"code": wrong_code(admin_secret())}, REMOTE_ADDR="10.6.0.2")

    # then
    assert response.status_code == 400
    assert "动态验证码不正确或已过期" in response.content.decode()
    assert not is_signed_in(client)
    [event] = audit_rows("accounts.login.failed")
    assert event.object_repr == "admin"
    assert event.changes == {"reason": "bad_totp"}
    assert audit_rows("accounts.login.succeeded") == []


def test_right_totp_code_signs_in_with_two_factor():
    # given
    client = Client()
    sign_in(client, "admin", ip="10.6.0.3")

    # when
    response = client.post(LOGIN_2FA, {"code": pyotp.TOTP(admin_secret()).now()}, REMOTE_ADDR="10.6.0.3")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)
    assert PENDING_USER not in client.session
    [event] = audit_rows("accounts.login.succeeded")
    assert event.actor_username == "admin"
    assert event.changes == {"two_factor": True}
    assert event.ip == "10.6.0.3"
    assert client.get("/").status_code == 200


def test_totp_step_without_a_password_step_goes_back_to_login():
    # when
    response = Client().post(LOGIN_2FA, {"code": pyotp.TOTP(admin_secret()).now()})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert audit_rows("accounts.login.succeeded") == []


def test_repeated_wrong_totp_codes_lock_the_account():
    # given
    client = Client()
    sign_in(client, "admin", ip="10.6.0.4")
    bad = wrong_code(admin_secret())
    for _ in range(5):
        client.post(LOGIN_2FA, {"code": bad}, REMOTE_ADDR="10.6.0.4")
    assert len(audit_rows("accounts.login.locked_out")) == 1

    # when even the right code is given
    response = client.post(LOGIN_2FA, {"code": pyotp.TOTP(admin_secret()).now()}, REMOTE_ADDR="10.6.0.4")

    # then
    assert response.status_code == 400
    assert "锁定" in response.content.decode()
    assert not is_signed_in(client)


def test_enrolled_user_cannot_skip_totp_by_enrolling_a_new_secret():
    # given the admin has passed the password step only (an attacker who knows the password)
    client = Client()
    sign_in(client, "admin", ip="10.6.0.5")
    before_secret = User.objects.get(username="admin").totp_secret
    before_audit = audit_count()

    # when the setup page is used instead of the TOTP step
    page = client.get(SETUP_2FA)
    secret = client.session.get(PENDING_SECRET) or pyotp.random_base32()
    response = client.post(SETUP_2FA, {"code": pyotp.TOTP(secret).now()})

    # then no new secret is offered, nothing changes, and the user is not signed in
    assert page.status_code == 302
    assert page["Location"] == LOGIN_2FA
    assert response.status_code == 302
    assert response["Location"] == LOGIN_2FA
    assert not is_signed_in(client)
    assert User.objects.get(username="admin").totp_secret == before_secret
    assert audit_count() == before_audit


def _new_system_admin() -> User:
    root = Org.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("id").first()
    return services.create_user(actor=Actor.system("test"), username="newroot", display_name="新管理员",
                                password=GOOD_PASSWORD, org=root, role=Role.objects.get(code=SYSTEM_ADMIN))


def test_system_admin_without_totp_must_enrol_before_signing_in():
    # given a system admin who has not enrolled TOTP
    user = _new_system_admin()
    client = Client()

    # when the password is right
    response = sign_in(client, "newroot", GOOD_PASSWORD, ip="10.6.1.1")

    # then enrolment is required and the user is not signed in
    assert response.status_code == 302
    assert response["Location"] == SETUP_2FA
    assert not is_signed_in(client)
    assert client.get("/").status_code == 302
    page = client.get(SETUP_2FA)
    assert page.status_code == 200
    secret = client.session[PENDING_SECRET]
    assert secret in page.content.decode()
    assert not is_signed_in(client)

    # when a wrong code is entered
    before = audit_count()
    bad = client.post(SETUP_2FA, {"code": wrong_code(secret)}, REMOTE_ADDR="10.6.1.1")

    # then it is refused, nothing is enabled
    assert bad.status_code == 400
    assert "动态验证码不正确或已过期" in bad.content.decode()
    assert not is_signed_in(client)
    user.refresh_from_db()
    assert not user.totp_enabled
    assert user.totp_secret == ""
    assert audit_count() == before

    # when the code for the shown secret is entered
    done = client.post(SETUP_2FA, {"code": pyotp.TOTP(secret).now()}, REMOTE_ADDR="10.6.1.1")

    # then TOTP is enabled (secret stored encrypted) and the sign-in completes with two factors
    assert done.status_code == 302
    assert done["Location"] == "/"
    assert is_signed_in(client)
    assert PENDING_SECRET not in client.session
    user.refresh_from_db()
    assert user.totp_enabled
    assert secret not in user.totp_secret
    assert services.totp_secret_of(user) == secret
    [enabled] = audit_rows("accounts.totp.enabled")
    assert enabled.object_id == str(user.pk)
    assert enabled.actor_username == "newroot"
    [succeeded] = audit_rows("accounts.login.succeeded")
    assert succeeded.changes == {"two_factor": True}


def test_next_sign_in_after_enrolment_asks_for_the_code():
    # given a system admin who enrolled
    user = _new_system_admin()
    first = Client()
    sign_in(first, "newroot", GOOD_PASSWORD)
    first.get(SETUP_2FA)
    secret = first.session[PENDING_SECRET]
    first.post(SETUP_2FA, {"code": pyotp.TOTP(secret).now()})
    user.refresh_from_db()
    assert user.totp_enabled

    # when
    response = sign_in(Client(), "newroot", GOOD_PASSWORD)

    # then
    assert response["Location"] == LOGIN_2FA


def test_enable_totp_only_for_oneself():
    # given
    user = _new_system_admin()
    secret = services.new_totp_secret()
    before = audit_count()

    # when
    with pytest.raises(Exception) as exc_info:
        services.enable_totp(actor=Actor.system("test"), user=user, secret=secret, code=pyotp.TOTP(secret).now())

    # then
    assert getattr(exc_info.value, "status", None) == 403
    user.refresh_from_db()
    assert not user.totp_enabled
    assert audit_count() == before


def test_password_step_expires_after_five_minutes(clock):
    # given admin passed the password step
    from django.test import Client

    client = Client()
    response = client.post("/accounts/login/", {"username": "admin", "password": "Sifa#2026"})
    assert response["Location"] == "/accounts/login/2fa/"
    # when six minutes pass
    clock(datetime.timedelta(minutes=6))
    # then the TOTP page sends them back to the password step
    response = client.get("/accounts/login/2fa/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_signed_in_user_cannot_replace_an_enrolled_secret():
    from sifa.core.accounts.models import User
    from sifa.core.accounts.services import totp_secret_of
    from sifa.core.testing import client_for

    before = totp_secret_of(User.objects.get(username="admin"))
    response = client_for("admin").get("/accounts/2fa/setup/")
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    assert totp_secret_of(User.objects.get(username="admin")) == before
