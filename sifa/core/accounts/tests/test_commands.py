"""CLI: ``sifa createadmin`` and ``sifa check``."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sifa.core.accounts.models import Membership, User
from sifa.core.accounts.roles import SYSTEM_ADMIN
from sifa.core.accounts.tests.conftest import GOOD_PASSWORD, audit_count, audit_rows, sign_in
from sifa.core.orgs.models import Org

pytestmark = pytest.mark.django_db


def test_createadmin_creates_a_system_admin_who_must_enrol_totp():
    # given
    out = io.StringIO()
    root = Org.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("id").first()

    # when
    call_command("createadmin", "opsadmin", password=GOOD_PASSWORD, stdout=out)

    # then
    user = User.objects.get(username="opsadmin")
    assert "已创建系统管理员 opsadmin" in out.getvalue()
    assert user.check_password(GOOD_PASSWORD)
    assert not user.totp_enabled
    membership = user.memberships.get()
    assert (membership.role.code, membership.org) == (SYSTEM_ADMIN, root)
    [event] = audit_rows("accounts.user.created")
    assert event.actor_username == "createadmin"
    assert sign_in(Client(), "opsadmin", GOOD_PASSWORD)["Location"] == "/accounts/2fa/setup/"


def test_createadmin_enforces_the_password_policy():
    # given
    before = (User.objects.count(), Membership.objects.count(), audit_count())

    # when / then
    with pytest.raises(CommandError) as exc_info:
        call_command("createadmin", "opsadmin", password="password", stdout=io.StringIO())
    assert "密码" in str(exc_info.value)
    assert not User.objects.filter(username="opsadmin").exists()
    assert (User.objects.count(), Membership.objects.count(), audit_count()) == before


def test_createadmin_refuses_an_existing_username():
    # given
    before = audit_count()

    # when / then
    with pytest.raises(CommandError, match="该用户名已被使用"):
        call_command("createadmin", "Admin", password=GOOD_PASSWORD, stdout=io.StringIO())
    assert audit_count() == before


def test_sifa_check_passes():
    # given
    out, err = io.StringIO(), io.StringIO()

    # when
    call_command("sifa_check", stdout=out, stderr=err)

    # then
    assert "检查通过" in out.getvalue()
    assert "连接正常" in out.getvalue()
    assert err.getvalue() == ""


def test_sifa_check_fails_when_debug_is_on(settings):
    # given
    settings.DEBUG = True

    # when / then
    with pytest.raises(CommandError):
        call_command("sifa_check", stdout=io.StringIO(), stderr=io.StringIO())
