"""Account writes and security events: users, memberships, TOTP, tokens, sign-in, lockout."""

from __future__ import annotations

import datetime
import hashlib
import secrets

import pyotp
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from sifa.core import crypto
from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import AccessToken, LoginFailure, Membership, Role, User
from sifa.core.audit.recorder import diff, record
from sifa.core.errors import NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.services import service

TOTP_CONTEXT = "user.totp_secret"
TOKEN_PREFIX = "sifa_"


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), field="password") from exc


def _visible_user(actor: Actor, user: User) -> User:
    """A user is visible when one of their memberships is in the actor's subtree (or the actor is system)."""
    if actor.is_system:
        return user
    if not Membership.objects.visible_to(actor).filter(user=user).exists():
        raise NotFound()
    return user


def _check_membership_target(actor: Actor, org: Org, role: Role) -> None:
    if not Org.objects.visible_to(actor).filter(pk=org.pk).exists():
        raise NotFound("机构不存在或无权访问")
    if not org.is_current:
        raise ValidationFailed("该机构已撤销", field="org")
    if not actor.is_system and not set(role.permissions) <= actor.permissions:
        raise PermissionDeniedError("不能授予超出本人权限的角色")


@service("accounts.user.created")
def create_user(*, actor: Actor, username: str, display_name: str, password: str, org: Org, role: Role,
                phone: str = "") -> User:
    """Create a user with a first membership (org + role) inside the actor's scope."""
    actor.require("accounts.manage")
    username = username.strip()
    if not username:
        raise ValidationFailed("用户名不能为空", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed("该用户名已被使用", field="username")
    _check_membership_target(actor, org, role)
    user = User(username=username, display_name=display_name.strip(), phone=phone.strip())
    _validate_password(password, user)
    user.set_password(password)
    user.save()
    Membership.objects.create(user=user, org=org, role=role)
    record(actor=actor, action="accounts.user.created", obj=user,
           changes={"username": username, "org": org.pk, "role": role.code})
    return user


@service("accounts.user.updated")
def update_user(*, actor: Actor, user: User, display_name: str, phone: str, is_active: bool) -> User:
    actor.require("accounts.manage")
    _visible_user(actor, user)
    if actor.user is not None and user.pk == actor.user.pk and not is_active:
        raise ValidationFailed("不能停用自己的账户", field="is_active")
    before = {"display_name": user.display_name, "phone": user.phone, "is_active": user.is_active}
    user.display_name, user.phone, user.is_active = display_name.strip(), phone.strip(), is_active
    user.save(update_fields=["display_name", "phone", "is_active"])
    record(actor=actor, action="accounts.user.updated", obj=user,
           changes=diff(before, {"display_name": user.display_name, "phone": user.phone, "is_active": is_active}))
    return user


@service("accounts.user.password_changed")
def change_password(*, actor: Actor, user: User, password: str, old_password: str | None = None) -> User:
    """A user changes their own password (``old_password`` required) or an admin resets it."""
    own = actor.user is not None and actor.user.pk == user.pk
    if own:
        if old_password is None or not user.check_password(old_password):
            raise ValidationFailed("原密码不正确", field="old_password")
    else:
        actor.require("accounts.manage")
        _visible_user(actor, user)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor=actor, action="accounts.user.password_changed", obj=user, changes={"self_service": own})
    return user


@service("accounts.membership.added")
def add_membership(*, actor: Actor, user: User, org: Org, role: Role) -> Membership:
    actor.require("accounts.manage")
    if Membership.objects.filter(user=user).exists():
        _visible_user(actor, user)
    _check_membership_target(actor, org, role)
    membership, created = Membership.objects.get_or_create(user=user, org=org, role=role, defaults={"is_active": True})
    if not created:
        if membership.is_active:
            raise ValidationFailed("该用户已在此机构担任此角色", field="role")
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    record(actor=actor, action="accounts.membership.added", obj=membership,
           changes={"user": user.username, "org": org.pk, "role": role.code})
    return membership


@service("accounts.membership.deactivated")
def deactivate_membership(*, actor: Actor, membership: Membership) -> Membership:
    actor.require("accounts.manage")
    locked = Membership.objects.visible_to(actor).select_for_update().filter(pk=membership.pk).first()
    if locked is None:
        raise NotFound()
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    AccessToken.objects.filter(membership=locked, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record(actor=actor, action="accounts.membership.deactivated", obj=locked)
    return locked


# --- two-factor authentication (TOTP, RFC 6238) ---

def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_secret_of(user: User) -> str | None:
    return crypto.decrypt(user.totp_secret, context=TOTP_CONTEXT) if user.totp_secret else None


def verify_totp(user: User, code: str, *, secret: str | None = None) -> bool:
    secret = secret or totp_secret_of(user)
    if not secret:
        return False
    return pyotp.TOTP(secret).verify(code.strip().replace(" ", ""), valid_window=1)


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="sifa 司法")


