"""Work-log API (/api/v1/office/worklogs): logs in scope, one's own day, corrections, catalogue, auto items, photos."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.modules.judicial_office import selectors, services
from sifa.modules.judicial_office.catalogue import catalogue_for
from sifa.modules.judicial_office.models import AutoWorkItem, WorkCatalogueItem, WorkLog, WorkLogCorrection

router = Router(tags=["数字司法所·工作日志"])


class WorklogCatalogueItemOut(Schema):
    id: int
    code: str
    name: str
    category: str
    unit: str
    daily_ceiling: int
    org_id: int | None = Field(..., description="所属机构；null 为全省默认事项")
    order: int
    active: bool


class WorklogCatalogueOut(Schema):
    org_id: int | None = Field(..., description="当前机构")
    count: int
    items: list[WorklogCatalogueItemOut]


class WorklogPhotoOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    ledger_index: int | None


class WorklogLinkedCaseOut(Schema):
    id: int
    number: str
    title: str


class WorklogLogItemOut(Schema):
    code: str
    name: str
    unit: str
    count: int
    note: str
    photos: list[WorklogPhotoOut]
    cases: list[WorklogLinkedCaseOut]


class WorklogAutoItemOut(Schema):
    id: int
    org_id: int
    day: datetime.date
    code: str
    name: str
    count: int
    source: str = Field(..., description="来源（registry.work_sources 的键）")
    ref: str
    label: str
    url: str
    user_id: int | None


class WorklogAutoItemsOut(Schema):
    org_id: int
    day: datetime.date
    count: int
    items: list[WorklogAutoItemOut]


class WorklogFields(Schema):
    id: int
    org_id: int
    org_name: str
    author_id: int
    author_name: str
    day: datetime.date
    status: str = Field(..., description="draft（草稿）| submitted（已提交）")
    revision: int
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    updated_at: datetime.datetime


class WorklogOut(WorklogFields):
    @staticmethod
    def resolve_org_name(obj: WorkLog) -> str:
        return obj.org.name


class WorklogDetailOut(WorklogFields):
    text: str
    items: list[WorklogLogItemOut]
    auto_items: list[WorklogAutoItemOut]
    lock_date: datetime.date | None = Field(..., description="最后可直接修改的日期（之后须申请更正）")
    locked: bool


class WorklogItemIn(Schema):
    code: str = Field(..., max_length=64, description="工作事项编码")
    count: int = Field(..., description="数量（≥1）")
    note: str = Field("", max_length=500)
    photos: list[int] = Field(default_factory=list, description="照片附件 ID（先经 POST /photos 上传）")
    cases: list[int] = Field(default_factory=list, description="关联案件 ID")


class WorklogSaveIn(Schema):
    day: datetime.date = Field(..., description="工作日期（不能晚于今天）")
    items: list[WorklogItemIn] = Field(default_factory=list)
    text: str = Field("", max_length=5000, description="工作记事")
    submit: bool = Field(False, description="true 为提交，false 为保存草稿（已提交的日志保持已提交）")


class WorklogMyDayOut(Schema):
    day: datetime.date
    log: WorklogDetailOut | None
    auto_items: list[WorklogAutoItemOut]
    lock_date: datetime.date | None
    locked: bool


class WorklogCorrectionIn(Schema):
    reason: str = Field(..., max_length=2000, description="更正理由（必填）")
    items: list[WorklogItemIn] = Field(default_factory=list, description="更正后的全部工作事项")
    text: str = Field("", max_length=5000)


class WorklogProposedItemOut(Schema):
    code: str
    count: int
    note: str = ""
    photos: list[int] = []
    cases: list[int] = []


class WorklogProposedOut(Schema):
    text: str = ""
    items: list[WorklogProposedItemOut] = []


class WorklogCorrectionOut(Schema):
    id: int
    log_id: int
    org_name: str
    day: datetime.date
    requested_by_name: str
    reason: str
    proposed: WorklogProposedOut
    status: str = Field(..., description="pending（待审批）| approved（已批准）| rejected（已驳回）")
    decided_by_name: str
    decision_note: str
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_org_name(obj: WorkLogCorrection) -> str:
        return obj.log.org.name

    @staticmethod
    def resolve_day(obj: WorkLogCorrection) -> datetime.date:
        return obj.log.day


class WorklogDecisionIn(Schema):
    approve: bool = Field(..., description="true 批准，false 驳回")
    note: str = Field("", max_length=500, description="审批意见（驳回时必填）")


def _log(log: WorkLog) -> dict[str, Any]:
    return {"id": log.pk, "org_id": log.org_id, "org_name": log.org.name, "author_id": log.author_id,
            "author_name": log.author_name, "day": log.day, "status": log.status, "revision": log.revision,
            "created_at": log.created_at, "submitted_at": log.submitted_at, "updated_at": log.updated_at}


def _auto(a: AutoWorkItem) -> dict[str, Any]:
    return {"id": a.pk, "org_id": a.org_id, "day": a.day, "code": a.catalogue_item.code, "name": a.catalogue_item.name,
            "count": a.count, "source": a.source, "ref": a.ref, "label": a.label, "url": a.url, "user_id": a.user_id}


def _detail(request: HttpRequest, log: WorkLog) -> dict[str, Any]:
    actor = actor_of(request)
    lock = selectors.lock_of(log.day)
    items = []
    for i in log.items.all():
        items.append({"code": i.catalogue_item.code, "name": i.catalogue_item.name, "unit": i.catalogue_item.unit,
                      "count": i.count, "note": i.note, "photos": list(i.photos.all()),
                      "cases": [{"id": c.pk, "number": c.number, "title": c.title} for c in i.cases.all()]})
    return {**_log(log), "text": log.text, "items": items,
            "auto_items": [_auto(a) for a in selectors.auto_items_of_day(actor, log.org, log.day)],
            "lock_date": lock, "locked": lock is not None and timezone.localdate() > lock}


def _items(items: list[WorklogItemIn]) -> list[dict[str, Any]]:
    return [i.dict() for i in items]


# Static paths first: "/{log_id}" would otherwise catch them.

@router.get("/catalogue", response=WorklogCatalogueOut,
            summary="工作事项目录：适用于当前机构的事项（全省默认及本机构、上级机构增设的事项）")
def list_catalogue(request: HttpRequest, include_inactive: bool = False) -> dict[str, Any]:
    actor = actor_of(request)
    if actor.org is None:
        items = list(WorkCatalogueItem.objects.filter(org__isnull=True).order_by("order", "code"))
    else:
        items = list(catalogue_for(actor.org, active_only=not include_inactive))
    return {"org_id": actor.org.pk if actor.org else None, "count": len(items), "items": items}


@router.get("/mine", response=WorklogMyDayOut, summary="本人某日的工作日志（含当日自动汇入事项与修改期限）")
def my_day(request: HttpRequest, day: datetime.date | None = Query(None, description="工作日期，默认今天")  # noqa: B008
           ) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require("judicial_office.worklog.write")
    office = services.office_of(actor)
    day = day or timezone.localdate()
    log = selectors.own_log(actor, day)
    lock = selectors.lock_of(day)
    return {"day": day, "log": _detail(request, selectors.log_for(actor, log.pk)) if log else None,
            "auto_items": [_auto(a) for a in selectors.auto_items_of_day(actor, office, day)],
            "lock_date": lock, "locked": bool(log and log.status == "submitted" and lock and timezone.localdate() > lock)}


@router.post("/photos", response={201: WorklogPhotoOut},
             summary="上传一张工作日志照片（multipart/form-data：file），返回附件 ID；照片登记入存证账本")
def upload_photo(request: HttpRequest,
                 file: UploadedFile | None = File(None, description="图片文件（JPEG/PNG/GIF/WebP/HEIC）")  # noqa: B008
                 ) -> Status[Any]:
    actor = actor_of(request)
    actor.require("judicial_office.worklog.write")
    return Status(201, services.upload_work_photo(actor=actor, file=file))


@router.get("/auto-items", response=WorklogAutoItemsOut, summary="某司法所某日的自动汇入事项（本机构及下级）")
def list_auto_items(request: HttpRequest, org: int | None = Query(None, description="司法所 ID（必填）"),  # noqa: B008
                    day: datetime.date | None = Query(None, description="日期（必填）")) -> dict[str, Any]:  # noqa: B008
    actor = actor_of(request)
    actor.require("judicial_office.worklog.view")
    if org is None or day is None:
        errors = [{"field": f, "message": f"{f}：必填"} for f, v in (("org", org), ("day", day)) if v is None]
        raise ValidationFailed("请指定司法所 org 和日期 day", errors=errors)
    office = get_visible_or_404(Org, actor, pk=org)
    items = [_auto(a) for a in selectors.auto_items_of_day(actor, office, day)]
    return {"org_id": office.pk, "day": day, "count": len(items), "items": items}


@router.get("/corrections", response=list[WorklogCorrectionOut], summary="更正申请列表（本机构及下级）")
@paginate(PagePagination)
def list_corrections(request: HttpRequest,  # type: ignore[no-untyped-def]
                     status: str | None = Query(None, pattern="^(pending|approved|rejected)$",  # noqa: B008
                                                description="pending | approved | rejected")):
    actor = actor_of(request)
    actor.require("judicial_office.worklog.view")
    return selectors.corrections_visible_to(actor, status=status)


@router.get("/corrections/{correction_id}", response=WorklogCorrectionOut, summary="更正申请详情")
def get_correction(request: HttpRequest, correction_id: int) -> WorkLogCorrection:
    actor = actor_of(request)
    actor.require("judicial_office.worklog.view")
    return selectors.correction_for(actor, correction_id)


@router.post("/corrections/{correction_id}/decision", response=WorklogCorrectionOut,
             summary="审批更正申请：批准则以更正内容替换日志并重算当日汇总；驳回须填写意见")
def decide(request: HttpRequest, correction_id: int, payload: WorklogDecisionIn) -> WorkLogCorrection:
    actor = actor_of(request)
    actor.require("judicial_office.worklog.approve")
    correction = selectors.correction_for(actor, correction_id)
    services.decide_correction(actor=actor, correction=correction, approve=payload.approve, note=payload.note)
    return selectors.correction_for(actor, correction_id)


@router.get("", response=list[WorklogOut], summary="工作日志列表（本机构及下级；按机构、日期、填报人、状态筛选）")
@paginate(PagePagination)
def list_logs(request: HttpRequest, filters: Query[selectors.WorkLogFilter]):  # type: ignore[no-untyped-def]
    actor = actor_of(request)
    actor.require("judicial_office.worklog.view")
    return selectors.logs_visible_to(actor, filters=filters)


@router.post("", response=WorklogDetailOut,
             summary="保存本人某日的工作日志（新建或修改；submit=true 提交）；超过修改期限须申请更正")
def save_my_day(request: HttpRequest, payload: WorklogSaveIn) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require("judicial_office.worklog.write")
    log = services.save_work_log(actor=actor, day=payload.day, items=_items(payload.items), text=payload.text,
                                 submit=payload.submit)
    return _detail(request, selectors.log_for(actor, log.pk))


@router.get("/{log_id}", response=WorklogDetailOut, summary="工作日志详情（含照片、关联案件与当日自动汇入事项）")
def get_log(request: HttpRequest, log_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require("judicial_office.worklog.view")
    return _detail(request, selectors.log_for(actor, log_id))


@router.post("/{log_id}/corrections", response={201: WorklogCorrectionOut},
             summary="为本人已锁定的工作日志申请更正（须填写理由，由上级审批）")
def request_correction(request: HttpRequest, log_id: int, payload: WorklogCorrectionIn) -> Status[WorkLogCorrection]:
    actor = actor_of(request)
    actor.require("judicial_office.worklog.write")
    log = selectors.log_for(actor, log_id)
    correction = services.request_correction(actor=actor, log=log, reason=payload.reason, items=_items(payload.items),
                                             text=payload.text)
    return Status(201, WorkLogCorrection.objects.select_related("log", "log__org").get(pk=correction.pk))
