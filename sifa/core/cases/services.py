"""Case writes: ``open_case`` and ``transition_case`` — the only way a case is created or moved.

A module's own service that opens or moves a case together with its detail rows (one transaction,
one audit event of the module's action) calls ``create_case`` / ``apply_transition`` instead: the same
checks and writes, without the audit event, which the calling service records.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.cases import deadline_bridge
from sifa.core.cases.errors import GuardFailed, TransitionNotAllowed
from sifa.core.cases.models import Case, CaseDeadline, CaseHandler, CaseParty, CaseTransition, DeadlineStatus
from sifa.core.cases.numbering import format_number, new_case_code, next_sequence, number_prefix
from sifa.core.cases.workflow import CaseType, Transition, Workflow
from sifa.core.errors import NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.ledger.entries import Entry
from sifa.core.ledger.store import append_entry
from sifa.core.orgs.models import Org
from sifa.core.persons.models import Entity, Person
from sifa.core.services import service


@dataclass(frozen=True)
class PartyInput:
    role: str
    person: Person | None = None
    entity: Entity | None = None


def case_type_of(code: str) -> CaseType:
    if code not in registry.case_types:
        raise ValidationFailed(f"未知的案件类型：{code}", field="type")
    return registry.case_types[code]


def workflow_of(case: Case) -> Workflow:
    return case_type_of(case.case_type).workflow


def role_allowed(actor: Actor, roles: Sequence[str]) -> bool:
    if not roles or actor.is_system:
        return True
    return actor.membership is not None and actor.membership.role.code in roles


def _missing_fields(workflow: Workflow, fields: Sequence[str], data: Mapping[str, Any]) -> list[dict[str, str]]:
    return [
        {"field": f, "message": f"请填写「{workflow.label_of(f)}」"}
        for f in fields
        if data.get(f) in (None, "", [])
    ]


def _start_date(data: Mapping[str, Any], field: str | None, workflow: Workflow) -> datetime.date:
    if field is None:
        return timezone.localdate()
    raw = data.get(field)
    try:
        if isinstance(raw, datetime.date):
            return raw
        text = str(raw)
        return datetime.datetime.fromisoformat(text) if "T" in text else datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(f"「{workflow.label_of(field)}」应为日期（YYYY-MM-DD）", field=field) from exc


def _met_at(data: Mapping[str, Any], field: str | None, workflow: Workflow, now: datetime.datetime) -> datetime.datetime:
    """When the deadlines a step stops were met: the step's own date (``Transition.done_field``, noon of
    that day), never later than now; else now."""
    if field is None or not data.get(field):
        return now
    value = _start_date(data, field, workflow)
    if isinstance(value, datetime.datetime):
        met = value if timezone.is_aware(value) else timezone.make_aware(value)
    else:
        met = timezone.make_aware(datetime.datetime.combine(value, datetime.time(12)))
    return min(met, now)


def _start_deadlines(case: Case, transition: Transition, data: Mapping[str, Any], workflow: Workflow) -> None:
    for spec in transition.starts:
        start_deadline(case=case, key=spec.key, rule=spec.rule, start=_start_date(data, spec.start_field, workflow),
                       variant=spec.variant_for(data))


def start_deadline(*, case: Case, key: str, rule: str, start: datetime.date | datetime.datetime,
                   variant: str | None = None,
                   period: str | None = None, custody_days: int = 0) -> CaseDeadline:
    """Start (or restart) the deadline ``key`` of ``case`` from ``start`` under RULES.md ``rule``.

    For a module service that starts a deadline outside a workflow transition (a correction term from
    the judgment: CC-34 with ``period`` "1年" and ``custody_days`` credited). No audit event: the
    calling service records its own.
    """
    computed = deadline_bridge.compute(rule, start, variant=variant, period=period, custody_days=custody_days)
    if isinstance(start, datetime.datetime):  # 小时 periods (CC-28.decision): the day is stored, the time is in the steps
        start = timezone.localdate(start) if timezone.is_aware(start) else start.date()
    deadline, _ = CaseDeadline.objects.update_or_create(
        case=case, key=key,
        defaults={
            "rule_id": rule, "variant": variant or "", "period": period or "", "custody_days": custody_days,
            "label": computed.label, "article": computed.article, "flagged": computed.flag,
            "start_date": start, "due_date": computed.due_date, "provisional_year": computed.provisional_year,
            "status": DeadlineStatus.RUNNING,
            "stopped_at": None, "explanation": computed.steps, "adjustments": [],
        },
    )
    return deadline


def stop_deadline(*, case: Case, key: str, at: datetime.datetime | None = None) -> CaseDeadline | None:
    """Stop the running deadline ``key`` of ``case`` (met at ``at``, default now), as a transition's
    ``stops`` does; None when there is no such running deadline. For a module service that meets a
    deadline outside a workflow transition (AP-29 withdrawal). No audit event: the caller records its own."""
    deadline = CaseDeadline.objects.select_for_update().filter(case=case, key=key,
                                                              status=DeadlineStatus.RUNNING).first()
    if deadline is None:
        return None
    deadline.status = DeadlineStatus.STOPPED
    deadline.stopped_at = at or timezone.now()
    deadline.save(update_fields=["status", "stopped_at"])
    return deadline


@service("cases.case.opened")
def open_case(*, actor: Actor, case_type: str, title: str, org: Org | None = None,
              parties: Sequence[PartyInput] = (), data: Mapping[str, Any] | None = None) -> Case:
    """Open a case of ``case_type`` in the actor's org (or an org in its subtree), numbered officially."""
    _refuse_module_managed(case_type, "type")
    case = create_case(actor=actor, case_type=case_type, title=title, org=org, parties=parties, data=data)
    record(actor=actor, action="cases.case.opened", obj=case,
           changes={"type": case_type, "number": case.number, "org": case.org_id})
    return case