@service("accounts.totp.enabled")
def enable_totp(*, actor: Actor, user: User, secret: str, code: str) -> User:
    """Enable TOTP after the user proves they hold the secret by entering a current code."""
    if actor.user is None or actor.user.pk != user.pk:
        raise PermissionDeniedError("只能为本人启用双因素认证")
    if not verify_totp(user, code, secret=secret):
        raise ValidationFailed("动态验证码不正确或已过期", field="code")
    user.totp_secret = crypto.encrypt(secret, context=TOTP_CONTEXT)
    user.totp_enabled = True
    user.save(update_fields=["totp_secret", "totp_enabled"])
    record(actor=actor, action="accounts.totp.enabled", obj=user)
    return user


def user_requires_2fa(user: User) -> bool:
    return Membership.objects.active().filter(user=user, role__requires_2fa=True).exists()


# --- personal access tokens ---

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@service("accounts.token.created")
def create_access_token(*, actor: Actor, membership: Membership, name: str,
                        expires_at: datetime.datetime | None = None) -> tuple[AccessToken, str]:
    """Create a token acting as ``membership``. Returns the token object and the token text (shown once)."""
    own = actor.user is not None and membership.user_id == actor.user.pk
    if not own and not actor.is_system:
        raise PermissionDeniedError("只能为本人创建访问令牌")
    if not membership.is_active:
        raise ValidationFailed("该任职已停用", field="membership")
    if not name.strip():
        raise ValidationFailed("令牌名称不能为空", field="name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    obj = AccessToken.objects.create(user=membership.user, membership=membership, name=name.strip()[:64],
                                     prefix=token[:12], token_hash=hash_token(token), expires_at=expires_at)
    record(actor=actor, action="accounts.token.created", obj=obj, changes={"membership": membership.pk})
    return obj, token


@service("accounts.token.revoked")
def revoke_access_token(*, actor: Actor, token: AccessToken) -> AccessToken:
    own = actor.user is not None and token.user_id == actor.user.pk
    if not own and not actor.is_system:
        raise NotFound()
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor=actor, action="accounts.token.revoked", obj=token)
    return token


def user_for_token(token: str) -> AccessToken | None:
    obj = (AccessToken.objects.usable().select_related("membership__org", "membership__role", "user")
           .filter(token_hash=hash_token(token)).first())
    if obj is None or not obj.user.is_active or not obj.membership.is_active:
        return None
    return obj


# --- sign-in, lockout (等保2.0 三级 身份鉴别: 登录失败处理) ---

def lockout_window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=settings.SIFA_LOCKOUT_MINUTES)


def locked_until(*, username: str, ip: str | None) -> datetime.datetime | None:
    """When the account or the IP has ≥ threshold failures inside the window, the time the lock ends."""
    threshold = settings.SIFA_LOCKOUT_THRESHOLD
    recent = LoginFailure.objects.filter(created_at__gte=lockout_window_start())
    for qs in (recent.filter(username__iexact=username), recent.filter(ip=ip) if ip else recent.none()):
        times = list(qs.order_by("-created_at").values_list("created_at", flat=True)[:threshold])
        if len(times) >= threshold:
            # The lock lifts when the oldest of the last ``threshold`` failures leaves the window.
            return times[-1] + datetime.timedelta(minutes=settings.SIFA_LOCKOUT_MINUTES)
    return None


def _membership_org_of(username: str) -> Org | None:
    m = Membership.objects.select_related("org").filter(user__username__iexact=username).order_by("id").first()
    return m.org if m else None


@service("accounts.login.failed")
def record_login_failure(*, actor: Actor, username: str, reason: str) -> LoginFailure:
    """A failed sign-in: counted for the lockout and audited under the account's org when it exists."""
    failure = LoginFailure.objects.create(username=username[:150], ip=actor.ip)
    record(actor=actor, action="accounts.login.failed", object_type="accounts.user", object_repr=username[:150],
           changes={"reason": reason}, org_override=_membership_org_of(username))
    return failure


@service("accounts.login.locked_out")
def record_lockout(*, actor: Actor, username: str, until: datetime.datetime) -> None:
    record(actor=actor, action="accounts.login.locked_out", object_type="accounts.user", object_repr=username[:150],
           changes={"until": until.isoformat()}, org_override=_membership_org_of(username))


@service("accounts.login.succeeded")
def record_login(*, actor: Actor, two_factor: bool) -> None:
    assert actor.user is not None
    LoginFailure.objects.filter(username__iexact=actor.user.username).delete()
    record(actor=actor, action="accounts.login.succeeded", obj=actor.user, changes={"two_factor": two_factor})


@service("accounts.logout")
def record_logout(*, actor: Actor) -> None:
    assert actor.user is not None
    record(actor=actor, action="accounts.logout", obj=actor.user)


@service("accounts.session.expired")
def record_session_expired(*, actor: Actor, idle_minutes: int) -> None:
    assert actor.user is not None
    record(actor=actor, action="accounts.session.expired", obj=actor.user, changes={"idle_minutes": idle_minutes})


def active_memberships(user: User) -> list[Membership]:
    return list(Membership.objects.active().filter(user=user).select_related("org", "role").order_by("id"))


def purge_old_login_failures() -> int:
    cutoff = timezone.now() - datetime.timedelta(days=1)
    return LoginFailure.objects.filter(Q(created_at__lt=cutoff)).delete()[0]
