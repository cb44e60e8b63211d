"""Cards on a subject's page (社区矫正对象档案): each part of the module adds its own.

Like the core's ``registry.case_panels`` but for the correction page only: ``template`` is included
with the page context plus ``panel`` and ``panel_ctx`` (what ``context(request, detail)`` returns,
``detail`` being the ``CorrectionCase``). ``column`` is "main" or "side"; ``permission`` hides the card
from roles without it. Parts register in their ``register()``; the page (``views.subject_detail``)
renders them in ``order``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SubjectPanel:
    key: str
    label: str
    template: str
    context: Callable[..., dict[str, Any]] | None = field(default=None, compare=False)
    column: str = "main"
    order: int = 100
    permission: str | None = None


PANELS: dict[str, SubjectPanel] = {}


def register(panel: SubjectPanel) -> None:
    if panel.key in PANELS and PANELS[panel.key] != panel:
        raise ValueError(f"correction panel {panel.key!r} registered twice")
    PANELS[panel.key] = panel


def ordered() -> list[SubjectPanel]:
    return sorted(PANELS.values(), key=lambda p: (p.order, p.key))
