"""Writes of 行政处罚 cases (RULES.md §4.5): open, move, officers, 复议/诉讼 periods, export.

One public service = one durable transaction = exactly one audit event (CONVENTIONS §4.3). A case
is opened and moved with the cases engine's ``create_case`` / ``apply_transition`` /
``start_deadline`` inside these services, so the detail row, the state change and the deadlines are
written together under one audit event of this module.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.cases.models import CaseDeadline, CaseParty, PartyRole
from sifa.core.cases.services import apply_transition, create_case, role_allowed, start_deadline
from sifa.core.errors import NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.persons.idnumbers import IdNumberError, parse_credit_code, parse_id_number
from sifa.core.persons.models import Entity, Person
from sifa.core.persons.services import id_number_index, person_row
from sifa.core.services import service
from sifa.modules.enforcement import penalty
from sifa.modules.enforcement.choices import Circumstance, PenaltyType
from sifa.modules.enforcement.models import EnforcementBody, EnforcementOfficer, PowerItem
from sifa.modules.enforcement.penalty_models import (
    PenaltyCase,
    PenaltyPartyType,
    PenaltyProcedure,
    ReviewTrigger,
    ServiceMethod,
)
from sifa.modules.enforcement.penalty_selectors import penalty_case_for
from sifa.modules.enforcement.penalty_workflow import PENALTY, PENALTY_CASE, PENALTY_WORKFLOW

OPENED = "enforcement.penalty_case.opened"
MOVED = "enforcement.penalty_case.moved"
OFFICERS_CHANGED = "enforcement.penalty_case.officers_changed"
REVIEW_RECORDED = "enforcement.penalty_case.review_period_recorded"
EXPORTED = "enforcement.penalty_cases.exported"

AUDIT_ACTIONS = (
    (OPENED, "登记行政处罚案件", False),
    (MOVED, "办理行政处罚案件环节", False),
    (OFFICERS_CHANGED, "变更行政处罚案件执法人员", False),
    (REVIEW_RECORDED, "登记复议、诉讼期间（暂停加处罚款）", False),
    (EXPORTED, "导出行政处罚案件清单", True),
)


# --- parsing helpers (no transaction of their own) ------------------------------------------------


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(text) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 个字符", field=field)
    return text


def _date(value: Any, *, field: str, label: str, required: bool = True) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(f"请填写{label}", field=field)
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed(f"「{label}」应为日期（YYYY-MM-DD）", field=field) from exc


def _datetime(value: Any, *, field: str, label: str) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise ValidationFailed(f"「{label}」应为时间（YYYY-MM-DDTHH:MM）", field=field) from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _money(value: Any, *, field: str, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise ValidationFailed(f"「{label}」应为金额（元）", field=field) from exc
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(f"「{label}」应为不小于 0、最多两位小数的金额", field=field)
    return amount


def _penalty_types(value: Any, *, field: str, label: str) -> list[str]:
    raw = value.replace("，", ",").split(",") if isinstance(value, str) else list(value or [])
    types = [str(t).strip() for t in raw if str(t).strip()]
    known = set(PenaltyType.values)
    labels = {lbl: code for code, lbl in PenaltyType.choices}
    out: list[str] = []
    for t in types:
        code = labels.get(t, t)
        if code not in known:
            raise ValidationFailed(f"「{label}」中的「{t}」不是《行政处罚法》第九条规定的处罚种类（AP-01）", field=field)
        if code not in out:
            out.append(code)
    return out


def _flag(value: Any) -> bool:
    return value not in (None, "", False, "0", "false", "否", "off")


def _body(actor: Actor, body: EnforcementBody | None) -> EnforcementBody:
    if body is not None:
        found = EnforcementBody.objects.visible_to(actor).filter(pk=body.pk).first()
    else:
        found = EnforcementBody.objects.visible_to(actor).filter(org=actor.org).first() if actor.org else None
    if found is None:
        raise ValidationFailed("当前机构不是执法主体，请选择执法主体", field="body")
    return found


def _party(actor: Actor, *, party_type: str, person: Person | None, entity: Entity | None, name: str,
           id_number: str, credit_code: str, body: EnforcementBody) -> tuple[Person | None, Entity | None]:
    if party_type == PenaltyPartyType.CITIZEN:
        if person is not None:
            found = Person.objects.visible_to(actor).filter(pk=person.pk).first()
            if found is None:
                raise NotFound("当事人不存在或无权访问")
            return found, None
        name = _text(name, field="party_name", label="当事人姓名", max_length=64)
        try:
            facts = parse_id_number(id_number)
        except IdNumberError as exc:
            raise ValidationFailed(f"当事人身份证号：{exc}", field="id_number") from exc
        existing = Person.objects.filter(id_number_index=id_number_index(facts.number)).first()
        if existing is not None:
            # A party registered by another org (out of scope) is linked only when the name matches, and the
            # registered name is never shown: the officer learns nothing the officer did not type.
            if existing.name != name:
                visible = Person.objects.visible_to(actor).filter(pk=existing.pk).exists()
                shown = f"人员库登记的姓名为「{existing.name}」" if visible else "人员库已有登记"
                raise ValidationFailed(f"该身份证号{shown}，与填写的姓名不一致", field="party_name")
            return existing, None
        created = person_row(name=name, facts=facts, org=body.org)
        created.save()
        return created, None
    if entity is not None:
        found_entity = Entity.objects.visible_to(actor).filter(pk=entity.pk).first()
        if found_entity is None:
            raise NotFound("当事人不存在或无权访问")
        return None, found_entity
    name = _text(name, field="party_name", label="当事人名称", max_length=128)
    try:
        code = parse_credit_code(credit_code)
    except IdNumberError as exc:
        raise ValidationFailed(f"统一社会信用代码：{exc}", field="credit_code") from exc
    existing_entity = Entity.objects.filter(credit_code=code).first()
    if existing_entity is not None:
        return None, existing_entity
    return None, Entity.objects.create(name=name, credit_code=code, org=body.org)


def _officers(actor: Actor, body: EnforcementBody, ids: Iterable[int | str]) -> list[EnforcementOfficer]:
    wanted: list[int] = []
    for raw in ids:
        try:
            wanted.append(int(raw))
        except (TypeError, ValueError) as exc:
            raise ValidationFailed("执法人员编号应为整数", field="officers") from exc
    found = list(EnforcementOfficer.objects.visible_to(actor).filter(pk__in=wanted).select_related("person", "body"))
    if len(found) != len(set(wanted)):
        raise ValidationFailed("所选执法人员不存在或无权访问", field="officers")
    return found


def _check_officers(detail: PenaltyCase, officers: Sequence[EnforcementOfficer], on: datetime.date) -> None:
    """AP-12 / AP-42 through the foundation's ``check_case_officers`` (at least two valid officers)."""
    from sifa.modules.enforcement.rules import check_case_officers

    check_case_officers(officers, detail.power_item, on)


