"""Demo data of 类案检索 (runs after the penalty demo, ``registry.demo_generators`` key order): the
decided demo cases are indexed, a dozen imported decisions of other cities are generated from
``sifa.core.search.devset`` (facts without party identity), and two 复议 outcomes are recorded on
closed cases (one 维持, one 撤销). Fast path inside the demo load's transaction (no audit events)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from sifa.core.accounts.actor import Actor
from sifa.core.orgs.models import Org
from sifa.core.search.devset import generate_case
from sifa.modules.enforcement import similar
from sifa.modules.enforcement.outcome_models import RemedyOutcome
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.similar_models import ImportedDecision

CIRCUMSTANCES = {"轻微": "slight", "一般": "ordinary", "较重": "serious", "严重": "severe"}
SOURCES = ("嘉兴市南湖区综合行政执法局", "湖州市吴兴区综合行政执法局", "宁波市海曙区综合行政执法局", "温州市鹿城区综合行政执法局")


def generate_similar(*, actor: Actor, structure: dict[str, Any], scale: Any, seed: int) -> dict[str, int]:
    decided = list(PenaltyCase.objects.filter(decided_on__isnull=False).select_related("case__org").order_by("pk"))
    similar.index_documents(similar.KIND, [(str(c.pk), c.facts, c.case.org.path) for c in decided])
    root = Org.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        return {"similar_indexed": len(decided)}
    rng = random.Random(seed * 31 + 7)
    made = []
    for i in range(12):
        facts = generate_case(rng)
        circ = CIRCUMSTANCES.get(facts.circumstance_name, "")
        amount = Decimal(rng.choice((200, 500, 1000, 2000, 5000)))
        made.append(ImportedDecision.objects.create(
            org=root, source_org=SOURCES[i % len(SOURCES)], number=f"示例综执罚〔2025〕{100 + i}号",
            decided_on=datetime.date(2025, 1 + i % 12, 10), facts=similar.mask_facts(facts.text, [facts.party]),
            power_item=facts.power_item, cited_articles="、".join(facts.articles), circumstance=circ,
            penalty_types=["fine"], amount=amount, outcome=f"罚款 {amount} 元"))
    similar.index_imported(ImportedDecision.objects.filter(pk__in=[d.pk for d in made]).select_related("org"))
    closed = [c for c in decided if c.case.state == "closed"][:2]
    for detail, result in zip(closed, ("upheld", "revoked"), strict=False):
        RemedyOutcome.objects.create(case=detail, org=detail.case.org, kind="reconsideration",
                                     authority="杭州市富阳区人民政府", decided_on=detail.closed_on or detail.decided_on or datetime.date(2025, 12, 1),
                                     result=result, note="演示数据", recorded_by=actor.name)
    return {"similar_indexed": len(decided) + len(made), "imported_decisions": len(made)}
