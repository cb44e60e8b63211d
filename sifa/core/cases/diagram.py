"""Draw a workflow from its spec: as an SVG for the case page (states in columns by distance from the
initial state), and as Mermaid text (``stateDiagram-v2``) for the modules' documentation, where a test in
each module compares the document with the generated text so it cannot drift from the code."""

from __future__ import annotations

from html import escape

from sifa.core.cases.workflow import Workflow

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 132, 40, 56, 22, 16


def workflow_svg(workflow: Workflow, current: str | None = None) -> str:
    depth: dict[str, int] = {workflow.initial: 0}
    frontier = [workflow.initial]
    while frontier:
        nxt = []
        for code in frontier:
            for t in workflow.transitions_from(code):
                if t.target not in depth:
                    depth[t.target] = depth[code] + 1
                    nxt.append(t.target)
        frontier = nxt
    for s in workflow.states:  # unreachable states go last
        depth.setdefault(s.code, max(depth.values()) + 1)
    columns: dict[int, list[str]] = {}
    for s in workflow.states:
        columns.setdefault(depth[s.code], []).append(s.code)
    pos: dict[str, tuple[int, int]] = {}
    for col, codes in columns.items():
        for row, code in enumerate(codes):
            pos[code] = (PAD + col * (BOX_W + GAP_X), PAD + row * (BOX_H + GAP_Y))
    width = PAD * 2 + (max(columns) + 1) * (BOX_W + GAP_X) - GAP_X
    height = PAD * 2 + max(len(c) for c in columns.values()) * (BOX_H + GAP_Y) - GAP_Y
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sifa-workflow" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(workflow.label)}流程图">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#667382"/></marker></defs>',
    ]
    for t in workflow.transitions:
        for source in t.sources:
            (x1, y1), (x2, y2) = pos[source], pos[t.target]
            forward = x2 > x1
            sx, sy = (x1 + BOX_W, y1 + BOX_H / 2) if forward else (x1, y1 + BOX_H / 2)
            ex, ey = (x2, y2 + BOX_H / 2) if forward else (x2 + BOX_W, y2 + BOX_H / 2)
            if x1 == x2:  # same column: arc on the right
                sx, ex = x1 + BOX_W, x2 + BOX_W
                path = f"M {sx} {sy} C {sx + 40} {sy}, {ex + 40} {ey}, {ex} {ey}"
            else:
                mid = (sx + ex) / 2
                path = f"M {sx} {sy} C {mid} {sy}, {mid} {ey}, {ex} {ey}"
            parts.append(f'<path d="{path}" fill="none" stroke="#a0aab4" stroke-width="1.4" marker-end="url(#arrow)">'
                         f"<title>{escape(t.label)}</title></path>")
    for s in workflow.states:
        x, y = pos[s.code]
        is_current = s.code == current
        fill = "#206bc4" if is_current else ("#f1f3f5" if s.terminal else "#ffffff")
        text = "#ffffff" if is_current else "#1d273b"
        marker = ' data-current="true"' if is_current else ""
        parts.append(
            f'<g data-state="{escape(s.code)}"{marker}>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" stroke="#206bc4" '
            f'stroke-width="{2 if is_current else 1}"/>'
            f'<text x="{x + BOX_W / 2}" y="{y + BOX_H / 2 + 5}" text-anchor="middle" font-size="13" fill="{text}">'
            f"{escape(s.label)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


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