# --- open -----------------------------------------------------------------------------------------


@service(OPENED)
def open_penalty_case(*, actor: Actor, procedure: str = PenaltyProcedure.ORDINARY, party_type: str,
                      act_date: datetime.date | str | None, discovered_on: datetime.date | str | None,
                      facts: str, body: EnforcementBody | None = None, power_item: PowerItem | None = None,
                      person: Person | None = None, entity: Entity | None = None, party_name: str = "",
                      id_number: str = "", credit_code: str = "", act_end_date: datetime.date | str | None = None,
                      serious_harm: bool = False, circumstance: str = "", cited_articles: str = "",
                      officers: Sequence[int | str] = (), review_triggers: Sequence[str] = (),
                      temporal_note: str = "", title: str = "") -> PenaltyCase:
    """Register a 行政处罚 clue (state ``clue_received``; 简易程序 cases go on to the 当场 decision, AP-16).

    The party is a registered person/entity or is registered here from the 身份证号 / 统一社会信用代码;
    the birth date is copied from the person for the AP-05 age rule. The AP-07 limitation and the
    AP-05 age are checked at 立案 (``penalty_workflow.file_guard``), the officers (AP-12) at 立案 and
    at the start of the investigation. ``review_triggers`` are the AP-22 cases that need 法制审核.
    """
    actor.require("enforcement.cases.handle")
    if not role_allowed(actor, PENALTY_CASE.open_roles):
        raise PermissionDeniedError("登记行政处罚案件须以行政执法人员身份办理")
    chosen_body = _body(actor, body)
    if procedure not in PenaltyProcedure.values:
        raise ValidationFailed("请选择程序（普通程序或简易程序）", field="procedure")
    if party_type not in PenaltyPartyType.values:
        raise ValidationFailed("请选择当事人类型（公民或法人、其他组织）", field="party_type")
    item = None
    if power_item is not None:
        item = PowerItem.objects.visible_to(actor).filter(pk=power_item.pk, body=chosen_body).first()
        if item is None:
            raise ValidationFailed("执法事项不属于该执法主体或无权访问", field="power_item")
    act = _date(act_date, field="act_date", label="违法行为发生日")
    act_end = _date(act_end_date, field="act_end_date", label="连续或继续状态终了日", required=False)
    discovered = _date(discovered_on, field="discovered_on", label="发现日期")
    assert act is not None and discovered is not None
    if act_end is not None and act_end < act:
        raise ValidationFailed("连续或继续状态终了日不能早于违法行为发生日", field="act_end_date")
    if discovered < act:
        raise ValidationFailed("发现日期不能早于违法行为发生日", field="discovered_on")
    if discovered > timezone.localdate():
        raise ValidationFailed("发现日期不能晚于今天", field="discovered_on")
    facts = _text(facts, field="facts", label="违法事实", max_length=20000)
    if circumstance and circumstance not in Circumstance.values:
        raise ValidationFailed("违法情节应为轻微、一般、较重或严重", field="circumstance")
    triggers = [str(t) for t in review_triggers if str(t)]
    for t in triggers:
        if t not in ReviewTrigger.values:
            raise ValidationFailed(f"未知的法制审核情形：{t}（AP-22）", field="review_triggers")
    cited = _text(cited_articles, field="cited_articles", label="违法依据和处罚依据", max_length=4000, required=False)
    if cited:
        from sifa.core.laws.citations import parse_citations

        if not parse_citations(cited):
            raise ValidationFailed("违法依据和处罚依据应写明法规名称和条文，如《行政处罚法》第三十六条", field="cited_articles")
    chosen_person, chosen_entity = _party(actor, party_type=party_type, person=person, entity=entity, name=party_name,
                                          id_number=id_number, credit_code=credit_code, body=chosen_body)
    name = chosen_person.name if chosen_person else chosen_entity.name  # type: ignore[union-attr]
    team = _officers(actor, chosen_body, officers)
    case = create_case(actor=actor, case_type=PENALTY, title=(title.strip() or f"{name}行政处罚案")[:255],
                       org=chosen_body.org, data={"procedure": procedure})
    CaseParty.objects.create(case=case, role=PartyRole.PARTY, person=chosen_person, entity=chosen_entity, name=name)
    detail = PenaltyCase.objects.create(
        case=case, procedure=procedure, body=chosen_body, power_item=item, party_type=party_type,
        person=chosen_person, entity=chosen_entity, party_name=name,
        party_birth_date=chosen_person.birth_date if chosen_person else None, act_date=act, act_end_date=act_end,
        discovered_on=discovered, serious_harm=bool(serious_harm), facts=facts, circumstance=circumstance,
        cited_articles=cited, review_triggers=triggers,
        temporal_note=_text(temporal_note, field="temporal_note", label="新旧法适用说明", max_length=2000, required=False))
    if team:
        detail.officers.set(team)
    record(actor=actor, action=OPENED, obj=case, object_repr=f"{case.number} {name}",
           changes={"number": case.number, "procedure": procedure, "body": chosen_body.pk, "party_type": party_type,
                    "officers": [o.pk for o in team], "review_triggers": triggers})
    return detail