def _refuse_module_managed(case_type: str, field: str) -> None:
    spec = registry.case_types[case_type] if case_type in registry.case_types else None
    if spec is not None and spec.page:
        raise ValidationFailed(f"「{spec.label}」案件请在「{spec.module_label or spec.label}」页面办理", field=field)


def create_case(*, actor: Actor, case_type: str, title: str, org: Org | None = None,
                parties: Sequence[PartyInput] = (), data: Mapping[str, Any] | None = None) -> Case:
    """``open_case`` without the audit event, for a module service that records its own (same transaction)."""
    spec = case_type_of(case_type)
    if not role_allowed(actor, spec.open_roles):
        raise PermissionDeniedError(f"当前角色不能新建「{spec.label}」")
    owner = org or actor.org
    if owner is None or not Org.objects.visible_to(actor).filter(pk=owner.pk).exists():
        raise NotFound("承办机构不存在或无权访问")
    title = title.strip()
    if not title:
        raise ValidationFailed("请填写案由/标题", field="title")
    payload = dict(data or {})
    errors = _missing_fields(spec.workflow, spec.open_fields, payload)
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), errors=errors)
    now = timezone.now()
    year = timezone.localtime(now).year
    prefix = number_prefix(owner)
    sequence = next_sequence(case_type=case_type, prefix=prefix, year=year)
    case = Case.objects.create(
        case_type=case_type, year=year, sequence=sequence,
        number=format_number(year=year, prefix=prefix, word=spec.number_word, sequence=sequence),
        case_code=new_case_code(), org=owner, state=spec.workflow.initial, title=title[:255], data=payload,
        opened_at=now, opened_by=actor.name,
    )
    for party in parties:
        if party.person is None and party.entity is None:
            raise ValidationFailed("当事人须为已登记的自然人或法人", field="parties")
        name = party.person.name if party.person else party.entity.name  # type: ignore[union-attr]
        CaseParty.objects.create(case=case, role=party.role, person=party.person, entity=party.entity, name=name)
    if actor.user is not None:
        CaseHandler.objects.create(case=case, user=actor.user, is_lead=True)
    return case


@service("cases.case.transitioned")
def transition_case(*, actor: Actor, case: Case, transition: str, data: Mapping[str, Any] | None = None) -> Case:
    """Move ``case`` along ``transition`` of its workflow.

    Locks the case row, then checks in this order: scope (404), the transition exists (400), the
    current state (409), the actor's role (403), required fields (400, naming each), the guard
    (409). It writes the transition log, stops and starts the declared deadlines and records one
    audit event; effects run after the transaction commits.
    """
    _refuse_module_managed(case.case_type, "name")
    locked, step, from_state, _logged = _apply(actor=actor, case=case, transition=transition, data=data)
    record(actor=actor, action="cases.case.transitioned", obj=locked,
           changes={"transition": step.name, "from": from_state, "to": step.target})
    return locked


