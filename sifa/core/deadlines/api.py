
import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from sifa.core.api import actor_of
from sifa.core.deadlines import calculator, rules, selectors, services
from sifa.core.deadlines.models import CalendarYear

router = Router(tags=["期限"])


class StepOut(Schema):
    text: str = Field(..., description="计算步骤（中文）")
    basis: str = Field(..., description="依据：GEN 规则编号与法条")
    tag: str = Field(..., description="状态标记：V / V-local / NV / INT 或空")


class DeadlineOut(Schema):
    rule: str | None = Field(None, description="规则编号（RULES.md），自定义期间时为空")
    title: str | None = None
    article: str | None = Field(None, description="法条出处")
    status: str | None = Field(None, description="规则状态：V / V-local / NV / INT")
    flag: str | None = Field(None, description="NV/INT/V-local 规则须向用户显示的提示")
    variant: str | None = Field(None, description="所选配置选项")
    kind: str = Field(..., description="deadline / wait / exceeds / term / eligible / notice / fixed")
    label: str = Field(..., description="结果日期的含义，如“届满日”“最迟通知日”")
    start: str
    period: str = Field(..., description="法律规定的期间")
    counted_period: str = Field(..., description="实际计算的期间（如换算为工作日）")
    nominal: str = Field(..., description="顺延前的名义日期")
    due: str = Field(..., description="结果：日期 YYYY-MM-DD；以小时计算时为 YYYY-MM-DDTHH:MM")
    alert_on: datetime.date | None = Field(None, description="不顺延或固定日期时，此前最后一个工作日（提醒日）")
    adjustments: list[str] = Field(..., description="中止、延长记录")
    flags: list[str] = Field(..., description="计算中的实施约定（INT）与未核实（NV）提示")
    steps: list[StepOut] = Field(..., description="计算步骤（explain=true 时给出）")


class RuleOut(Schema):
    id: str
    domain: str
    title: str
    period: str
    statute: str
    kind: str
    rollover: str
    start: str
    article: str
    status: str
    flag: str
    note: str
    variants: list[str]
    period_required: bool


class CalendarYearOut(Schema):
    year: int
    notice: str
    source: str
    rest_days: list[datetime.date]
    makeup_days: list[datetime.date]
    loaded_at: datetime.datetime
    loaded_by: str


class RuleListOut(Schema):
    count: int
    items: list[RuleOut]


class CalendarListOut(Schema):
    count: int
    items: list[CalendarYearOut]


class CalendarYearIn(Schema):
    year: int = Field(..., description="年份")
    notice: str = Field(..., max_length=200, description="国务院办公厅通知文号或标题")
    rest_days: list[str] = Field(..., description="放假日期，每项 YYYY-MM-DD 或 YYYY-MM-DD~YYYY-MM-DD")
    makeup_days: list[str] = Field(default_factory=list, description="调休上班日期（周六、周日）")
    source: str = Field("", max_length=2000, description="来源（发布机关、日期、转载核对）")
    replace: bool = Field(False, description="覆盖已载入的同一年份")


class ComputeQuery(Schema):
    rule: str = Field("", description="规则编号，如 AR-11；为空时按 period 计算自定义期间")
    start: str = Field("", description="起算日 YYYY-MM-DD（以小时计算时 YYYY-MM-DDTHH:MM；通知类规则为事件日）")
    period: str = Field("", description="期间，如 5工作日、15日、3个月、1年、48小时（刑期类规则填写刑期）")
    variant: str = Field("", description="规则的配置选项，如 工作日、不顺延、在押")
    statute: str = Field("", description="自定义期间适用的法律（用于 GEN-06/07/08 换算与顺延依据）")
    custody_days: str = Field("", description="判决执行前羁押天数（刑期类规则）")
    extend: str = Field("", description="延长的期间，如 三十日")
    extend_reason: str = Field("", description="延长理由")
    extend_approver: str = Field("", description="批准人")
    suspend_from: str = Field("", description="中止开始日 YYYY-MM-DD")
    suspend_to: str = Field("", description="障碍消除日 YYYY-MM-DD")
    explain: bool = Field(False, description="是否给出计算步骤")


def _year_out(row: CalendarYear) -> dict[str, object]:
    return {"year": row.year, "notice": row.notice, "source": row.source, "rest_days": row.rest_days,
            "makeup_days": row.makeup_days, "loaded_at": row.loaded_at, "loaded_by": row.loaded_by}


@router.get("/compute", response=DeadlineOut, summary="计算法定期限（规则或自定义期间）")
def compute(request: HttpRequest, query: Query[ComputeQuery]) -> dict[str, object]:
    data = calculator.CalculatorInput(**query.dict(exclude={"explain"}))
    outcome = calculator.calculate(data, selectors.working_calendar(), explain=True)
    return calculator.payload(outcome, explain=query.explain)


@router.get("/rules", response=RuleListOut, summary="期限规则表")
def list_rules(request: HttpRequest) -> dict[str, object]:
    items = [{"id": r.id, "domain": r.domain, "title": r.title, "period": r.period_label(), "statute": r.statute.name,
              "kind": r.kind.value, "rollover": r.rollover.value, "start": r.start_label, "article": r.article,
              "status": r.status, "flag": r.flag, "note": r.note, "variants": list(r.variants),
              "period_required": r.period_required} for r in rules.rules().values()]
    return {"count": len(items), "items": items}


@router.get("/calendar", response=CalendarListOut, summary="已载入的节假日安排")
def list_calendar(request: HttpRequest) -> dict[str, object]:
    items = [_year_out(row) for row in selectors.calendar_years()]
    return {"count": len(items), "items": items}


@router.post("/calendar", response={201: CalendarYearOut}, summary="载入一年的节假日安排（系统管理员）")
def load_calendar(request: HttpRequest, payload: CalendarYearIn) -> Status[dict[str, object]]:
    actor = actor_of(request)
    row = services.load_calendar_year(actor=actor, year=payload.year, notice=payload.notice,
                                      rest_days=payload.rest_days, makeup_days=payload.makeup_days,
                                      source=payload.source, replace=payload.replace)
    return Status(201, _year_out(row))