# --- officers -------------------------------------------------------------------------------------


@service(OFFICERS_CHANGED)
def set_penalty_officers(*, actor: Actor, detail: PenaltyCase, officers: Sequence[int | str]) -> PenaltyCase:
    """Change a case's officers. Once filed, the team must keep ≥2 valid officers for the item (AP-12,
    《行政处罚法》第四十二条; AP-42), checked with the foundation's ``check_case_officers``."""
    actor.require("enforcement.cases.handle")
    found = _locked(actor, detail)
    if PENALTY_WORKFLOW.state(found.case.state).terminal:
        raise ValidationFailed("案件已终结，不能变更执法人员", field="officers")
    team = _officers(actor, found.body, officers)
    if found.case.state != "clue_received":
        _check_officers(found, team, timezone.localdate())
    before = sorted(found.officers.values_list("pk", flat=True))
    found.officers.set(team)
    record(actor=actor, action=OFFICERS_CHANGED, obj=found.case, object_repr=str(found),
           changes={"officers": [before, sorted(o.pk for o in team)]})
    return found


def _locked(actor: Actor, detail: PenaltyCase) -> PenaltyCase:
    fresh = penalty_case_for(actor, detail.pk)
    locked = PenaltyCase.objects.select_for_update(of=("self",)).select_related("case", "body", "body__org", "power_item") \
        .filter(pk=fresh.pk).first()
    if locked is None:
        raise NotFound()
    return locked