def apply_transition(*, actor: Actor, case: Case, transition: str,
                     data: Mapping[str, Any] | None = None) -> tuple[Case, CaseTransition]:
    """``transition_case`` without the audit event, for a module service that records its own.

    Returns the locked, moved case and the transition log row.
    """
    locked, _step, _from, logged = _apply(actor=actor, case=case, transition=transition, data=data)
    return locked, logged


def _apply(*, actor: Actor, case: Case, transition: str,
           data: Mapping[str, Any] | None) -> tuple[Case, Transition, str, CaseTransition]:
    payload = dict(data or {})
    locked = Case.objects.visible_to(actor).select_for_update(no_key=True).filter(pk=case.pk).first()
    if locked is None:
        raise NotFound()
    workflow = workflow_of(locked)
    step = workflow.transition(transition)
    if step is None:
        raise ValidationFailed(f"「{workflow.label}」没有名为 {transition} 的环节", field="name")
    if locked.state not in step.sources:
        current = workflow.state(locked.state).label
        raise TransitionNotAllowed(f"案件当前处于「{current}」，不能执行「{step.label}」")
    if not role_allowed(actor, step.roles):
        raise PermissionDeniedError(f"当前角色不能执行「{step.label}」")
    errors = _missing_fields(workflow, step.required_fields, payload)
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), errors=errors)
    if step.guard is not None:
        reason = step.guard(locked, actor, payload)
        if reason:
            raise GuardFailed(reason)
    from_state = locked.state
    locked.state = step.target
    now = timezone.now()
    met_at = _met_at(payload, step.done_field, workflow, now)
    fields = ["state"]
    if workflow.state(step.target).terminal:
        locked.closed_at = now
        fields.append("closed_at")
    locked.save(update_fields=fields)
    logged = CaseTransition.objects.create(
        case=locked, name=step.name, label=step.label, from_state=from_state, to_state=step.target,
        actor_name=actor.name, user_id_snapshot=actor.user.pk if actor.user else None,
        membership_id_snapshot=actor.membership.pk if actor.membership else None,
        data={k: v if isinstance(v, str | int | float | bool | None) else str(v) for k, v in payload.items()},
        created_at=now,
    )
    if step.key:
        _log_key_transition(locked, logged)
    if workflow.state(step.target).terminal:  # a closed case keeps no running deadline
        CaseDeadline.objects.filter(case=locked, status=DeadlineStatus.RUNNING).update(
            status=DeadlineStatus.STOPPED, stopped_at=met_at)
    elif step.stops:
        CaseDeadline.objects.filter(case=locked, key__in=step.stops, status=DeadlineStatus.RUNNING).update(
            status=DeadlineStatus.STOPPED, stopped_at=met_at)
    _start_deadlines(locked, step, payload, workflow)
    for effect in step.effects:
        transaction.on_commit(functools.partial(effect, locked.pk))
    return locked, step, from_state, logged


def _log_key_transition(case: Case, logged: CaseTransition) -> None:
    """A key step (``Transition.key``) goes into the evidence ledger in the same transaction: entry
    type ``case.transition``, the case id, and the step's record as metadata (docs/engines/ledger.md)."""
    append_entry(Entry(
        type="case.transition", case_id=case.pk, object_hash="",
        metadata={"case_number": case.number, "transition": logged.name, "label": logged.label,
                  "from": logged.from_state, "to": logged.to_state, "actor": logged.actor_name,
                  "record": logged.pk, "data": logged.data},
        time=logged.created_at))


def _locked_deadline(actor: Actor, case: Case, key: str) -> CaseDeadline:
    actor.require("cases.deadlines.adjust")
    locked_case = Case.objects.visible_to(actor).select_for_update(no_key=True).filter(pk=case.pk).first()
    if locked_case is None:
        raise NotFound()
    deadline = CaseDeadline.objects.select_for_update().filter(case=locked_case, key=key).first()
    if deadline is None:
        raise ValidationFailed(f"案件没有名为 {key} 的期限", field="key")
    if deadline.status != DeadlineStatus.RUNNING:
        raise TransitionNotAllowed(f"期限「{deadline.label}」已{deadline.get_status_display()}，不能再中止或延长")
    return deadline


