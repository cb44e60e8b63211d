"""Declarative workflows (办理流程): states, transitions, roles, guards, required fields, deadlines, effects.

A module declares its workflow as data with these classes and registers it with its case type
(``sifa.core.registry.case_types``). ``transition_case`` (services.py) is the only code that moves a
case; it reads everything it needs from the spec, and the case page draws the diagram from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sifa.core.accounts.actor import Actor
    from sifa.core.cases.models import Case


class WorkflowSpecError(ValueError):
    """A workflow declaration that cannot work (unknown state, duplicate transition …)."""


@dataclass(frozen=True)
class State:
    code: str
    label: str
    terminal: bool = False


@dataclass(frozen=True)
class DeadlineStart:
    """Start a statutory deadline when the transition happens.

    ``rule`` is a RULES.md id known to the deadlines engine; the period starts on the transition date,
    or on the date given in the transition data field ``start_field`` (e.g. the date of service).
    ``key`` names the deadline on the case so a later transition can stop it. ``variant`` selects a
    rule variant of the deadlines engine (``variant_if``: only when that data field is truthy).
    """

    key: str
    rule: str
    start_field: str | None = None
    variant: str | None = None
    variant_if: str | None = None

    def variant_for(self, data: Mapping[str, Any]) -> str | None:
        """The rule variant to compute with: ``variant`` when ``variant_if`` names a truthy data field
        (e.g. CC-29 "在押" when the transition says the offender is in custody), or always when
        ``variant_if`` is unset."""
        if self.variant is None:
            return None
        if self.variant_if is None:
            return self.variant
        value = data.get(self.variant_if)
        return self.variant if value not in (None, "", False, "0", "false", "否") else None


Guard = Callable[["Case", "Actor", Mapping[str, Any]], str | None]
Effect = Callable[[int], None]


@dataclass(frozen=True)
class Transition:
    """One step. ``roles`` are role codes allowed to take it (empty = any role with the case in scope).

    ``guard`` returns ``None`` when the step may be taken, or a Chinese reason why not.
    ``required_fields`` must be present (non-empty) in the transition data. ``key`` transitions are
    also written to the evidence ledger (entry type ``case.transition``). ``done_field`` names the
    data field (a date) on which the deadlines the step stops were met — a step recorded after the
    fact (申请听证 on the 9th, entered on the 12th) is not counted late; without it, the time of entry.
    """

    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...] = ()
    guard: Guard | None = None
    required_fields: tuple[str, ...] = ()
    required_documents: tuple[str, ...] = ()
    starts: tuple[DeadlineStart, ...] = ()
    stops: tuple[str, ...] = ()
    effects: tuple[Effect, ...] = ()
    key: bool = False
    done_field: str | None = None


@dataclass(frozen=True)
class Workflow:
    code: str
    label: str
    states: tuple[State, ...]
    initial: str
    transitions: tuple[Transition, ...]
    field_labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        codes = [s.code for s in self.states]
        if len(set(codes)) != len(codes):
            raise WorkflowSpecError(f"{self.code}: duplicate state")
        if self.initial not in codes:
            raise WorkflowSpecError(f"{self.code}: unknown initial state {self.initial!r}")
        names = [t.name for t in self.transitions]
        if len(set(names)) != len(names):
            raise WorkflowSpecError(f"{self.code}: duplicate transition name")
        for t in self.transitions:
            for code in (*t.sources, t.target):
                if code not in codes:
                    raise WorkflowSpecError(f"{self.code}.{t.name}: unknown state {code!r}")
            starts = {d.key for d in t.starts}
            if len(starts) != len(t.starts):
                raise WorkflowSpecError(f"{self.code}.{t.name}: duplicate deadline key")

    def state(self, code: str) -> State:
        for s in self.states:
            if s.code == code:
                return s
        raise WorkflowSpecError(f"{self.code}: unknown state {code!r}")

    def transition(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def label_of(self, field_name: str) -> str:
        return self.field_labels.get(field_name, field_name)


@dataclass(frozen=True)
class CaseType:
    """A module's case type: its code, label, the 字 in its numbers (e.g. 司矫), and its workflow."""

    code: str
    label: str
    number_word: str
    workflow: Workflow
    open_roles: tuple[str, ...] = ()
    open_fields: Sequence[str] = ()
    # A module that keeps its own detail rows beside the case (社区矫正) opens and moves its cases only
    # through its own pages and services: ``page`` names its case page (URL name taking the case id).
    # The core case list leaves these cases out, /cases/<id>/ redirects to ``page``, and the core's
    # open and transition endpoints refuse them (their steps would skip the module's own writes).
    page: str = ""
    module_label: str = ""
    # The module's own extra rule for reaching one case through the core's shared cards (文书, 证据材料,
    # 案件码), beyond org scope: False answers 404 (a minor's correction file needs correction.minor_files).
    may_access: Callable[[Actor, Case], bool] | None = field(default=None, compare=False)
