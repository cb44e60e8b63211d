"""Alert rules of the lifecycle part: report overdue (CC-06/CC-07, CC-20, C-36) and discharge due (CC-32);
the workflow diagram in the documentation equals the one generated from the spec."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from sifa.core.cases.diagram import workflow_mermaid
from sifa.core.testing import actor_for
from sifa.modules.correction import services
from sifa.modules.correction.lifecycle import DISCHARGE_DUE, REPORT_OVERDUE
from sifa.modules.correction.tests.factories import make_correction
from sifa.modules.correction.tests.lifecycle_factories import intake_args
from sifa.modules.correction.workflow import ASSESSMENT_WORKFLOW, CORRECTION_WORKFLOW

DOC = Path(__file__).resolve().parents[4] / "docs" / "modules" / "correction.md"


@pytest.mark.django_db
def test_c36_report_overdue_alert_names_the_revocation_day() -> None:
    """C-36: effective 2025-03-03, report due 2025-03-13; no report → red, search now; revocable from 2025-04-14."""
    # given
    detail = services.open_correction(actor=actor_for("office1"),
                                      **intake_args(effective_date=datetime.date(2025, 3, 3)))
    # when
    on_due = [c for c in REPORT_OVERDUE.evaluate(datetime.date(2025, 3, 13)) if c.case_id == detail.pk]  # type: ignore[misc]
    after = [c for c in REPORT_OVERDUE.evaluate(datetime.date(2025, 3, 20)) if c.case_id == detail.pk]  # type: ignore[misc]
    # then
    assert on_due == []
    assert len(after) == 1 and "逾期 7 天" in after[0].title and "2025-04-14" in after[0].detail
    assert REPORT_OVERDUE.level == "red"
    # and once received, no more alert
    services.move_correction(actor=actor_for("office1"), detail=detail, transition="receive",
                             data={"received_on": "2025-03-20"})
    assert [c for c in REPORT_OVERDUE.evaluate(datetime.date(2025, 3, 21)) if c.case_id == detail.pk] == []  # type: ignore[misc]


@pytest.mark.django_db
def test_minor_alert_titles_carry_no_name() -> None:
    detail = make_correction(minor=True, term_end=datetime.date(2026, 12, 1))
    found = [c for c in DISCHARGE_DUE.evaluate(datetime.date(2026, 11, 21)) if c.case_id == detail.pk]  # type: ignore[misc]
    assert len(found) == 1 and detail.subject.person.name not in found[0].title and "身份保密" in found[0].title


@pytest.mark.django_db
def test_discharge_due_within_the_configured_days() -> None:
    # given terms ending in 10 and in 40 days (reminder: 30 days ahead)
    today = datetime.date(2026, 11, 21)
    soon = make_correction(term_end=today + datetime.timedelta(days=10))
    later = make_correction(term_end=today + datetime.timedelta(days=40))
    # when
    ids = {c.case_id: c for c in DISCHARGE_DUE.evaluate(today)}  # type: ignore[misc]
    # then
    assert soon.pk in ids and later.pk not in ids
    assert "剩余 10 天" in ids[soon.pk].title and DISCHARGE_DUE.level == "blue"


def test_documented_diagrams_equal_the_generated_ones() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"```mermaid\n{workflow_mermaid(CORRECTION_WORKFLOW)}```" in text
    assert f"```mermaid\n{workflow_mermaid(ASSESSMENT_WORKFLOW)}```" in text


def test_mermaid_has_every_state_and_transition() -> None:
    text = workflow_mermaid(CORRECTION_WORKFLOW)
    assert text.startswith("stateDiagram-v2\n")
    for state in CORRECTION_WORKFLOW.states:
        assert f"as {state.code}" in text
    assert "under_correction --> discharged: 解除社区矫正" in text and "discharged --> [*]" in text
