"""Factories of 类案检索 / outcomes for tests, the authz matrix (``matrix_objects``) and the audit recipes."""

from __future__ import annotations

import datetime
import itertools
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.orgs.models import Org
from sifa.core.search.devset import generate_case
from sifa.core.testing import actor_for
from sifa.modules.enforcement import outcome_services, similar, similar_services
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.similar_models import ImportedDecision
from sifa.modules.enforcement.tests.penalty_factories import body_of, matrix_case

D = datetime.date
_seq = itertools.count(1)


def answer_warnings(detail: PenaltyCase, amount: str | Decimal, actor: Actor | None = None) -> None:
    """Answer the 裁量 warnings on ``amount`` (if any) so the decide step is not refused for them."""
    found = PenaltyCase.objects.select_related("case", "body", "power_item").get(pk=detail.pk)
    if any(a is None for _, _, a in similar.open_warnings(found, similar._money(amount))):
        similar_services.answer_discretion_warning(actor=actor or actor_for("officer"), detail=found, amount=amount,
                                                   reason="测试：当事人多次违法，从重处罚")


def decided_case(org: Org | None = None, *, facts: str = "", amount: str | None = "1000", circumstance: str = "ordinary",
                 cited: str = "《城市道路管理条例》第二十七条、第四十二条", power_item: Any = "same",
                 published: bool = False, state: str = "closed") -> PenaltyCase:
    """A decided case (fast path, like the demo) indexed for 类案检索."""
    detail = matrix_case(org or body_of().org)
    detail.facts = facts or "当事人未经批准擅自占用城市道路堆放建筑材料，占用面积约 10 平方米。"
    detail.circumstance = circumstance
    detail.cited_articles = cited
    if power_item == "same":
        from sifa.modules.enforcement.tests.penalty_factories import item_of

        detail.power_item = item_of(body_of())
    else:
        detail.power_item = power_item
    detail.decision_types = ["fine"] if amount is not None else ["warning"]
    detail.decision_amount = Decimal(amount) if amount is not None else None
    detail.decided_on = D(2025, 9, 1)
    detail.decision_number = f"测试罚决字〔2025〕{next(_seq)}号"
    detail.notice_served_on = D(2025, 8, 20)
    if published:
        detail.published_on = D(2025, 9, 10)
    detail.save()
    detail.case.state = state
    detail.case.save(update_fields=["state"])
    similar.index_penalty_case(PenaltyCase.objects.select_related("case__org").get(pk=detail.pk))
    return detail


def devset_facts(seed: int, violation: str, circumstance: str = "refused") -> Any:
    return generate_case(random.Random(seed), violation=violation, circumstance=circumstance)


# --- audit coverage recipes -----------------------------------------------------------------------


def cover_answer(actor: Actor) -> Any:
    detail = decided_case(amount=None, state="legal_reviewed")
    detail.proposed_types, detail.proposed_amount = ["fine"], Decimal("90000")
    detail.save(update_fields=["proposed_types", "proposed_amount"])
    return similar_services.answer_discretion_warning(actor=actor, detail=detail, amount="90000",
                                                      reason="测试：情节特别严重")


def cover_record_outcome(actor: Actor) -> Any:
    return outcome_services.record_outcome(actor=actor, detail=decided_case(), kind="reconsideration",
                                           authority="杭州市富阳区人民政府", result="upheld", decided_on=D(2025, 12, 1))


def cover_import(actor: Actor) -> Any:
    n = next(_seq)
    line = ('{"source_org": "测试执法局", "number": "测试罚' + str(n) + timezone.now().strftime("%H%M%S%f")
            + '号", "decided_on": "2025-05-01", "facts": "当事人在人行道摆摊经营。"}\n')
    return similar_services.import_decisions(actor=actor, content=line.encode(), filename="a.jsonl")


def cover_reindex(actor: Actor) -> Any:
    return similar_services.rebuild_penalty_index(actor=actor)


RECIPES: dict[str, tuple[str, str]] = {
    "sifa.modules.enforcement.similar_services.answer_discretion_warning": ("officer", "cover_answer"),
    "sifa.modules.enforcement.similar_services.import_decisions": ("county", "cover_import"),
    "sifa.modules.enforcement.similar_services.rebuild_penalty_index": ("county", "cover_reindex"),
    "sifa.modules.enforcement.outcome_services.record_outcome": ("officer", "cover_record_outcome"),
}

__all__ = ["ImportedDecision", "RECIPES", "answer_warnings", "decided_case", "devset_facts"]
