"""一表一报告两函三单三书: the ten documents 数字司法所 generates from its data (core documents engine).

| code | document | file | parameters |
|---|---|---|---|
| ``jo_monthly_table`` | 一表 月度工作统计表 | .xlsx | period |
| ``jo_monthly_report`` | 一报告 月度工作分析报告 (with charts) | .docx | period |
| ``jo_reminder_letter`` | 提醒函 | .docx | to (office) |
| ``jo_supervision_letter`` | 督办函 | .docx | to (office) |
| ``jo_warning_sheet`` | 预警单 | .docx | alert |
| ``jo_rectification_notice`` | 整改通知单 | .docx | alert, days |
| ``jo_rectification_feedback`` | 整改反馈单 | .docx | alert |
| ``jo_assessment_bulletin`` | 考核通报 | .docx | period |
| ``jo_work_advice`` | 工作建议书 | .docx | to (office), period |
| ``jo_commendation`` | 表彰书 | .docx | period |

Every one is issued by an org (``subject="org"``) through ``generate_org_document``: numbered,
stored as an attachment of the org and logged to the ledger. The figures come from the cockpit's
selectors (``cockpit_for``) over the issuing org's subtree, from plan occurrences and from alerts,
so a report says exactly what the cockpit shows. The monthly table and report are also issued by
the worker on the first working day of each month for the previous month (``issue_monthly_reports``),
for every org of the types in ``SIFA_MONTHLY_REPORT_ORG_TYPES``; a report already issued for a period
is not issued again. The names follow common local usage (浙江 "一表一报告两函三单三书"); adapt the
labels and templates (data/reports/*.toml, ``sifa doc-template build``) to local practice.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.alerts.models import Alert, AlertStep
from sifa.core.deadlines.calendar import CalendarMissing
from sifa.core.deadlines.selectors import working_calendar
from sifa.core.documents.charts import bar_chart_png
from sifa.core.documents.models import GeneratedDocument
from sifa.core.documents.rendering import DocImage
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.tasks.compat import task
from sifa.modules.judicial_office.choices import OccurrenceStatus
from sifa.modules.judicial_office.cockpit import Cockpit, CockpitPeriod, cockpit_for
from sifa.modules.judicial_office.models import PlanOccurrence

PACKAGE = "sifa.modules.judicial_office"
MONTHLY_TYPES = ("jo_monthly_table", "jo_monthly_report")
RECTIFICATION_DAYS = 10  # default 整改期限 in working days (parameter "days" overrides)
SYSTEM = "月度报表"


# --- parameters --------------------------------------------------------------------------------------

def month_of(params: Mapping[str, Any]) -> CockpitPeriod:
    """The month named by ``params["period"]`` ("2026-10") as a cockpit period (first to last day)."""
    value = str(params.get("period", "")).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValidationFailed(f"月份「{value}」无效，请按 YYYY-MM 填写，如 2026-10", field="period")
    first = datetime.date(int(match.group(1)), int(match.group(2)), 1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return CockpitPeriod(first, following - datetime.timedelta(days=1), "custom")


def _month_label(period: CockpitPeriod) -> str:
    return f"{period.start.year}年{period.start.month}月"


def _target(org: Org, params: Mapping[str, Any]) -> Org:
    """The office a letter is addressed to (``params["to"]``): a 司法所 in the issuing org's subtree."""
    value = str(params.get("to", "")).strip()
    target = Org.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if target is None or not target.path.startswith(org.path) or target.type != OrgType.JUDICIAL_OFFICE:
        raise ValidationFailed("请填写本机构辖区内受文司法所的编号", field="to")
    return target


def _alert(org: Org, params: Mapping[str, Any]) -> Alert:
    """The alert a sheet is about (``params["alert"]``): one in the issuing org's subtree."""
    value = str(params.get("alert", "")).strip()
    alert = Alert.objects.select_related("org").filter(pk=int(value)).first() if value.isdigit() else None
    if alert is None or not alert.org.path.startswith(org.path):
        raise ValidationFailed("请填写本机构辖区内预警的编号", field="alert")
    return alert


