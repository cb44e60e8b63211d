"""Filters for the 行政执法监督 lists: one per listable model, shared by pages, API lists and exports (§4.11)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from ninja import FilterSchema
from pydantic import Field

from sifa.core.orgs.scope import org_subtree_q
from sifa.core.persons.idnumbers import normalize_id_number
from sifa.modules.enforcement import config


class EnforcementBodyFilter(FilterSchema):
    q: str | None = Field(None, max_length=64, description="主体名称或机构名称")
    active: bool | None = Field(None, description="是否在用")

    def filter_q(self, value: str | None) -> Q:
        if not value or not value.strip():
            return Q()
        return Q(name__icontains=value.strip()) | Q(org__name__icontains=value.strip())

    def filter_active(self, value: bool | None) -> Q:
        return Q() if value is None else Q(active=value)


class EnforcementOfficerFilter(FilterSchema):
    """q: name, 执法证号, or a full/masked identity number; body; status; expiring (有效期在提醒天数内届满)."""

    q: str | None = Field(None, max_length=64, description="姓名、执法证号，或身份证号（完整或脱敏形式）")
    body: int | None = Field(None, description="执法主体 ID")
    org: int | None = Field(None, description="机构 ID：该机构及其下级机构的执法主体")
    status: str | None = Field(None, pattern="^(valid|suspended|revoked)$",
                               description="证件状态 valid（有效）/ suspended（暂扣）/ revoked（注销）")
    expiring: bool | None = Field(None, description="true：有效且在提醒天数内（默认 30 天）到期或已过期")
    auxiliary: bool | None = Field(None, description="是否辅助人员")

    def filter_q(self, value: str | None) -> Q:
        if not value or not value.strip():
            return Q()
        value = value.strip()
        number = normalize_id_number(value)
        if len(number) == 18 and "*" not in number and number[:17].isdigit():
            from sifa.core.persons.services import id_number_index

            return Q(person__id_number_index=id_number_index(number))
        if "*" in number:
            return Q(person__id_number_masked=number)
        return Q(person__name__icontains=value) | Q(certificate_number__icontains=value.upper())

    def filter_body(self, value: int | None) -> Q:
        return Q() if value is None else Q(body_id=value)

    def filter_org(self, value: int | None) -> Q:
        return org_subtree_q(value, path_lookup="body__org__path")

    def filter_status(self, value: str | None) -> Q:
        return Q(status=value) if value else Q()

    def filter_expiring(self, value: bool | None) -> Q:
        if not value:
            return Q()
        horizon = timezone.localdate() + datetime.timedelta(days=config.expiring_days())
        return Q(status="valid", valid_until__lte=horizon)

    def filter_auxiliary(self, value: bool | None) -> Q:
        return Q() if value is None else Q(is_auxiliary=value)


class PowerItemFilter(FilterSchema):
    q: str | None = Field(None, max_length=64, description="事项名称、编码或依据中的文字")
    body: int | None = Field(None, description="执法主体 ID")
    kind: str | None = Field(None, max_length=16, description="事项类型，如 penalty（行政处罚）")
    field: str | None = Field(None, max_length=32, description="执法领域，如 city_appearance（市容环卫）")
    active: bool | None = Field(None, description="是否在用")

    def filter_q(self, value: str | None) -> Q:
        if not value or not value.strip():
            return Q()
        value = value.strip()
        return Q(name__icontains=value) | Q(code__icontains=value) | Q(basis_text__icontains=value)

    def filter_body(self, value: int | None) -> Q:
        return Q() if value is None else Q(body_id=value)

    def filter_kind(self, value: str | None) -> Q:
        return Q(kind=value) if value else Q()

    def filter_field(self, value: str | None) -> Q:
        return Q(field=value) if value else Q()

    def filter_active(self, value: bool | None) -> Q:
        return Q() if value is None else Q(active=value)
