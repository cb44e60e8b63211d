from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sifa.core.cases.workflow import CaseType, DeadlineStart, State, Transition, Workflow

EFFECT_CALLS: list[int] = []


def _record_effect(case_id: int) -> None:
    EFFECT_CALLS.append(case_id)


def _needs_reason_for_refusal(case: Any, actor: Any, data: Mapping[str, Any]) -> str | None:
    if case.data.get("blocked"):
        return "案件已被标记为暂缓，不能作出决定"
    return None


TEST_WORKFLOW = Workflow(
    code="test_case",
    label="测试案件",
    initial="registered",
    states=(
        State("registered", "登记"),
        State("accepted", "受理"),
        State("decided", "决定"),
        State("closed", "结案", terminal=True),
        State("withdrawn", "撤回", terminal=True),
    ),
    transitions=(
        Transition("accept", "受理", ("registered",), "accepted", roles=("office_staff", "bureau_staff"),
                   required_fields=("received_on", "accepted_on"),
                   starts=(DeadlineStart("review", "AR-11", start_field="received_on"),
                           DeadlineStart("decision", "AR-29", start_field="accepted_on")), key=True),
        Transition("decide", "作出决定", ("accepted",), "decided", roles=("bureau_staff",),
                   required_fields=("decision_text",), guard=_needs_reason_for_refusal,
                   stops=("review", "decision"), effects=(_record_effect,), key=True, done_field="decided_on"),
        Transition("close", "结案", ("decided",), "closed", roles=("bureau_staff", "office_staff")),
        Transition("withdraw", "撤回", ("registered", "accepted"), "withdrawn", required_fields=("reason",)),
    ),
    field_labels={"decision_text": "决定内容", "reason": "撤回理由", "received_on": "收到日期", "accepted_on": "受理日期", "decided_on": "决定日期"},
)

TEST_CASE = CaseType(code="test_case", label="测试案件", number_word="测", workflow=TEST_WORKFLOW,
                     open_roles=("office_staff", "bureau_staff"))
