"""执法监督驾驶舱: the tables of the page as rows, one table as .xlsx, and the audited export (the only write)."""

from __future__ import annotations

from typing import Any

from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.services import service
from sifa.core.ui.cockpit import Period, xlsx_table
from sifa.modules.enforcement.dashboard import PERMISSION, STATE_GROUPS, Dashboard, Figures

EXPORT_ACTION = "enforcement.dashboard.exported"

TABLES: dict[str, str] = {
    "children": "下级机构", "bodies": "按执法主体", "groups": "按案件状态", "overdue": "超期未办期限",
    "outcomes": "复议诉讼结果", "loss_body": "败诉率（按执法主体）", "loss_item": "败诉率（按执法事项）",
}


def check_table(table: str) -> None:
    if table not in TABLES:
        raise ValidationFailed(f"未知的表格「{table}」，可选：{'、'.join(f'{k}（{v}）' for k, v in TABLES.items())}",
                               field="table")


def _pct(value: float | None) -> Any:
    return "" if value is None else value


FIGURE_HEADER = ["登记案件", *[label for label, _ in STATE_GROUPS.values()], "超期期限", "作出处罚决定",
                 "应告知听证", "已告知听证", "申请听证", "举行听证", "听证告知率（%）", "应法制审核", "已法制审核",
                 "法制审核率（%）", "立案至决定平均天数", "决定罚没金额（元）", "实缴金额（元）", "加处罚款（元）"]


def figure_cells(f: Figures) -> list[Any]:
    return [f.cases, *[f.groups[k] for k in STATE_GROUPS], f.overdue, f.decided, f.hearing_required,
            f.hearing_offered, f.hearing_requested, f.hearing_held, _pct(f.hearing_rate), f.review_required,
            f.reviewed, _pct(f.review_rate), _pct(f.average_days), float(f.fines_decided), float(f.fines_paid),
            float(f.late_fees)]


def table_rows(d: Dashboard, table: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of one dashboard table (every row, as the page shows them)."""
    data = d.data
    check_table(table)
    if table in ("children", "bodies"):
        rows = data.children if table == "children" else data.bodies
        label = "机构" if table == "children" else "执法主体"
        return [label, *FIGURE_HEADER], [[r.name, *figure_cells(r.figures)] for r in rows] + [
            ["合计", *figure_cells(data.totals)]]
    if table == "groups":
        return ["案件状态", "案件数"], [[t.label, t.count] for t in data.by_group]
    if table == "overdue":
        return (["案号", "执法主体", "期限", "规则", "法律依据", "届满日", "超期天数"],
                [[r.number, r.body, r.label, r.rule_id, r.article, r.due_date.isoformat(), r.days_late]
                 for r in data.overdue])
    if table == "outcomes":
        return ["结果", "件数"], [[t.label, t.count] for t in data.outcomes]
    rates = data.loss_by_body if table == "loss_body" else data.loss_by_item
    header = ["执法主体"] + (["执法事项"] if table == "loss_item" else []) + ["复议诉讼结果", "败诉", "败诉率（%）"]
    return header, [[r.body_name] + ([r.power_item_name] if table == "loss_item" else [])
                    + [r.outcomes, r.losses, round(100 * r.rate, 1)] for r in rates]


def table_workbook(d: Dashboard, table: str) -> tuple[bytes, int]:
    header, rows = table_rows(d, table)
    return xlsx_table(f"{d.org.name} 执法监督驾驶舱 · {TABLES[table]} · {d.data.period.label}", TABLES[table], header,
                      rows)


@service(EXPORT_ACTION)
def export_dashboard_table(*, actor: Actor, org: Org, table: str, period: Period, row_count: int) -> None:
    """Record an Excel export of a 执法监督驾驶舱 table (figures of the org's subtree, inside the actor's scope)."""
    actor.require(PERMISSION)
    check_table(table)
    record(actor=actor, action=EXPORT_ACTION, obj=org, changes={
        "table": table, "table_label": TABLES[table], "start": period.start.isoformat(),
        "end": period.end.isoformat(), "rows": row_count})
