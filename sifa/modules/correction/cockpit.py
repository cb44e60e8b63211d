"""矫正驾驶舱 (part "cockpit"): registrations, the tables of the page as rows, and the audited Excel export.

The figures are read by ``cockpit_selectors`` (SQL aggregates over one subtree, cached 60 seconds);
the page is ``cockpit_views``, the API ``cockpit_api`` (``/api/v1/correction/cockpit/{org_id}``). The
cockpit shows counts only — never a person, so never a minor's identity (CC-35).
"""

from __future__ import annotations

from typing import Any

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.services import service
from sifa.core.ui.cockpit import Period, xlsx_table
from sifa.modules.correction.cockpit_selectors import PERMISSION, Cockpit, Figures

EXPORT_ACTION = "correction.cockpit.exported"

TABLES: dict[str, str] = {
    "children": "下级机构", "sentence": "按矫正类别", "level": "按管理等级", "state": "按案件状态",
    "trend": "近12个月接收与解除", "alerts": "未处置预警",
}


def check_table(table: str) -> None:
    if table not in TABLES:
        raise ValidationFailed(f"未知的表格「{table}」，可选：{'、'.join(f'{k}（{v}）' for k, v in TABLES.items())}",
                               field="table")


def _figures(f: Figures) -> list[Any]:
    return [f.active, f.pending, f.intake, f.ended, f.lost_contact, f.monitored, f.overdue_tasks,
            f.compliance.on_time, f.compliance.due, f.compliance.percent]


FIGURE_HEADER = ["在册", "待接收", "期间新增", "期间解除/终止", "失联", "电子定位中", "逾期任务",
                 "按时报告", "应报告", "报告合规率（%）"]


def table_rows(c: Cockpit, table: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of one cockpit table (every row, as the page shows them)."""
    d = c.data
    if table == "children":
        return (["机构", *FIGURE_HEADER],
                [[row.name, *_figures(row.figures)] for row in d.children] + [["合计", *_figures(d.totals)]])
    if table in ("sentence", "level", "state"):
        title = {"sentence": "矫正类别（在册）", "level": "管理等级（在册）", "state": "案件状态（全部）"}[table]
        tallies = {"sentence": d.by_sentence, "level": d.by_level, "state": d.by_state}[table]
        return [title, "人数"], [[t.label, t.count] for t in tallies]
    if table == "trend":
        return ["月份", "报到接收", "解除/终止"], [[p.label, p.inflow, p.outflow] for p in d.trend]
    if table == "alerts":
        return (["预警规则", "规则编码", "等级", "未办结数"],
                [[r.label, r.code, r.level_label, r.count] for r in d.alerts_by_rule])
    check_table(table)
    return [], []


def table_workbook(c: Cockpit, table: str) -> tuple[bytes, int]:
    header, rows = table_rows(c, table)
    return xlsx_table(f"{c.org.name} 矫正驾驶舱 · {TABLES[table]} · {c.data.period.label}", TABLES[table], header, rows)


@service(EXPORT_ACTION)
def export_cockpit_table(*, actor: Actor, org: Org, table: str, period: Period, row_count: int) -> None:
    """Record an Excel export of a 矫正驾驶舱 table (counts of the org's subtree, inside the actor's scope)."""
    actor.require(PERMISSION)
    check_table(table)
    record(actor=actor, action=EXPORT_ACTION, obj=org, changes={
        "table": table, "table_label": TABLES[table], "start": period.start.isoformat(),
        "end": period.end.isoformat(), "rows": row_count})


def register() -> None:
    """The cockpit's registrations (called once from ``CorrectionConfig.ready``)."""
    from sifa.core.registry import MenuEntry
    from sifa.modules.correction.cockpit_api import router
    from sifa.modules.correction.demo import generate_correction

    registry.register_audit_action(EXPORT_ACTION, "导出矫正驾驶舱统计表")
    registry.menu.register("correction_cockpit", MenuEntry("correction_cockpit", "矫正驾驶舱", "correction:cockpit",
                                                           icon="dashboard", permission=PERMISSION, order=41, group="社区矫正"))
    registry.api_routers.register("/correction/cockpit", router)
    registry.demo_generators.register("correction", generate_correction)
