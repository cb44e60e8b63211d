"""Persons registry: natural persons (自然人) and entities (法人和其他组织).

A person's 居民身份证号 is never stored in clear: ``id_number_encrypted`` (AES-256-GCM),
``id_number_index`` (keyed HMAC blind index, unique: one person per number) and
``id_number_masked`` (for display and masked search) — PI-01, PI-08 (《个人信息保护法》第三十四条).
"""

from __future__ import annotations

from django.db import models

from sifa.core.orgs.models import Org, Region
from sifa.core.orgs.scope import ScopedQuerySet


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class PersonQuerySet(ScopedQuerySet["Person"]):
    scope_path_field = "org__path"


class Person(models.Model):
    """A natural person known to the platform, owned (for scope) by the org that registered them."""

    name = models.CharField("姓名", max_length=64, db_index=True)
    id_number_encrypted = models.TextField("身份证号（密文）", editable=False)
    id_number_index = models.CharField("身份证号索引", max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField("身份证号", max_length=18, db_index=True, editable=False)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    phone = models.CharField("联系电话", max_length=32, blank=True, db_index=True)
    address = models.CharField("住址", max_length=255, blank=True)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="居住地区划")
    org = models.ForeignKey(Org, models.PROTECT, related_name="persons", verbose_name="登记机构")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "自然人"
        verbose_name_plural = "自然人"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"


class EntityQuerySet(ScopedQuerySet["Entity"]):
    scope_path_field = "org__path"


class Entity(models.Model):
    """A legal person or other organization identified by its 统一社会信用代码 (GB 32100)."""

    name = models.CharField("名称", max_length=128, db_index=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    legal_representative = models.CharField("法定代表人", max_length=64, blank=True)
    address = models.CharField("住所", max_length=255, blank=True)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所在区划")
    org = models.ForeignKey(Org, models.PROTECT, related_name="entities", verbose_name="登记机构")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name = "法人和其他组织"
        verbose_name_plural = "法人和其他组织"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name
