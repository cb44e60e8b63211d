"""Users, roles (named permission sets shipped as data), memberships (org + role) and access tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import ScopedQuerySet


class User(AbstractUser):
    """A person who signs in. What they may do comes only from their memberships."""

    display_name = models.CharField("姓名", max_length=64, blank=True)
    phone = models.CharField("手机号", max_length=32, blank=True)
    totp_secret = models.TextField("TOTP 密钥（加密）", blank=True, editable=False)
    totp_enabled = models.BooleanField("已启用双因素认证", default=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.Model):
    """A named permission set (角色). Built-in roles are synced from ``data/roles.json`` after migrate."""

    code = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=32, unique=True)
    description = models.CharField("说明", max_length=255, blank=True)
    permissions = models.JSONField("权限", default=list)
    requires_2fa = models.BooleanField("必须启用双因素认证", default=False)
    builtin = models.BooleanField("内置", default=True)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(ScopedQuerySet["Membership"]):
    scope_path_field = "org__path"

    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, org__valid_to__isnull=True)


class Membership(models.Model):
    """任职: a user acting for an org in a role. The active membership is the ``actor`` of every service."""

    user = models.ForeignKey(User, models.CASCADE, related_name="memberships", verbose_name="用户")
    org = models.ForeignKey(Org, models.PROTECT, related_name="memberships", verbose_name="机构")
    role = models.ForeignKey(Role, models.PROTECT, related_name="memberships", verbose_name="角色")
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任职"
        ordering = ["user_id", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "org", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.org.name} · {self.role.name}"


class LoginFailure(models.Model):
    """A failed sign-in, kept to enforce the lockout (等保2.0 三级 身份鉴别)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip}"


class AccessTokenQuerySet(models.QuerySet["AccessToken"]):
    def usable(self) -> AccessTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class AccessToken(models.Model):
    """A personal access token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, models.CASCADE, related_name="tokens", verbose_name="用户")
    membership = models.ForeignKey(Membership, models.CASCADE, related_name="tokens", verbose_name="任职")
    name = models.CharField("名称", max_length=64)
    prefix = models.CharField("前缀", max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "访问令牌"
        verbose_name_plural = "访问令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
