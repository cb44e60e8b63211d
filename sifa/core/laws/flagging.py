"""Flag the objects that cite articles of a law that changed or was repealed.

Rule LAW-CHANGED (黄色): when a law is imported in a new version that changes or removes articles,
or is repealed, every object citing one of those articles must be reviewed (法规修订/废止后须复核引用
条文). The modules' ``Citer``s (``sifa.core.laws.citations.citers``) find the objects; this module
groups them by owning org and opens ONE alert per org per import (or repeal) through the alert
engine, listing the objects with the affected articles and links. It runs inside the importing or
repealing service's transaction; the service's audit event covers it.
"""

from __future__ import annotations

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.choices import AlertLevel
from sifa.core.alerts.rules import AlertCondition, AlertRule
from sifa.core.alerts.services import open_alert_in_transaction
from sifa.core.laws.citations import CitingObject, citers
from sifa.core.laws.models import Law, LawVersion
from sifa.core.laws.parser import article_label

LEGAL_BASIS = "法规修订/废止后须复核引用条文"
LAW_CHANGED = AlertRule(
    code="LAW-CHANGED", label="引用的法规条文已修订或废止", level=AlertLevel.YELLOW,
    description="法规导入新版本（条文修改或删除）或被废止时，引用这些条文的对象须复核", legal_basis=LEGAL_BASIS,
)
MAX_DETAIL_LINES = 200


def flag_citers(*, actor: Actor, law: Law, version: LawVersion | None, changed: set[tuple[int, int]],
                removed: set[tuple[int, int]], repealed: bool) -> int:
    """Open one LAW-CHANGED alert per org owning objects that cite the affected articles; returns how many."""
    if not repealed and not changed and not removed:
        return 0
    by_org: dict[int, list[CitingObject]] = {}
    for citer in citers.values():
        for obj in citer.find(law.cite_key, set(changed), set(removed), repealed):
            by_org.setdefault(obj.org.pk, []).append(obj)
    event = f"repeal-{law.pk}" if repealed else f"version-{version.pk if version else 0}"
    what = "已废止" if repealed else f"已修订（{version.version_date if version and version.version_date else '新版本'}）"
    opened = 0
    for org_id, objects in by_org.items():
        lines = [f"《{law.cite_key}》{what}，以下 {len(objects)} 项引用须复核："]
        for obj in objects[:MAX_DETAIL_LINES]:
            articles = "、".join(article_label(n, s) for n, s in sorted(set(obj.articles))) or "全部条文"
            lines.append(f"· {obj.label}：{articles}（{obj.url}）")
        if len(objects) > MAX_DETAIL_LINES:
            lines.append(f"……另有 {len(objects) - MAX_DETAIL_LINES} 项")
        condition = AlertCondition(
            object_type="laws.law", object_id=f"{event}-{org_id}", org_id=org_id,
            title=f"《{law.cite_key}》{what}：{len(objects)} 项引用须复核", detail="\n".join(lines),
            legal_basis=LEGAL_BASIS,
        )
        if open_alert_in_transaction(rule=LAW_CHANGED, condition=condition, actor_name=actor.name):
            opened += 1
    return opened
