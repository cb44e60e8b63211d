"""Password storage and policy (等保2.0 三级 身份鉴别; ASVS 2.1, 2.4)."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from sifa.core.accounts import services
from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Membership, Role, User
from sifa.core.accounts.passwords import SifaPasswordValidator
from sifa.core.accounts.roles import OFFICE_STAFF
from sifa.core.accounts.tests.conftest import GOOD_PASSWORD, PASSWORD, audit_count, audit_rows
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.testing import actor_for, membership_of

TOO_SHORT = "密码至少需要 8 个字符"
TOO_FEW_CLASSES = "密码须包含大写字母、小写字母、数字、特殊字符中的至少三类"
CONTAINS_USERNAME = "密码不得包含用户名"


def test_production_settings_hash_passwords_with_argon2_first():
    # given the production settings module (the test settings swap in MD5 for speed)
    prod = importlib.import_module("sifa.project.settings")

    # when / then
    assert prod.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "MD5" not in " ".join(prod.PASSWORD_HASHERS)
    assert {"NAME": "sifa.core.accounts.passwords.SifaPasswordValidator"} in prod.AUTH_PASSWORD_VALIDATORS


def test_argon2_hasher_is_usable():
    # given the argon2 hasher (argon2-cffi installed)
    hasher = Argon2PasswordHasher()

    # when
    encoded = hasher.encode(PASSWORD, hasher.salt())

    # then
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify(PASSWORD, encoded)
    assert not hasher.verify("wrong", encoded)


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        ("Ab1#xyz", [TOO_SHORT]),
        ("abcdefgh12", [TOO_FEW_CLASSES]),
        ("ABCDEFGH!!", [TOO_FEW_CLASSES]),
        ("abc", [TOO_SHORT, TOO_FEW_CLASSES]),
        ("Zhangsan#2026", [CONTAINS_USERNAME]),
    ],
)
def test_validator_rejects_weak_passwords_in_chinese(password, messages):
    # given
    user = User(username="zhangsan")

    # when
    with pytest.raises(Exception) as exc_info:
        SifaPasswordValidator().validate(password, user)

    # then
    assert exc_info.value.messages == messages  # type: ignore[attr-defined]


def test_validator_accepts_a_strong_password():
    SifaPasswordValidator().validate(GOOD_PASSWORD, User(username="zhangsan"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1#xyz", TOO_SHORT),
        ("abcdefgh12", TOO_FEW_CLASSES),
        ("xCounty#2026", CONTAINS_USERNAME),
    ],
)
def test_change_password_rejects_weak_password(password, message):
    # given
    actor = actor_for("county")
    user = User.objects.get(username="county")
    before_hash, before_audit = user.password, audit_count()

    # when
    with pytest.raises(ValidationFailed) as exc_info:
        services.change_password(actor=actor, user=user, password=password, old_password=PASSWORD)

    # then
    assert message in exc_info.value.message
    assert exc_info.value.field == "password"
    user.refresh_from_db()
    assert user.password == before_hash
    assert user.check_password(PASSWORD)
    assert audit_count() == before_audit


@pytest.mark.django_db
def test_change_password_requires_the_old_password():
    # given
    actor = actor_for("county")
    user = User.objects.get(username="county")
    before_audit = audit_count()

    # when
    with pytest.raises(ValidationFailed) as exc_info:
        services.change_password(actor=actor, user=user, password=GOOD_PASSWORD, old_password="Wrong#2026")

    # then
    assert exc_info.value.field == "old_password"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert audit_count() == before_audit


@pytest.mark.django_db
def test_change_password_accepts_a_good_password():
    # given
    actor = actor_for("county")
    user = User.objects.get(username="county")

    # when
    services.change_password(actor=actor, user=user, password=GOOD_PASSWORD, old_password=PASSWORD)

    # then
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)
    assert not user.check_password(PASSWORD)
    [event] = audit_rows("accounts.user.password_changed")
    assert event.object_id == str(user.pk)
    assert event.changes == {"self_service": True}
    assert GOOD_PASSWORD not in str(event.changes)


@pytest.mark.django_db
def test_another_users_password_cannot_be_reset_without_accounts_manage():
    # given a leader (accounts.view only) and a user in scope
    actor = actor_for("city")
    user = User.objects.get(username="county")
    before_audit = audit_count()

    # when
    with pytest.raises(Exception) as exc_info:
        services.change_password(actor=actor, user=user, password=GOOD_PASSWORD)

    # then
    assert getattr(exc_info.value, "status", None) == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert audit_count() == before_audit


def _office() -> Org:
    return membership_of("office1").org


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1#xyz", TOO_SHORT),
        ("abcdefgh12", TOO_FEW_CLASSES),
        ("Wangwu#2026", CONTAINS_USERNAME),
    ],
)
def test_create_user_rejects_weak_password(password, message):
    # given
    before_users, before_memberships, before_audit = User.objects.count(), Membership.objects.count(), audit_count()

    # when
    with pytest.raises(ValidationFailed) as exc_info:
        services.create_user(actor=actor_for("admin"), username="wangwu", display_name="王五", password=password,
                             org=_office(), role=Role.objects.get(code=OFFICE_STAFF))

    # then
    assert message in exc_info.value.message
    assert exc_info.value.errors == [{"field": "password", "message": exc_info.value.message}]
    assert not User.objects.filter(username="wangwu").exists()
    assert (User.objects.count(), Membership.objects.count(), audit_count()) == (
        before_users, before_memberships, before_audit)


@pytest.mark.django_db
def test_create_user_accepts_a_good_password():
    # when
    user = services.create_user(actor=Actor.system("test"), username="wangwu", display_name="王五",
                                password=GOOD_PASSWORD, org=_office(), role=Role.objects.get(code=OFFICE_STAFF))

    # then
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)
    assert GOOD_PASSWORD not in user.password
    assert user.memberships.get().role.code == OFFICE_STAFF
    [event] = audit_rows("accounts.user.created")
    assert event.object_id == str(user.pk)
    assert event.actor_username == "test"
