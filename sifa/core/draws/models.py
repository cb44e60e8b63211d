"""随机抽取 (verifiable random draws): one row per draw, public from its commitment on.

A draw publishes its pools and steps (``published``, hashed into ``pools_hash``) and a commitment to a
secret seed, both written to the evidence ledger (``commit_index``); the seed stays encrypted at rest
until the draw. The draw mixes the ledger root at a later tree size (``tree_size``/``root_hash``) into
the seed, stores the ``result``, reveals the seed and writes the result to the ledger (``draw_index``).
A draw cancelled before it is drawn reveals its seed too. The algorithm is in ``algorithm.py``
(docs/engines/draws.md). Every draw is public (双随机一公开): the pages and the public API show any
draw by number; only writes are scoped (``org``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import ScopedQuerySet


class DrawState(models.TextChoices):
    COMMITTED = "committed", "已承诺（待抽取）"
    DRAWN = "drawn", "已抽取"
    CANCELLED = "cancelled", "已取消"


STATE_BADGES = {DrawState.COMMITTED: "bg-yellow-lt", DrawState.DRAWN: "bg-green-lt", DrawState.CANCELLED: "bg-secondary-lt"}


class RandomDrawQuerySet(ScopedQuerySet["RandomDraw"]):
    scope_path_field = "org__path"


class RandomDraw(models.Model):
    """A verifiable random draw (双随机抽查的检查对象与执法人员、案卷评查的抽样案卷…)."""

    number = models.CharField("抽取编号", max_length=64, unique=True)
    purpose = models.CharField("用途", max_length=64, db_index=True,
                               help_text="调用模块给出的用途代码，如 enforcement.inspection")
    title = models.CharField("标题", max_length=200)
    org = models.ForeignKey(Org, models.PROTECT, related_name="random_draws", verbose_name="组织机构")
    hash_alg = models.CharField("哈希算法", max_length=16)
    published = models.JSONField("公开的名单与抽取步骤")
    pools_hash = models.CharField("名单哈希", max_length=128)
    commitment = models.CharField("种子承诺值", max_length=128)
    seed_encrypted = models.TextField("加密的种子", blank=True)
    seed = models.CharField("种子", max_length=64, blank=True, help_text="抽取或取消后公开")
    state = models.CharField("状态", max_length=16, choices=DrawState.choices, default=DrawState.COMMITTED)
    commit_index = models.BigIntegerField("承诺存证序号")
    draw_index = models.BigIntegerField("结果存证序号", null=True, blank=True)
    cancel_index = models.BigIntegerField("取消存证序号", null=True, blank=True)
    tree_size = models.BigIntegerField("所用账本树大小", null=True, blank=True)
    root_hash = models.CharField("所用账本根哈希", max_length=128, blank=True)
    result = models.JSONField("抽取结果", null=True, blank=True)
    cancel_reason = models.TextField("取消原因", blank=True)
    created_at = models.DateTimeField("承诺时间", default=timezone.now)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="发起人")
    created_by_name = models.CharField("发起人姓名", max_length=150, blank=True)

    objects = RandomDrawQuerySet.as_manager()

    class Meta:
        verbose_name = "随机抽取"
        verbose_name_plural = "随机抽取"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(state="drawn") | (
                models.Q(draw_index__isnull=False) & models.Q(tree_size__isnull=False)),
                name="draws_drawn_has_ledger_refs"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def badge(self) -> str:
        return STATE_BADGES.get(DrawState(self.state), "")

    @property
    def is_drawn(self) -> bool:
        return self.state == DrawState.DRAWN
