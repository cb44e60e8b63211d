"""Access grants (授权查阅): a case's org lets one outside reviewer read that case's evidence.

A grant names either a user (``grantee``, typically a 法院 or 复议机构 account with the role
external_reviewer) or nobody: then it is a link grant, opened by a random token in a URL plus an
access code sent out of band. Only hashes are stored (SHA-256 of the token, a password hash of the
code). Every grant expires (at most ``SIFA_GRANT_MAX_DAYS`` days), can be revoked, and a link grant
locks after ``MAX_CODE_ATTEMPTS`` wrong codes. See docs/engines/casecodes.md.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sifa.core.casecodes.choices import GrantState
from sifa.core.cases.models import Case
from sifa.core.orgs.scope import ScopedQuerySet

#: Wrong access codes after which a link grant locks (it must then be issued anew).
MAX_CODE_ATTEMPTS = 5


class AccessGrantQuerySet(ScopedQuerySet["AccessGrant"]):
    """Grants are seen by whoever sees their case (the case's org subtree)."""

    scope_path_field = "case__org__path"

    def live(self, now: datetime.datetime | None = None) -> AccessGrantQuerySet:
        """Neither expired, revoked nor locked."""
        return self.filter(revoked_at__isnull=True, locked_at__isnull=True, expires_at__gt=now or timezone.now())


class AccessGrant(models.Model):
    """A time-limited, revocable permission for one reviewer to read one case's evidence."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="access_grants", verbose_name="案件")
    grantee = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                related_name="access_grants", verbose_name="被授权用户")
    token_hash = models.CharField("链接令牌 SHA-256", max_length=64, null=True, blank=True, unique=True,
                                  editable=False)
    code_hash = models.CharField("访问码哈希", max_length=255, blank=True, editable=False)
    failed_attempts = models.PositiveSmallIntegerField("访问码错误次数", default=0)
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)
    note = models.CharField("用途/备注", max_length=200, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="签发人")
    issued_by_name = models.CharField("签发人姓名", max_length=150)
    issued_at = models.DateTimeField("签发时间", default=timezone.now)
    expires_at = models.DateTimeField("有效期至")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="撤销人")
    revoked_by_name = models.CharField("撤销人姓名", max_length=150, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    use_count = models.PositiveIntegerField("使用次数", default=0)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = "查阅授权"
        verbose_name_plural = "查阅授权"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grantee__isnull=False, token_hash__isnull=True)
                | Q(grantee__isnull=True, token_hash__isnull=False),
                name="access_grant_user_or_link"),
        ]

    def __str__(self) -> str:
        return f"查阅授权 #{self.pk}"

    @property
    def is_link(self) -> bool:
        return self.grantee_id is None

    @property
    def grantee_label(self) -> str:
        if self.grantee is None:
            return "链接 + 访问码"
        return f"{self.grantee.display_name or self.grantee.username}（{self.grantee.username}）"

    def state(self, now: datetime.datetime | None = None) -> GrantState:
        if self.revoked_at is not None:
            return GrantState.REVOKED
        if self.locked_at is not None:
            return GrantState.LOCKED
        if self.expires_at <= (now or timezone.now()):
            return GrantState.EXPIRED
        return GrantState.LIVE

    @property
    def state_label(self) -> str:
        return self.state().label

    @property
    def is_live(self) -> bool:
        return self.state() == GrantState.LIVE
