"""/api/v1/liaisons: list, detail, register, record an activity, statistics. Scope-checked like the pages."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.persons.idnumbers import mask_phone
from sifa.core.persons.models import Person
from sifa.modules.liaisons import selectors, services
from sifa.modules.liaisons.choices import ActivityKind
from sifa.modules.liaisons.filters import LiaisonFilter
from sifa.modules.liaisons.models import LegalLiaison, LiaisonActivity
from sifa.modules.liaisons.rules import YearAssessment, current_rules
from sifa.modules.liaisons.selectors import StatRow

router = Router(tags=["法律明白人"])


def _points(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class LiaisonOut(Schema):
    id: int
    person_id: int
    name: str
    gender: str
    id_number_masked: str
    phone_masked: str
    org_id: int
    org_name: str
    county_name: str
    community: str
    appointed_on: datetime.date
    status: str = Field(..., description="active（在册）/ removed（已除名）")
    status_label: str
    removed_on: datetime.date | None
    removal_reason: str

    @staticmethod
    def resolve_name(obj: LegalLiaison) -> str:
        return obj.person.name

    @staticmethod
    def resolve_gender(obj: LegalLiaison) -> str:
        return obj.person.gender

    @staticmethod
    def resolve_id_number_masked(obj: LegalLiaison) -> str:
        return obj.person.id_number_masked

    @staticmethod
    def resolve_phone_masked(obj: LegalLiaison) -> str:
        return mask_phone(obj.contact_phone)

    @staticmethod
    def resolve_org_name(obj: LegalLiaison) -> str:
        return obj.org.name

    @staticmethod
    def resolve_county_name(obj: LegalLiaison) -> str:
        return obj.org.parent.name if obj.org.parent else ""

    @staticmethod
    def resolve_status_label(obj: LegalLiaison) -> str:
        return obj.get_status_display()


class LiaisonTrainingOut(Schema):
    id: int
    trained_on: datetime.date
    title: str
    hours: str
    organiser: str

    @staticmethod
    def resolve_hours(obj: object) -> str:
        return str(obj.hours)  # type: ignore[attr-defined]


class LiaisonActivityOut(Schema):
    id: int
    kind: str
    kind_label: str
    done_on: datetime.date
    count: int
    note: str
    photo_ids: list[int] = Field(..., description="现场照片（附件 ID，经 /api/v1/attachments/{id}/content 下载）")

    @staticmethod
    def resolve_kind_label(obj: LiaisonActivity) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_photo_ids(obj: LiaisonActivity) -> list[int]:
        return [p.pk for p in obj.photos.all()]


class LiaisonRewardOut(Schema):
    id: int
    granted_on: datetime.date
    title: str
    reason: str
    level: str
    level_label: str

    @staticmethod
    def resolve_level_label(obj: object) -> str:
        return obj.get_level_display()  # type: ignore[attr-defined]


class LiaisonPointLineOut(Schema):
    key: str = Field(..., description="活动类型或 training")
    label: str
    rule: str = Field(..., description="计分规则，如「每场 2 分，上限 30 分」")
    units: str
    points: str
    capped: bool


class LiaisonYearOut(Schema):
    year: int
    total: str
    grade: str
    lines: list[LiaisonPointLineOut]


def _year_out(a: YearAssessment) -> dict[str, object]:
    return {"year": a.year, "total": _points(a.total), "grade": a.grade, "lines": [
        {"key": line.rule.key, "label": line.rule.label, "rule": line.rule.text, "units": f"{line.units.normalize():f}",
         "points": _points(line.points), "capped": line.capped} for line in a.lines]}


class LiaisonDetailOut(LiaisonOut):
    notes: str
    trainings: list[LiaisonTrainingOut]
    activities: list[LiaisonActivityOut]
    rewards: list[LiaisonRewardOut]
    points: list[LiaisonYearOut] = Field(..., description="历年积分与等次（新的在前）")

    @staticmethod
    def resolve_trainings(obj: LegalLiaison) -> list[object]:
        return list(obj.trainings.all())

    @staticmethod
    def resolve_activities(obj: LegalLiaison) -> list[object]:
        return list(obj.activities.all())

    @staticmethod
    def resolve_rewards(obj: LegalLiaison) -> list[object]:
        return list(obj.rewards.all())

    @staticmethod
    def resolve_points(obj: LegalLiaison) -> list[dict[str, object]]:
        return [_year_out(a) for a in selectors.year_points(obj, rules=current_rules())]


class LiaisonIn(Schema):
    person_id: int | None = Field(None, description="人员库中已登记的人员；不填时按姓名与身份证号登记（已登记的身份证号使用该人员）")
    name: str = Field("", max_length=64, description="姓名（不填 person_id 时必填）")
    id_number: str = Field("", max_length=32, description="居民身份证号（不填 person_id 时必填）")
    phone: str = Field("", max_length=32)
    org_id: int | None = Field(None, description="管理司法所（默认当前机构，须为司法所）")
    community: str = Field(..., min_length=1, max_length=64, description="所在村（社区）")
    appointed_on: datetime.date | None = Field(None, description="聘任日期（默认今天）")
    notes: str = Field("", max_length=500)


class LiaisonActivityIn(Schema):
    kind: str = Field(..., pattern="^(publicity|dispute|consultation|other)$",
                      description="publicity 法治宣传 / dispute 矛盾纠纷排查调处 / consultation 法律咨询 / other 其他")
    done_on: datetime.date
    count: int = Field(1, ge=1, le=999, description="次数（件数、人次）")
    note: str = Field("", max_length=255)


class LiaisonKindOut(Schema):
    value: str
    label: str


class LiaisonStatRowOut(Schema):
    org_id: int | None
    org_name: str
    offices: int = Field(..., description="司法所个数")
    registered: int = Field(..., description="年末在册人数（本年为当前在册）")
    removed: int = Field(..., description="本年除名人数")
    trained: int = Field(..., description="在册人员中本年参加过培训的人数")
    activities: dict[str, int] = Field(..., description="本年各类活动次数（件数）合计")
    activities_total: int
    average_points: str | None = Field(..., description="在册人员本年平均积分")


class LiaisonStatisticsOut(Schema):
    year: int
    level: str = Field(..., description="county：每县（区）一行；office：每个司法所一行")
    county_id: int | None
    county_name: str
    kinds: list[LiaisonKindOut]
    rows: list[LiaisonStatRowOut]
    total: LiaisonStatRowOut


def _stat_row(row: StatRow) -> dict[str, object]:
    return {"org_id": row.org.pk if row.org else None, "org_name": row.org.name if row.org else "合计",
            "offices": row.offices, "registered": row.registered, "removed": row.removed, "trained": row.trained,
            "activities": {kind: row.activities.get(kind, 0) for kind in ActivityKind.values},
            "activities_total": row.activities_total, "average_points": _points(row.average_points)}


@router.get("", response=list[LiaisonOut], summary="法律明白人列表与搜索")
@paginate(PagePagination)
def list_liaisons(request: HttpRequest, filters: Query[LiaisonFilter]):  # type: ignore[no-untyped-def]
    return selectors.liaisons_visible_to(actor_of(request), filters=filters)


@router.post("", response={201: LiaisonDetailOut}, summary="登记法律明白人")
def create_liaison(request: HttpRequest, payload: LiaisonIn) -> Status[LegalLiaison]:
    actor = actor_of(request)
    actor.require("liaisons.manage")
    person = get_visible_or_404(Person, actor, pk=payload.person_id) if payload.person_id else None
    org = get_visible_or_404(Org, actor, pk=payload.org_id) if payload.org_id else None
    liaison = services.register_liaison(actor=actor, person=person, name=payload.name, id_number=payload.id_number,
                                        phone=payload.phone, org=org, community=payload.community,
                                        appointed_on=payload.appointed_on, notes=payload.notes)
    return Status(201, selectors.liaison_for(actor, liaison.pk))


@router.get("/statistics", response=LiaisonStatisticsOut, summary="按县（区）、司法所统计（可下钻）")
def liaison_statistics(request: HttpRequest, year: int | None = None,
                       county: int | None = None) -> dict[str, object]:
    actor = actor_of(request)
    this_year = timezone.localdate().year
    if year is not None and not selectors.FIRST_YEAR <= year <= this_year:
        raise ValidationFailed(f"year 应在 {selectors.FIRST_YEAR} 至 {this_year} 之间", field="year")
    stats = selectors.statistics(actor, year=year or this_year, county=county)
    return {"year": stats.year, "level": stats.level, "county_id": stats.county.pk if stats.county else None,
            "county_name": stats.county.name if stats.county else "",
            "kinds": [{"value": v, "label": lbl} for v, lbl in stats.kinds],
            "rows": [_stat_row(r) for r in stats.rows], "total": _stat_row(stats.total)}


@router.get("/{liaison_id}", response=LiaisonDetailOut, summary="法律明白人详情（培训、活动、奖励、历年积分）")
def get_liaison(request: HttpRequest, liaison_id: int) -> LegalLiaison:
    return selectors.liaison_for(actor_of(request), liaison_id)


@router.post("/{liaison_id}/activities", response={201: LiaisonActivityOut}, summary="登记法律明白人活动")
def create_activity(request: HttpRequest, liaison_id: int, payload: LiaisonActivityIn) -> Status[LiaisonActivity]:
    actor = actor_of(request)
    actor.require("liaisons.manage")
    liaison = selectors.liaison_for(actor, liaison_id)
    activity = services.record_activity(actor=actor, liaison=liaison, kind=payload.kind, done_on=payload.done_on,
                                        count=payload.count, note=payload.note)
    return Status(201, activity)
