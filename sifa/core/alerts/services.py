"""Alert writes: the scheduled scan, the closed-loop actions, escalation. One audit event per call."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.alerts.choices import OPEN_STATES, AlertAction, AlertState
from sifa.core.alerts.models import Alert, AlertStep
from sifa.core.alerts.rules import AlertCondition, AlertRule
from sifa.core.audit.recorder import record
from sifa.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.services import service

# action → (states it may be taken from, state it leads to, permission)
LOOP: dict[str, tuple[tuple[str, ...], str, str]] = {
    AlertAction.SIGN: ((AlertState.PENDING_SIGN,), AlertState.HANDLING, "alerts.handle"),
    AlertAction.HANDLE: ((AlertState.HANDLING,), AlertState.PENDING_VERIFY, "alerts.handle"),
    AlertAction.VERIFY: ((AlertState.PENDING_VERIFY,), AlertState.CLOSED, "alerts.verify"),
    AlertAction.CLOSE: (OPEN_STATES, AlertState.CLOSED, "alerts.verify"),
    AlertAction.REOPEN: ((AlertState.PENDING_VERIFY, AlertState.CLOSED), AlertState.HANDLING, "alerts.verify"),
}
NOTE_REQUIRED = {AlertAction.HANDLE, AlertAction.CLOSE, AlertAction.REOPEN}


def rule_of(code: str) -> AlertRule:
    rule: AlertRule = registry.alert_rules[code]
    return rule


def step_limit(rule: AlertRule, state: str) -> datetime.timedelta:
    hours: dict[str, int] = {AlertState.PENDING_SIGN: rule.sign_hours, AlertState.HANDLING: rule.handle_hours,
                             AlertState.PENDING_VERIFY: rule.verify_hours}
    return datetime.timedelta(hours=hours.get(state, rule.handle_hours))


def _step(alert: Alert, *, action: str, label: str, actor_name: str, from_state: str = "", to_state: str = "",
          note: str = "", org_name: str = "") -> None:
    AlertStep.objects.create(alert=alert, action=action, label=label, actor_name=actor_name, from_state=from_state,
                             to_state=to_state, note=note, org_name=org_name)


def open_alert_in_transaction(*, rule: AlertRule, condition: AlertCondition, actor_name: str) -> Alert | None:
    """Open an alert for ``condition`` unless one is already open for the same rule and object.

    Not a public service: it runs inside the caller's service (the scan, or a module's event service),
    whose audit event covers it. The partial unique index on open alerts makes duplicates impossible
    even under concurrency.
    """
    key = f"{rule.code}:{condition.dedup_suffix}"
    if Alert.objects.filter(dedup_key=key, state__in=OPEN_STATES).exists():
        return None
    now = timezone.now()
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                rule_code=rule.code, level=rule.level, org_id=condition.org_id, object_type=condition.object_type,
                object_id=condition.object_id, case_id=condition.case_id, title=condition.title[:255],
                detail=condition.detail, legal_basis=(condition.legal_basis or rule.legal_basis)[:255],
                dedup_key=key, state=AlertState.PENDING_SIGN, step_due_at=now + step_limit(rule, AlertState.PENDING_SIGN),
                opened_at=now,
            )
    except IntegrityError:
        return None  # opened concurrently
    _step(alert, action="open", label="发出预警", actor_name=actor_name, to_state=AlertState.PENDING_SIGN)
    return alert


@service("alerts.rules.evaluated")
def evaluate_alert_rules(*, actor: Actor, today: datetime.date | None = None) -> dict[str, int]:
    """Run every scheduled rule: open alerts for new conditions, note cleared ones on open alerts."""
    today = today or timezone.localdate()
    opened = cleared = 0
    errors: list[str] = []
    for rule in registry.alert_rules.values():
        if rule.evaluate is None:
            continue
        try:
            conditions = list(rule.evaluate(today))
        except Exception as exc:  # noqa: BLE001 (one broken rule must not stop the others; the audit row says so)
            errors.append(f"{rule.code}: {exc}")
            continue
        holding = {f"{rule.code}:{c.dedup_suffix}" for c in conditions}
        for condition in conditions:
            if open_alert_in_transaction(rule=rule, condition=condition, actor_name=actor.name):
                opened += 1
        stale = Alert.objects.filter(rule_code=rule.code, state__in=OPEN_STATES, condition_cleared_at__isnull=True)
        for alert in stale.exclude(dedup_key__in=holding):
            alert.condition_cleared_at = timezone.now()
            alert.save(update_fields=["condition_cleared_at"])
            _step(alert, action="cleared", label="预警条件已消除", actor_name=actor.name,
                  note="触发条件已不再成立，可核查后办结")
            cleared += 1
    result = {"opened": opened, "cleared": cleared, "errors": len(errors)}
    record(actor=actor, action="alerts.rules.evaluated", object_type="alerts.alert",
           object_repr=f"预警扫描 {today:%Y-%m-%d}", changes={**result, "error_text": errors[:10]})
    return result


@service("alerts.alert.acted")
def act_on_alert(*, actor: Actor, alert: Alert, action: str, note: str = "") -> Alert:
    """Take one closed-loop step on an alert in the actor's scope (sign / handle / verify / close / reopen)."""
    if action not in LOOP:
        raise ValidationFailed(f"未知的处置动作：{action}", field="action")
    sources, target, permission = LOOP[action]
    locked = Alert.objects.visible_to(actor).select_for_update().filter(pk=alert.pk).first()
    if locked is None:
        raise NotFound()
    if not actor.has_perm(permission):
        raise PermissionDeniedError(f"当前角色不能执行「{AlertAction(action).label}」")
    if locked.state not in sources:
        raise Conflict(f"预警当前为「{AlertState(locked.state).label}」，不能执行「{AlertAction(action).label}」")
    note = note.strip()
    if action in NOTE_REQUIRED and not note:
        raise ValidationFailed(f"「{AlertAction(action).label}」须填写意见", field="note")
    from_state = locked.state
    locked.state = target
    now = timezone.now()
    fields = ["state", "step_due_at"]
    if target == AlertState.CLOSED:
        locked.closed_at = now
        fields.append("closed_at")
    elif action == AlertAction.REOPEN:
        locked.closed_at = None
        fields.append("closed_at")
    locked.step_due_at = now + step_limit(rule_of(locked.rule_code), target)
    locked.save(update_fields=fields)
    _step(locked, action=action, label=AlertAction(action).label, actor_name=actor.name, from_state=from_state,
          to_state=target, note=note, org_name=actor.org.name if actor.org else "")
    record(actor=actor, action="alerts.alert.acted", obj=locked,
           changes={"action": action, "from": from_state, "to": target, "note": note[:200]})
    return locked