# --- move -----------------------------------------------------------------------------------------

DATE_FIELDS = {
    "filed_on", "started_on", "preserved_on", "handled_on", "concluded_on", "reported_on", "notice_served_on",
    "hearing_requested_on", "hearing_notified_on", "hearing_on", "hearing_held_on", "waived_on", "reviewed_on",
    "decided_on", "served_on", "published_on", "paid_on", "on", "demand_served_on", "court_applied_on",
    "court_ruled_on", "recorded_on", "closed_on",
}
TIME_FIELDS = {"approved_at", "transferred_at"}


def _prepare(detail: PenaltyCase, transition: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise the step's data: dates, times, penalty types, amounts; defaults from the case."""
    label = PENALTY_WORKFLOW.label_of
    payload: dict[str, Any] = {}
    for key, value in data.items():
        if value in (None, ""):
            continue
        if key in DATE_FIELDS:
            payload[key] = _date(value, field=key, label=label(key)).isoformat()  # type: ignore[union-attr]
        elif key in TIME_FIELDS:
            payload[key] = _datetime(value, field=key, label=label(key)).isoformat(timespec="minutes")
        elif key in ("proposed_types", "decision_types"):
            payload[key] = ",".join(_penalty_types(value, field=key, label=label(key)))
        elif key in ("proposed_amount", "decision_amount", "paid_amount"):
            payload[key] = str(_money(value, field=key, label=label(key)))
        elif key in ("collective_discussion", "hearing_waived", "defence_made", "electronic_consent", "no_rollover",
                     "collected_on_spot", "hard_to_collect", "remote_area_request"):
            payload[key] = _flag(value)
        else:
            payload[key] = _text(value, field=key, label=label(key), max_length=2000)
    if transition == "await_payment" and "served_on" not in payload and detail.served_on:
        payload["served_on"] = detail.served_on.isoformat()
    if transition == "await_payment" and "no_rollover" not in payload:
        payload["no_rollover"] = payment_no_rollover()
    if transition == "serve_decision" and payload.get("service_method") not in (None, *ServiceMethod.values):
        raise ValidationFailed("送达方式应为当场交付、直接送达、邮寄送达或电子送达", field="service_method")
    if transition in ("decide", "decide_on_spot") and "decision_types" in payload:
        types = payload["decision_types"].split(",")
        if any(t in ("fine", "confiscate_illegal_gains", "confiscate_illegal_property") for t in types) \
                and not payload.get("decision_amount"):
            raise ValidationFailed("处罚种类含罚款或没收的，请填写金额", field="decision_amount")
    return payload


def payment_no_rollover() -> bool:
    """CASES C-24 configuration switch "行政处罚法日历期间不顺延" (AP-31 variant 不顺延, [INT]): the setting
    ``SIFA_PENALTY_PAYMENT_NO_ROLLOVER`` (default False: the last day rolls over, 《民法典》第二百零三条)."""
    from django.conf import settings

    return bool(getattr(settings, "SIFA_PENALTY_PAYMENT_NO_ROLLOVER", False))


def _day(payload: Mapping[str, Any], key: str) -> datetime.date | None:
    value = payload.get(key)
    return datetime.date.fromisoformat(value) if value else None


def _apply_facts(actor: Actor, detail: PenaltyCase, transition: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Write what the step established on the detail row; returns the facts for the audit event."""
    from sifa.modules.enforcement.rules import hearing_required

    facts: dict[str, Any] = {}
    fields: list[str] = []

    def put(name: str, value: Any) -> None:
        setattr(detail, name, value)
        fields.append(name)

    if transition == "file":
        put("filed_on", _day(payload, "filed_on"))
        if penalty.age_rule(detail.party_birth_date, detail.act_date) == penalty.MUST_MITIGATE:
            facts["note"] = penalty.AGE_MESSAGES[penalty.MUST_MITIGATE]
    elif transition == "conclude_investigation":
        put("collective_discussion", bool(payload.get("collective_discussion")))
    elif transition == "report_crime":
        put("transfer_reported_on", _day(payload, "reported_on"))
    elif transition == "approve_transfer":
        put("transfer_approved_at", datetime.datetime.fromisoformat(payload["approved_at"]))
    elif transition == "transfer":
        put("transferred_at", datetime.datetime.fromisoformat(payload["transferred_at"]))
        put("police_decision", str(payload.get("police_org", ""))[:255])
    elif transition == "serve_notice":
        types = payload["proposed_types"].split(",")
        amount = Decimal(payload["proposed_amount"]) if payload.get("proposed_amount") else None
        put("notice_served_on", _day(payload, "notice_served_on"))
        put("proposed_types", types)
        put("proposed_amount", amount)
        field = detail.power_item.field if detail.power_item else ""
        offered = any(hearing_required(t, amount, detail.party_type, detail.body, field=field) for t in types)
        put("hearing_offered", offered)
        if offered:  # AP-25: 五日 (工作日) to ask for a hearing
            start_deadline(case=detail.case, key="hearing_request", rule="AP-25",
                           start=_day(payload, "notice_served_on"))  # type: ignore[arg-type]
        facts["hearing_offered"] = offered
    elif transition == "request_hearing":
        put("hearing_requested_on", _day(payload, "hearing_requested_on"))
    elif transition == "notify_hearing":
        put("hearing_notified_on", _day(payload, "hearing_notified_on"))
        put("hearing_on", _day(payload, "hearing_on"))
    elif transition == "hold_hearing":
        put("hearing_held_on", _day(payload, "hearing_held_on"))
    elif transition == "waive_hearing":
        put("hearing_waived", True)
    elif transition == "complete_legal_review":
        put("legal_reviewed_on", _day(payload, "reviewed_on"))
        put("legal_reviewer", actor.name[:64])
        put("legal_review_opinion", str(payload.get("opinion", "")))
    elif transition in ("decide", "decide_on_spot"):
        put("decision_types", payload["decision_types"].split(","))
        put("decision_amount", Decimal(payload["decision_amount"]) if payload.get("decision_amount") else None)
        put("decision_number", str(payload.get("decision_number") or "")[:64])
        put("decided_on", _day(payload, "decided_on"))
        if payload.get("defence_made"):
            put("defence_made", True)
        if payload.get("hearing_waived"):
            put("hearing_waived", True)
        if transition == "decide_on_spot" and payload.get("collected_on_spot"):
            collection = penalty.on_spot_collection(payload.get("decision_amount") or 0,
                                                    hard_to_collect=bool(payload.get("hard_to_collect")),
                                                    remote_area_request=bool(payload.get("remote_area_request")))
            if not collection.allowed:
                raise ValidationFailed(collection.reason, field="collected_on_spot")
            put("paid_on", _day(payload, "decided_on"))
            put("paid_amount", detail.decision_amount)
            facts["collection"] = collection.reason
        if transition == "decide_on_spot":
            put("served_on", _day(payload, "decided_on"))
            put("service_method", "on_spot")
    elif transition == "decide_no_penalty":
        put("decided_on", _day(payload, "decided_on"))
        put("no_penalty_reason", str(payload.get("reason", ""))[:255])
    elif transition == "serve_decision":
        put("served_on", _day(payload, "served_on"))
        put("service_method", payload.get("service_method", ""))
        put("electronic_consent", bool(payload.get("electronic_consent")))
    elif transition == "publish":
        put("published_on", _day(payload, "published_on"))
    elif transition == "await_payment":
        due = CaseDeadline.objects.filter(case=detail.case, key="payment").values_list("due_date", flat=True).first()
        put("payment_due", due)
        facts["payment_due"] = due.isoformat() if due else None
    elif transition == "record_payment":
        paid = _day(payload, "paid_on")
        put("paid_on", paid)
        fee = detail.late_fee_on(paid) if paid else Decimal("0")
        amount = Decimal(payload["paid_amount"]) if payload.get("paid_amount") else (detail.decision_amount or Decimal(0)) + fee
        put("paid_amount", amount)
        facts["late_fee"] = str(fee)
    elif transition == "mark_overdue":
        facts["late_fee"] = str(detail.late_fee_on(_day(payload, "on") or timezone.localdate()))
    elif transition == "serve_demand":
        put("demand_served_on", _day(payload, "demand_served_on"))
    elif transition == "apply_to_court":
        put("court_applied_on", _day(payload, "court_applied_on"))
    elif transition == "record_court_ruling":
        put("court_ruled_on", _day(payload, "court_ruled_on"))
    elif transition == "close":
        put("closed_on", _day(payload, "closed_on"))
    if fields:
        detail.save(update_fields=[*fields, "updated_at"])
    return facts


@service(MOVED)
def move_penalty_case(*, actor: Actor, detail: PenaltyCase, transition: str,
                      data: Mapping[str, Any] | None = None) -> PenaltyCase:
    """Take one step of the 行政处罚 workflow (``penalty_workflow``; guards cite their RULES.md ids).

    The data is normalised (dates, AP-01 penalty types, amounts), the case moves through the cases
    engine (scope 404, state 409, role 403, fields 400, guard 409 — nothing is written on refusal), then
    the step's facts go onto the detail row: the 告知 computes the hearing right (AP-24, foundation's
    ``hearing_required``) and starts the AP-25 request period; the payment step records the AP-31 due
    date; a payment records the 加处罚款 due (AP-32/AP-33).
    """
    actor.require("enforcement.cases.view")
    found = penalty_case_for(actor, detail.pk)
    step = PENALTY_WORKFLOW.transition(transition)
    if step is None:
        raise ValidationFailed(f"「行政处罚」没有名为 {transition} 的环节", field="name")
    if step.roles == ("legal_reviewer",):
        actor.require("enforcement.cases.review")
    else:
        actor.require("enforcement.cases.handle")
    payload = _prepare(found, transition, dict(data or {}))
    case, logged = apply_transition(actor=actor, case=found.case, transition=transition, data=payload)
    locked = PenaltyCase.objects.select_related("case", "body", "body__org", "power_item").get(pk=case.pk)
    locked.case = case
    facts = _apply_facts(actor, locked, transition, payload)
    if transition == "decide" and not locked.decision_number:
        # The 决定书 is issued with the decision, so its 文号 is the decision number (AP-26, 第五十九条).
        from sifa.core.documents.services import issue_case_document

        document = issue_case_document(actor=actor, case=case, doc_type="penalty_decision")
        locked.decision_number = document.number
        locked.save(update_fields=["decision_number", "updated_at"])
        facts["decision_number"] = document.number
    if transition in ("decide", "decide_on_spot", "decide_no_penalty"):  # 类案检索 index (similar.py)
        from sifa.modules.enforcement.similar import index_penalty_case

        index_penalty_case(locked)
    record(actor=actor, action=MOVED, obj=case, object_repr=str(locked),
           changes={"transition": transition, "from": logged.from_state, "to": logged.to_state, **facts})
    return locked


# --- 复议 / 诉讼 periods (AP-33) -------------------------------------------------------------------


@service(REVIEW_RECORDED)
def record_review_period(*, actor: Actor, detail: PenaltyCase, started_on: datetime.date | str,
                         ended_on: datetime.date | str | None = None, kind: str = "复议") -> PenaltyCase:
    """Record a 复议 or 诉讼 period: 加处罚款 does not accrue in it (AP-33, 《行政处罚法》第七十三条第三款).
    An open period (no end yet) runs to today for the late-fee figure."""
    actor.require("enforcement.cases.handle")
    found = _locked(actor, detail)
    start = _date(started_on, field="started_on", label="申请复议（起诉）日期")
    end = _date(ended_on, field="ended_on", label="复议（诉讼）终结日期", required=False) or datetime.date(9999, 12, 31)
    assert start is not None
    if end < start:
        raise ValidationFailed("终结日期不能早于申请日期", field="ended_on")
    if kind not in ("复议", "诉讼"):
        raise ValidationFailed("类型应为复议或诉讼", field="kind")
    found.review_periods = [*found.review_periods, [start.isoformat(), end.isoformat()]]
    found.save(update_fields=["review_periods", "updated_at"])
    record(actor=actor, action=REVIEW_RECORDED, obj=found.case, object_repr=str(found),
           changes={"kind": kind, "from": start.isoformat(), "to": end.isoformat()})
    return found


@service(EXPORTED)
def record_penalty_export(*, actor: Actor, description: str, row_count: int) -> None:
    """An Excel export of the case list (party names: personal data, PI rules)."""
    actor.require("enforcement.cases.view")
    record(actor=actor, action=EXPORTED, object_type="enforcement.penaltycase", object_repr=description[:255],
           changes={"rows": row_count})
