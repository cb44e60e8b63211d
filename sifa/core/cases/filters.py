"""Case list filter: one definition for the page and the API."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from ninja import FilterSchema
from pydantic import Field

from sifa.core.cases.models import CaseDeadline, DeadlineStatus
from sifa.core.orgs.scope import org_subtree_q


class CaseFilter(FilterSchema):
    type: str | None = Field(None, max_length=48, description="案件类型代码")
    state: str | None = Field(None, max_length=48, description="状态代码")
    org: int | None = Field(None, description="承办机构 ID（含下级）")
    overdue: bool | None = Field(None, description="true：有已超期的期限")
    q: str | None = Field(None, max_length=64, description="案号或标题")

    def filter_type(self, value: str | None) -> Q:
        return Q(case_type=value) if value else Q()

    def filter_org(self, value: int | None) -> Q:
        return org_subtree_q(value)

    def filter_overdue(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        late = CaseDeadline.objects.filter(case=OuterRef("pk"), status=DeadlineStatus.RUNNING,
                                           due_date__lt=timezone.localdate())
        return Q(Exists(late)) if value else ~Q(Exists(late))

    def filter_q(self, value: str | None) -> Q:
        return Q(number__icontains=value) | Q(title__icontains=value) if value else Q()
