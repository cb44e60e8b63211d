"""/api/v1/correction/liberty: 被依法限制人身自由 (CC-22, 《社区矫正法》第三十二条). Scope-checked like the
pages (out of scope = 404); errors are problem+json naming the field."""

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.orgs.scope import get_visible_or_404
from sifa.modules.correction import liberty_selectors as sel
from sifa.modules.correction import liberty_services as services
from sifa.modules.correction.choices import LibertyRestrictionKind
from sifa.modules.correction.models import CorrectionCase, LibertyRestriction
from sifa.modules.correction.selectors import display_name

router = Router(tags=["社区矫正·限制人身自由"])


class LibertyRestrictionOut(Schema):
    id: int
    case_id: int
    case_number: str
    subject_name: str
    kind: str
    kind_label: str
    custodial: bool = Field(..., description="羁押性措施：期间监管任务暂停")
    deciding_organ: str
    decision_number: str
    decided_on: datetime.date
    start_date: datetime.date
    expected_end: datetime.date | None
    notified_on: datetime.date = Field(..., description="社区矫正机构获知日期")
    notice_lag_days: int = Field(..., description="决定日期至获知日期的天数")
    notice_late: bool = Field(..., description="超过配置 reminders.liberty_notice_late_days 天（平台默认提示，非法定期限）")
    note: str
    ended_on: datetime.date | None
    end_note: str
    active: bool
    term_note: str = Field(..., description="矫正期限不因限制人身自由中止（CC-34）")

    @staticmethod
    def resolve_case_id(obj: LibertyRestriction) -> int:
        return obj.correction_case_id

    @staticmethod
    def resolve_case_number(obj: LibertyRestriction) -> str:
        return obj.correction_case.case.number

    @staticmethod
    def resolve_subject_name(obj: LibertyRestriction) -> str:
        return display_name(obj.correction_case)

    @staticmethod
    def resolve_kind_label(obj: LibertyRestriction) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_custodial(obj: LibertyRestriction) -> bool:
        return sel.is_custodial(obj)

    @staticmethod
    def resolve_notice_lag_days(obj: LibertyRestriction) -> int:
        return sel.notice_lag(obj)

    @staticmethod
    def resolve_notice_late(obj: LibertyRestriction) -> bool:
        return sel.notice_late(obj)

    @staticmethod
    def resolve_active(obj: LibertyRestriction) -> bool:
        return obj.ended_on is None

    @staticmethod
    def resolve_term_note(obj: LibertyRestriction) -> str:
        return sel.TERM_NOTE


class LibertyRestrictionIn(Schema):
    kind: str = Field(..., description="、".join(f"{v} {label}" for v, label in LibertyRestrictionKind.choices))
    deciding_organ: str = Field(..., max_length=128)
    decision_number: str = Field("", max_length=64)
    decided_on: datetime.date
    start_date: datetime.date
    expected_end: datetime.date | None = None
    notified_on: datetime.date = Field(..., description="社区矫正机构获知日期")
    note: str = Field("", max_length=2000)


class LibertyRestrictionEndIn(Schema):
    ended_on: datetime.date
    end_note: str = Field("", max_length=2000)


@router.get("/restrictions", response=list[LibertyRestrictionOut], summary="限制人身自由情形列表（case_id、active 筛选）")
@paginate(PagePagination)
def list_restrictions(request: HttpRequest, case_id: int | None = None, active: bool | None = None):  # type: ignore[no-untyped-def]
    rows = sel.restrictions_visible_to(actor_of(request))
    if case_id is not None:
        rows = rows.filter(correction_case_id=case_id)
    if active is not None:
        rows = rows.filter(ended_on__isnull=active)
    return rows


@router.post("/cases/{case_id}/restrictions", response={201: LibertyRestrictionOut},
             summary="登记被依法限制人身自由（CC-22）")
def create_restriction(request: HttpRequest, case_id: int, payload: LibertyRestrictionIn) -> Status[LibertyRestriction]:
    actor = actor_of(request)
    actor.require("correction.manage")
    detail = get_visible_or_404(CorrectionCase, actor, pk=case_id)
    row = services.record_liberty_restriction(actor=actor, detail=detail, **payload.dict())
    return Status(201, sel.restriction_for(actor, row.pk))


@router.get("/restrictions/{restriction_id}", response=LibertyRestrictionOut, summary="限制人身自由情形详情")
def get_restriction(request: HttpRequest, restriction_id: int) -> LibertyRestriction:
    return sel.restriction_for(actor_of(request), restriction_id)


@router.post("/restrictions/{restriction_id}/end", response=LibertyRestrictionOut, summary="登记限制人身自由结束")
def end_restriction(request: HttpRequest, restriction_id: int, payload: LibertyRestrictionEndIn) -> LibertyRestriction:
    actor = actor_of(request)
    actor.require("correction.manage")
    row = sel.restriction_for(actor, restriction_id)
    services.end_liberty_restriction(actor=actor, restriction=row, ended_on=payload.ended_on, end_note=payload.end_note)
    return sel.restriction_for(actor, row.pk)