@service("alerts.alerts.escalated")
def escalate_overdue_alerts(*, actor: Actor, now: datetime.datetime | None = None) -> int:
    """Escalate open alerts whose current step is past its time limit to the next org up (升级).

    The alert stays with its org (scope) and is marked as escalated to the parent, which sees it in
    its inbox as escalated; the step's time limit restarts, so an alert escalates once per period.
    """
    now = now or timezone.now()
    count = 0
    late = Alert.objects.select_for_update().filter(state__in=OPEN_STATES, step_due_at__lt=now).select_related("org")
    for alert in late:
        current = alert.escalated_to or alert.org
        parent = Org.objects.filter(pk=current.parent_id).first() if current.parent_id else None
        alert.escalations += 1
        alert.step_due_at = now + step_limit(rule_of(alert.rule_code), alert.state)
        fields = ["escalations", "step_due_at"]
        if parent is not None:
            alert.escalated_to = parent
            fields.append("escalated_to")
        alert.save(update_fields=fields)
        where = parent.name if parent else "（已是最高层级）"
        _step(alert, action="escalate", label="超时升级", actor_name=actor.name, note=f"本环节超过时限，升级至{where}",
              org_name=where)
        count += 1
    record(actor=actor, action="alerts.alerts.escalated", object_type="alerts.alert",
           object_repr="预警超时升级", changes={"escalated": count})
    return count
