"""One filter definition per list, shared by the page, the API and the Excel export (CONVENTIONS §4.11)."""

from __future__ import annotations

from django.db.models import Q
from ninja import FilterSchema
from pydantic import Field

from sifa.core.orgs.scope import org_subtree_q
from sifa.core.persons.idnumbers import normalize_id_number


class PersonFilter(FilterSchema):
    """q: name, or a full/masked identity number, or a phone number; region: region code prefix."""

    q: str | None = Field(None, max_length=64, description="姓名、身份证号（完整或脱敏形式）或手机号")
    gender: str | None = Field(None, pattern="^[MF]$", description="性别 M/F")
    region: str | None = Field(None, pattern=r"^\d{2,9}$", description="区划代码（前缀匹配）")
    org: int | None = Field(None, description="登记机构 ID（含下级）")

    def filter_q(self, value: str | None) -> Q:
        if not value:
            return Q()
        value = value.strip()
        number = normalize_id_number(value)
        if len(number) == 18 and "*" not in number:
            from sifa.core.persons.services import id_number_index

            return Q(id_number_index=id_number_index(number))
        if "*" in number:
            return Q(id_number_masked=number)
        if value.replace("-", "").replace(" ", "").isdigit() and len(value) >= 4:
            return Q(phone__contains=value)
        return Q(name__icontains=value)

    def filter_region(self, value: str | None) -> Q:
        return Q(region__code__startswith=value) if value else Q()

    def filter_org(self, value: int | None) -> Q:
        return org_subtree_q(value)
