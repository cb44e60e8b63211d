"""docs/modules/enforcement.md shows the penalty workflow exactly as generated from its spec."""

from __future__ import annotations

from pathlib import Path

from sifa.core.cases.diagram import workflow_mermaid
from sifa.modules.enforcement.penalty_workflow import PENALTY_WORKFLOW

DOC = Path(__file__).resolve().parents[4] / "docs" / "modules" / "enforcement.md"


def test_documented_diagram_equals_the_generated_one() -> None:
    assert f"```mermaid\n{workflow_mermaid(PENALTY_WORKFLOW)}```" in DOC.read_text(encoding="utf-8")