def _cockpit(org: Org, period: CockpitPeriod) -> Cockpit:
    # The issuing actor had ``org`` in scope (checked by generate_org_document); the report covers exactly
    # that org's subtree, read with the module's own selectors.
    return cockpit_for(Actor.system(SYSTEM), org, period)


def _date(value: datetime.datetime | datetime.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def _rate_text(percent: float | None) -> str:
    return "—" if percent is None else f"{percent:g}%"


# --- 一表: the monthly statistics table (.xlsx) -------------------------------------------------------

def monthly_table_context(org: Org, params: Mapping[str, Any]) -> dict[str, Any]:
    period = month_of(params)
    return {"month": _month_label(period), "cockpit": _cockpit(org, period)}


def render_monthly_table(context: dict[str, Any]) -> bytes:
    """Three sheets: 分项统计 (item totals), 各单位 (each child org × items), 日志上报 (missing and late logs)."""
    cockpit: Cockpit = context["cockpit"]
    title = f"{context['issuing_org']} {context['month']} 司法所工作统计表（{context['number']}）"
    book = Workbook()
    items = book.active
    items.title = "分项统计"
    items.append([title])
    items.append(["工作事项", "单位", "手工填报", "自动汇入", "合计"])
    for i in cockpit.items:
        items.append([i.name, i.unit, i.manual, i.auto, i.total])
    items.append(["合计", "", cockpit.manual, cockpit.auto, cockpit.total])
    children = book.create_sheet("各单位")
    columns = [i for i in cockpit.items if i.total]
    children.append([title])
    children.append(["单位", "司法所数", *[i.name for i in columns], "合计", "日志上报率"])
    rows = cockpit.children or []
    for ch in rows:
        children.append([ch.name, ch.offices, *[ch.items.get(i.code, 0) for i in columns], ch.total,
                         _rate_text(ch.rate.percent)])
    if not rows:  # an office: its own line
        children.append([cockpit.org.name, 1, *[i.total for i in columns], cockpit.total,
                         _rate_text(cockpit.rate.percent)])
    quality = book.create_sheet("日志上报")
    quality.append([title])
    quality.append([f"截至 {cockpit.quality.as_of:%Y-%m-%d} 连续 {cockpit.quality.days} 个工作日未提交日志的司法所"])
    quality.append(["司法所", "上级机构", "最近提交日期"])
    for m in cockpit.quality.missing:
        quality.append([m.name, m.parent_name, m.last_day.isoformat() if m.last_day else "无"])
    quality.append([])
    quality.append(["迟报司法所", "上级机构", "迟报次数"])
    for late in cockpit.quality.late:
        quality.append([late.name, late.parent_name, late.count])
    for sheet in (items, children, quality):
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(5, sheet.max_column))
        sheet["A1"].alignment = Alignment(horizontal="center")
        sheet.column_dimensions["A"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- 一报告: the monthly work analysis report (.docx, with charts) ------------------------------------

def _plan_counts(org: Org, period: CockpitPeriod) -> dict[str, int]:
    due = PlanOccurrence.objects.filter(org__path__startswith=org.path, due_date__range=(period.start, period.end))
    return {"due": due.count(), "done": due.filter(status=OccurrenceStatus.DONE).count(),
            "overdue": due.filter(status=OccurrenceStatus.OVERDUE).count()}


def monthly_report_context(org: Org, params: Mapping[str, Any]) -> dict[str, Any]:
    period = month_of(params)
    cockpit = _cockpit(org, period)
    previous_end = period.start - datetime.timedelta(days=1)
    previous = _cockpit(org, CockpitPeriod(previous_end.replace(day=1), previous_end, "custom"))
    busiest = [i for i in cockpit.items if i.total][:8]
    change = None if not previous.total else round(100 * (cockpit.total - previous.total) / previous.total, 1)
    children = sorted(cockpit.children, key=lambda c: -c.total)
    context: dict[str, Any] = {
        "month": _month_label(period),
        "total": cockpit.total, "manual": cockpit.manual, "auto": cockpit.auto,
        "previous_total": previous.total,
        "change": "" if change is None else (f"增长{change:g}%" if change >= 0 else f"下降{-change:g}%"),
        "items": [{"name": i.name, "total": i.total, "unit": i.unit} for i in busiest],
        "children": [{"name": c.name, "total": c.total, "rate": _rate_text(c.rate.percent)} for c in children],
        "top": [{"name": o.name, "parent": o.parent_name, "total": o.total} for o in cockpit.top[:5]],
        "bottom": [{"name": o.name, "parent": o.parent_name, "total": o.total} for o in cockpit.bottom[:5]],
        "office_count": cockpit.office_count,
        "rate": _rate_text(cockpit.rate.percent),
        "missing": [m.name for m in cockpit.quality.missing[:20]], "missing_count": len(cockpit.quality.missing),
        "late_total": cockpit.quality.late_total,
        "anomalies": [{"label": a.label, "count": a.count} for a in cockpit.quality.anomalies],
        "alerts_total": cockpit.alerts.total if cockpit.alerts else 0,
        "alerts_by_level": [{"label": k.label, "count": k.count} for k in (cockpit.alerts.by_level if cockpit.alerts else [])],
        "plans": _plan_counts(org, period),
        "score": (f"{cockpit.scores.average.quantize(Decimal('0.1')):f}"
                  if cockpit.scores and cockpit.scores.average is not None else ""),
        "items_chart": DocImage(bar_chart_png([i.name for i in busiest], [i.total for i in busiest],
                                              title=f"{_month_label(period)} 主要工作量"), width_mm=150),
        "children_chart": "",
    }
    if children:
        shown = children[:15]
        context["children_chart"] = DocImage(bar_chart_png([c.name for c in shown], [c.total for c in shown],
                                                           title=f"{_month_label(period)} 各单位工作量"), width_mm=150)
    return context


# --- 两函: reminder and supervision letters ----------------------------------------------------------

def _open_occurrences(office: Org, *, until: datetime.date | None = None, overdue: bool) -> list[dict[str, Any]]:
    rows = PlanOccurrence.objects.filter(org=office).select_related("item__plan")
    if overdue:
        rows = rows.filter(status=OccurrenceStatus.OVERDUE)
    else:
        rows = rows.filter(status=OccurrenceStatus.OPEN, due_date__lte=until)
    return [{"title": o.item.title, "plan": o.item.plan.title, "due": _date(o.due_date), "done": o.done,
             "target": o.target} for o in rows.order_by("due_date", "pk")[:50]]


def _missing_days(office: Org, today: datetime.date) -> int:
    from sifa.modules.judicial_office.choices import WorkLogStatus
    from sifa.modules.judicial_office.models import WorkLog

    try:
        days = working_calendar().working_days_in(today - datetime.timedelta(days=15), today - datetime.timedelta(days=1))
    except CalendarMissing:
        return 0
    logged = set(WorkLog.objects.filter(org=office, status=WorkLogStatus.SUBMITTED, day__in=days)
                 .values_list("day", flat=True))
    return len([d for d in days if d not in logged])


def reminder_letter_context(org: Org, params: Mapping[str, Any]) -> dict[str, Any]:
    office = _target(org, params)
    today = timezone.localdate()
    return {"to": office.name, "due_soon": _open_occurrences(office, until=today + datetime.timedelta(days=15),
                                                             overdue=False),
            "missing_days": _missing_days(office, today)}


def supervision_letter_context(org: Org, params: Mapping[str, Any]) -> dict[str, Any]:
    office = _target(org, params)
    now = timezone.now()
    alerts = (Alert.objects.filter(org=office, closed_at__isnull=True, step_due_at__lt=now)
              .order_by("step_due_at", "pk")[:50])
    return {"to": office.name, "overdue": _open_occurrences(office, overdue=True),
            "alerts": [{"title": a.title, "state": a.get_state_display(), "due": _date(a.step_due_at)} for a in alerts],
            "reply_by": _date(_add_working_days(timezone.localdate(), 5))}


def _add_working_days(day: datetime.date, n: int) -> datetime.date | None:
    try:
        return working_calendar().add_working_days(day, n)
    except CalendarMissing:
        return None


# --- 三单: warning sheet, rectification notice and feedback -----------------------------------------

def _alert_facts(alert: Alert) -> dict[str, Any]:
    return {"id": alert.pk, "title": alert.title, "level": alert.get_level_display(), "state": alert.get_state_display(),
            "org": alert.org.name, "rule": _rule_label(alert.rule_code), "detail": alert.detail,
            "legal_basis": alert.legal_basis, "opened": _date(alert.opened_at), "step_due": _date(alert.step_due_at)}


def _rule_label(code: str) -> str:
    return registry.alert_rules[code].label if code in registry.alert_rules else code


def warning_sheet_context(org: Org, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"alert": _alert_facts(_alert(org, params))}


def rectification_notice_context(org: Org, params: Mapping[str, Any]) -> dict[str, Any]:
    alert = _alert(org, params)
    raw = str(params.get("days", "") or RECTIFICATION_DAYS).strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 60:
        raise ValidationFailed("整改期限须为 1 至 60 个工作日", field="days")
    return {"alert": _alert_facts(alert), "days": int(raw),
            "deadline": _date(_add_working_days(timezone.localdate(), int(raw)))}


def rectification_feedback_context(org: Org, params: Mapping[str, Any]) -> dict[str, Any]:
    alert = _alert(org, params)
    steps = AlertStep.objects.filter(alert=alert).order_by("created_at", "pk")
    return {"alert": _alert_facts(alert),
            "steps": [{"label": s.label, "actor": s.actor_name, "org": s.org_name, "note": s.note,
                       "time": timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M")} for s in steps],
            "closed": alert.closed_at is not None}


# --- 三书: assessment bulletin, work advice, commendation --------------------------------------------

def _ranked_offices(org: Org, period: CockpitPeriod) -> tuple[list[dict[str, Any]], bool]:
    """Offices under ``org`` ranked by their current assessment score for the month, or by their work
    total when no score has been computed (the second value says which)."""
    from sifa.core.scoring.models import Score

    cockpit = _cockpit(org, period)
    ids = [o.id for o in cockpit.offices]
    scores = {s.subject_id: s.total for s in Score.objects.filter(
        subject_kind="org", subject_id__in=ids, is_current=True, period_start=period.start, period_end=period.end)}
    if scores:
        scored = sorted((o for o in cockpit.offices if o.id in scores), key=lambda o: -scores[o.id])
        return [{"name": o.name, "parent": o.parent_name, "total": o.total, "score": f"{scores[o.id].normalize():f}",
                 "rate": _rate_text(o.rate.percent)} for o in scored], True
    busiest = sorted(cockpit.offices, key=lambda o: -o.total)
    return [{"name": o.name, "parent": o.parent_name, "total": o.total, "score": "",
             "rate": _rate_text(o.rate.percent)} for o in busiest], False


def assessment_bulletin_context(org: Org, params: Mapping[str, Any]) -> dict[str, Any]:
    period = month_of(params)
    rows, scored = _ranked_offices(org, period)
    return {"month": _month_label(period), "rows": rows[:50], "scored": scored, "count": len(rows)}


def work_advice_context(org: Org, params: Mapping[str, Any]) -> dict[str, Any]:
    """Items where the office did less than half the average of its sibling offices, its missing logs
    and its overdue plan items, each with a suggestion."""
    office = _target(org, params)
    period = month_of(params)
    parent = office.parent or office
    siblings = _cockpit(parent, period)
    own = _cockpit(office, period)
    count = max(1, siblings.office_count)
    weak = []
    for item in siblings.items:
        average = item.total / count
        mine = next((i.total for i in own.items if i.code == item.code), 0)
        if average >= 1 and mine < average / 2:
            weak.append({"name": item.name, "mine": mine, "average": f"{average:.1f}", "unit": item.unit})
    return {"to": office.name, "month": _month_label(period), "weak": weak[:10], "rate": _rate_text(own.rate.percent),
            "overdue": _open_occurrences(office, overdue=True)}


def commendation_context(org: Org, params: Mapping[str, Any]) -> dict[str, Any]:
    period = month_of(params)
    rows, scored = _ranked_offices(org, period)
    return {"month": _month_label(period), "winners": rows[:3], "scored": scored}


# --- registration and the monthly run -----------------------------------------------------------------

def _docx(code: str, label: str, word: str, context: Any, params: tuple[tuple[str, str], ...]) -> registry.DocumentType:
    return registry.DocumentType(code=code, label=label, template=f"{PACKAGE}:data/reports/{code}.docx",
                                 number_word=word, subject="org", context=context, params=params)


PERIOD = ("period", "月份（YYYY-MM）")
TO = ("to", "受文司法所编号")
ALERT = ("alert", "预警编号")
DAYS = ("days", "整改期限（工作日，默认10）")

DOCUMENT_TYPES = (
    registry.DocumentType(code="jo_monthly_table", label="月度工作统计表", template="", number_word="司统",
                          subject="org", context=monthly_table_context, render=render_monthly_table,
                          file_format="xlsx", params=(PERIOD,)),
    _docx("jo_monthly_report", "月度工作分析报告", "司析", monthly_report_context, (PERIOD,)),
    _docx("jo_reminder_letter", "提醒函", "司提", reminder_letter_context, (TO,)),
    _docx("jo_supervision_letter", "督办函", "司督", supervision_letter_context, (TO,)),
    _docx("jo_warning_sheet", "预警单", "司预", warning_sheet_context, (ALERT,)),
    _docx("jo_rectification_notice", "整改通知单", "司改", rectification_notice_context, (ALERT, DAYS)),
    _docx("jo_rectification_feedback", "整改反馈单", "司馈", rectification_feedback_context, (ALERT,)),
    _docx("jo_assessment_bulletin", "考核通报", "司考", assessment_bulletin_context, (PERIOD,)),
    _docx("jo_work_advice", "工作建议书", "司建", work_advice_context, (TO, PERIOD)),
    _docx("jo_commendation", "表彰书", "司表", commendation_context, (PERIOD,)),
)


def monthly_org_types() -> list[str]:
    raw = getattr(settings, "SIFA_MONTHLY_REPORT_ORG_TYPES", "justice_department,justice_bureau")
    return [t.strip() for t in raw.split(",") if t.strip()]


def issue_monthly_reports(today: datetime.date | None = None) -> int:
    """Issue last month's table and report for every org of the configured types that lacks them, from
    the first working day of the month on (so a worker that was down catches up). Returns how many."""
    from sifa.core.documents.services import generate_org_document

    today = today or timezone.localdate()
    try:
        calendar = working_calendar()
        first_working = calendar.next_working_day(today.replace(day=1) - datetime.timedelta(days=1))
    except CalendarMissing:
        return 0
    if today < first_working:
        return 0
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    period = f"{last_month:%Y-%m}"
    actor = Actor.system(SYSTEM)
    issued = 0
    for org in Org.objects.filter(type__in=monthly_org_types(), valid_to__isnull=True).order_by("path"):
        for code in MONTHLY_TYPES:
            if GeneratedDocument.objects.filter(org=org, doc_type=code, period=period).exists():
                continue
            generate_org_document(actor=actor, org=org, doc_type=code, params={"period": period})
            issued += 1
    return issued


@task()
def monthly_reports_task() -> int:
    """月度报表: issue last month's statistics table and analysis report where missing (each one audited)."""
    return issue_monthly_reports()


def register() -> None:
    for spec in DOCUMENT_TYPES:
        registry.document_types.register(spec.code, spec)
    registry.periodic_jobs.register("judicial_office.monthly_reports", registry.PeriodicJob(
        name="judicial_office.monthly_reports", label="生成上月司法所工作统计表和分析报告（每月第一个工作日起）",
        interval_seconds=3600, task=monthly_reports_task))
