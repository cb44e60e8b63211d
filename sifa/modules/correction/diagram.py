"""The 社区矫正 workflows as Mermaid text (``stateDiagram-v2``), drawn from the spec in ``workflow.py``.

The module's documentation shows the diagram produced here; a test compares the two, so the
document cannot drift from the workflow the code runs.
"""

from __future__ import annotations

from sifa.core.cases.workflow import Workflow


def _label(text: str) -> str:
    """Mermaid labels end at a colon or a line break and choke on quotes; keep the Chinese text readable."""
    return text.replace(":", "：").replace("\n", " ").replace('"', "“").replace(";", "；")


def workflow_mermaid(workflow: Workflow) -> str:
    """``stateDiagram-v2`` of ``workflow``: one declaration per state (its Chinese label), ``[*]`` into the
    initial state, one arrow per (transition, source) labelled with the transition, terminal states into ``[*]``.
    """
    lines = ["stateDiagram-v2"]
    for state in workflow.states:
        lines.append(f"    state \"{_label(state.label)}\" as {state.code}")
    lines.append(f"    [*] --> {workflow.initial}")
    for transition in workflow.transitions:
        for source in transition.sources:
            lines.append(f"    {source} --> {transition.target}: {_label(transition.label)}")
    for state in workflow.states:
        if state.terminal:
            lines.append(f"    {state.code} --> [*]")
    return "\n".join(lines) + "\n"
