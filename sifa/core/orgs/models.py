"""Regions (行政区划) and organizations (机构), both valid over a date range.

Regions carry their official codes: GB/T 2260 (2/4/6 digits, written here without trailing
zeros: 33 → 3301 → 330111) and the 9-digit statistical code for townships (330111001), so
they nest by prefix. Boundary changes (撤县设区, township mergers) close a unit (``valid_to``)
and open its successor; records keep the unit they were made under.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from sifa.core.orgs.choices import OrgType, RegionLevel
from sifa.core.orgs.scope import ScopedQuerySet

if TYPE_CHECKING:
    from sifa.core.accounts.actor import Actor

PATH_SEGMENT_WIDTH = 8  # org path = zero-padded ids joined by "/", fixed width so children group by prefix


class RegionQuerySet(models.QuerySet["Region"]):
    def current(self) -> RegionQuerySet:
        return self.filter(valid_to__isnull=True)

    def in_force_on(self, day: datetime.date) -> RegionQuerySet:
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gt=day))


class Region(models.Model):
    """A unit of administrative division (行政区划), valid from ``valid_from`` until ``valid_to`` (exclusive)."""

    code = models.CharField("区划代码", max_length=12, db_index=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    valid_from = models.DateField("生效日期", default=datetime.date(2000, 1, 1))
    valid_to = models.DateField("失效日期", null=True, blank=True)
    successor = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="predecessors", verbose_name="继承单位"
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(valid_to__isnull=True), name="region_code_current_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class OrgQuerySet(ScopedQuerySet["Org"]):
    scope_path_field = "path"

    def current(self) -> OrgQuerySet:
        return self.filter(valid_to__isnull=True)

    def in_force_on(self, day: datetime.date) -> OrgQuerySet:
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gt=day))


class Org(models.Model):
    """An organization (机构) sitting in a region; ``path`` is the materialized path of ancestor ids.

    Scope: a membership at this org sees every org whose path starts with this org's path.
    """

    name = models.CharField("机构名称", max_length=128)
    type = models.CharField("机构类型", max_length=32, choices=OrgType.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="orgs", verbose_name="所在区划")
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级机构")
    path = models.CharField("路径", max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField("层级深度", default=0, editable=False)
    address = models.CharField("地址", max_length=255, blank=True)
    phone = models.CharField("电话", max_length=32, blank=True)
    valid_from = models.DateField("生效日期", default=datetime.date(2000, 1, 1))
    valid_to = models.DateField("失效日期", null=True, blank=True)
    successor = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="predecessors", verbose_name="继承机构"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["path"]
        indexes = [models.Index(fields=["type", "region"])]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def path_segment(pk: int) -> str:
        return f"{pk:0{PATH_SEGMENT_WIDTH}d}/"

    def ancestors(self) -> OrgQuerySet:
        """Ancestors from the root down, including self."""
        prefixes = [self.path[: i + PATH_SEGMENT_WIDTH + 1] for i in range(0, len(self.path), PATH_SEGMENT_WIDTH + 1)]
        return Org.objects.filter(path__in=prefixes).order_by("depth")

    def is_within(self, other: Org) -> bool:
        return self.path.startswith(other.path)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def visible_to_actor(self, actor: Actor) -> bool:
        return Org.objects.visible_to(actor).filter(pk=self.pk).exists()
