"""One filter for the liaison list: the page, the API list and the Excel export (CONVENTIONS §4.11)."""

from __future__ import annotations

from django.db.models import Q
from ninja import FilterSchema
from pydantic import Field

from sifa.core.orgs.scope import org_subtree_q
from sifa.core.persons.idnumbers import normalize_id_number


class LiaisonFilter(FilterSchema):
    """q: name, village/community or 司法所 name, or a full/masked identity number; org: a 司法所 or any org above."""

    q: str | None = Field(None, max_length=64, description="姓名、村（社区）、司法所名称，或身份证号（完整或脱敏形式）")
    org: int | None = Field(None, description="机构 ID：该司法所或该机构下的全部司法所")
    status: str | None = Field(None, pattern="^(active|removed)$", description="状态 active（在册）/ removed（已除名）")

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
        return Q(person__name__icontains=value) | Q(community__icontains=value) | Q(org__name__icontains=value)

    def filter_org(self, value: int | None) -> Q:
        return org_subtree_q(value)

    def filter_status(self, value: str | None) -> Q:
        return Q(status=value) if value else Q()