def _apply_adjustment(actor: Actor, deadline: CaseDeadline, adjustment: dict[str, str]) -> CaseDeadline:
    adjustment = {**adjustment, "by": actor.name, "at": timezone.now().isoformat(timespec="seconds")}
    adjustments = [*deadline.adjustments, adjustment]
    computed = deadline_bridge.compute(deadline.rule_id, deadline.start_date, adjustments,
                                       variant=deadline.variant or None, period=deadline.period or None,
                                       custody_days=deadline.custody_days)
    deadline.adjustments = adjustments
    deadline.due_date = computed.due_date
    deadline.provisional_year = computed.provisional_year
    deadline.explanation = computed.steps
    deadline.save(update_fields=["adjustments", "due_date", "provisional_year", "explanation"])
    return deadline


def recompute_provisional(year: int) -> int:
    """Recompute every case deadline whose due date was provisional for want of ``year``'s holiday
    notice (or an earlier one), now that it is loaded; returns how many changed. Called in the
    transaction that loads the year (``registry.calendar_hooks``). No audit event of its own:
    the calendar load is audited."""
    changed = 0
    rows = CaseDeadline.objects.select_for_update().filter(provisional_year__isnull=False, provisional_year__lte=year)
    for deadline in rows:
        computed = deadline_bridge.compute(deadline.rule_id, deadline.start_date, deadline.adjustments,
                                           variant=deadline.variant or None, period=deadline.period or None,
                                           custody_days=deadline.custody_days)
        if (computed.due_date, computed.provisional_year) != (deadline.due_date, deadline.provisional_year):
            changed += 1
        deadline.due_date = computed.due_date
        deadline.provisional_year = computed.provisional_year
        deadline.explanation = computed.steps
        deadline.save(update_fields=["due_date", "provisional_year", "explanation"])
    return changed


def _date(value: str, field: str) -> str:
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat()
    except (ValueError, AttributeError) as exc:
        raise ValidationFailed("请填写日期（YYYY-MM-DD）", field=field) from exc


@service("cases.deadline.suspended")
def suspend_case_deadline(*, actor: Actor, case: Case, key: str, stopped_on: str, resumed_on: str,
                          reason: str) -> CaseDeadline:
    """中止 a running case deadline: the period stops and resumes after the obstacle ends (GEN-13,
    《行政复议法》第二十条第二款 / 《民事诉讼法》第八十六条 / 《刑事诉讼法》第一百零六条). The reason is required.
    """
    if not reason.strip():
        raise ValidationFailed("中止期限须写明事由", field="reason")
    deadline = _locked_deadline(actor, case, key)
    before = deadline.due_date
    deadline = _apply_adjustment(actor, deadline, {"kind": "suspend", "from": _date(stopped_on, "from"),
                                                   "to": _date(resumed_on, "to"), "reason": reason.strip()})
    record(actor=actor, action="cases.deadline.suspended", obj=deadline.case,
           changes={"key": key, "due": [before.isoformat(), deadline.due_date.isoformat()], "reason": reason.strip()})
    return deadline


@service("cases.deadline.extended")
def extend_case_deadline(*, actor: Actor, case: Case, key: str, period: str, reason: str, approver: str) -> CaseDeadline:
    """延长 a running case deadline by ``period`` (e.g. 三十日 under 《行政复议法》第六十二条), with the
    reason and the approver recorded; the new due date counts from the current one [INT].
    """
    if not reason.strip():
        raise ValidationFailed("延长期限须写明理由", field="reason")
    if not approver.strip():
        raise ValidationFailed("延长期限须写明批准人", field="approver")
    deadline = _locked_deadline(actor, case, key)
    before = deadline.due_date
    deadline = _apply_adjustment(actor, deadline, {"kind": "extend", "period": period.strip(),
                                                   "reason": reason.strip(), "approver": approver.strip()})
    record(actor=actor, action="cases.deadline.extended", obj=deadline.case,
           changes={"key": key, "due": [before.isoformat(), deadline.due_date.isoformat()], "period": period.strip(),
                    "approver": approver.strip()})
    return deadline
