"""Writes of the 社区矫正 lifecycle (RULES.md §2.1, §2.4, §2.6) and of 调查评估 (CC-03).

One public service = one durable transaction = exactly one audit event (CONVENTIONS §4.3). A case
is opened and moved with the cases engine's ``create_case`` / ``apply_transition`` /
``start_deadline`` inside these services, so the detail rows, the state change and the deadlines
are written together under one audit event of this module.

Two steps also produce a document: 解除 (the 解除社区矫正证明书, CC-32) and the submission of an
调查评估 (the 调查评估意见书, CC-03). The documents engine's ``generate_document`` is a public service
of its own (its own audit event ``documents.document.generated``), so ``take_step`` /
``take_assessment_step`` run it right after the move commits; a failed generation leaves the move
done and is reported, and the document can be made again from the 文书 card.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.rules import AlertCondition
from sifa.core.alerts.services import open_alert_in_transaction
from sifa.core.audit.recorder import record
from sifa.core.cases.models import Case, CaseDeadline
from sifa.core.cases.services import apply_transition, create_case, start_deadline
from sifa.core.documents.models import GeneratedDocument
from sifa.core.errors import DuplicateError, NotFound, SifaError, ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.persons.idnumbers import IdNumberError, parse_id_number
from sifa.core.persons.models import Person
from sifa.core.persons.services import id_number_index, person_row, region_code_exists
from sifa.core.services import service
from sifa.modules.correction import config
from sifa.modules.correction import lifecycle_terms as terms
from sifa.modules.correction.choices import (
    AssessmentConclusion,
    CommissionerType,
    DecisionOrgType,
    SentenceType,
)
from sifa.modules.correction.models import CorrectionCase, CorrectionSubject, PreSentenceAssessment
from sifa.modules.correction.selectors import LIFECYCLE_TRANSITIONS, MINOR_NAME, correction_for, display_name
from sifa.modules.correction.workflow import ASSESSMENT, CORRECTION, CORRECTION_WORKFLOW

DISCHARGE_CERTIFICATE = "correction_discharge_certificate"
ASSESSMENT_OPINION = "correction_assessment_opinion"
TERMINAL = {s.code for s in CORRECTION_WORKFLOW.states if s.terminal}


# --- private helpers (no transaction of their own) ------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(text) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 个字符", field=field)
    return text


def _date(value: Any, *, field: str, label: str, required: bool = True,
          not_after_today: bool = True) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(f"请填写{label}", field=field)
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise ValidationFailed(f"{label}应为日期（YYYY-MM-DD）", field=field) from exc
    if not_after_today and value > _today():
        raise ValidationFailed(f"{label}不能晚于今天", field=field)
    return value


def _required_date(value: Any, *, field: str, label: str) -> datetime.date:
    day = _date(value, field=field, label=label)
    assert day is not None
    return day


def _choice(value: str, choices: type[Any], *, field: str, label: str) -> str:
    if value not in choices.values:
        options = "、".join(f"{v}（{lbl}）" for v, lbl in choices.choices)
        raise ValidationFailed(f"{label}不正确，可选：{options}", field=field)
    return value


def _office(actor: Actor, org: Org | None) -> Org:
    """The 执行地司法所 (CC-02): in the actor's subtree, a current 司法所. The county agency chooses it."""
    target = org
    if target is None:
        if actor.org is not None and actor.org.type == OrgType.JUDICIAL_OFFICE:
            target = actor.org
        else:
            raise ValidationFailed("请选择执行地司法所", field="office")
    visible = Org.objects.visible_to(actor).filter(pk=target.pk).first()
    if visible is None:
        raise NotFound("司法所不存在或无权访问")
    if visible.type != OrgType.JUDICIAL_OFFICE or not visible.is_current:
        raise ValidationFailed(f"「{visible.name}」不是在用的司法所：社区矫正对象由执行地司法所日常管理", field="office")
    return visible


def _resolve_person(actor: Actor, *, person: Person | None, name: str, id_number: str, phone: str, address: str,
                    office: Org) -> tuple[Person, bool]:
    """The person under correction: an existing one in scope, the registered owner of the number, or a new
    registry row (number validated per GB 11643, encrypted, blind-indexed and masked)."""
    if person is not None:
        visible = Person.objects.visible_to(actor).filter(pk=person.pk).first()
        if visible is None:
            raise NotFound("人员不存在或无权访问")
        return visible, False
    name = _text(name, field="name", label="姓名", max_length=64)
    if not (id_number or "").strip():
        raise ValidationFailed("请填写居民身份证号", field="id_number")
    try:
        facts = parse_id_number(id_number, region_exists=region_code_exists)
    except IdNumberError as exc:
        raise ValidationFailed(str(exc), field="id_number") from exc
    existing = Person.objects.filter(id_number_index=id_number_index(facts.number)).first()
    if existing is not None:
        if not Person.objects.visible_to(actor).filter(pk=existing.pk).exists():
            raise ValidationFailed("该身份证号已由其他机构在人员库登记，请联系上级机构核实", field="id_number")
        if existing.name != name:
            raise ValidationFailed(f"该身份证号在人员库登记的姓名为「{existing.name}」，与填写的姓名不一致", field="name")
        return existing, False
    actor.require("persons.manage")
    new = person_row(name=name, facts=facts, org=office, phone=_text(phone, field="phone", label="联系电话",
                                                                     max_length=32, required=False),
                     address=_text(address, field="address", label="住址", max_length=255, required=False))
    new.save()
    return new, True


def age_on(person: Person, day: datetime.date) -> int | None:
    birth = person.birth_date
    if birth is None:
        return None
    if isinstance(birth, str):
        birth = datetime.date.fromisoformat(birth)
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _is_minor_on(person: Person, day: datetime.date) -> bool:
    age = age_on(person, day)
    return age is not None and age < 18


def _title(person: Person, minor: bool) -> str:
    return f"{MINOR_NAME} 社区矫正" if minor else f"{person.name} 社区矫正"


def _locked_detail(detail: CorrectionCase, case: Case) -> CorrectionCase:
    """The detail row locked after its case (the engine locks the case first: one lock order for all parts)."""
    locked = CorrectionCase.objects.select_for_update(of=("self",)).select_related(
        "subject", "subject__person").get(pk=detail.pk)
    locked.case = case
    return locked


def _county_of(org: Org) -> Org:
    """The nearest 司法局 above an office (the county-level 社区矫正机构); the org itself when none."""
    for ancestor in reversed(list(org.ancestors())):
        if ancestor.pk != org.pk and ancestor.type in (OrgType.JUSTICE_BUREAU, OrgType.CORRECTION_AGENCY):
            return ancestor
    return org


# --- 接收登记 (CC-02, CC-05…CC-07) ----------------------------------------------------------------------


@service("correction.case.opened")
def open_correction(*, actor: Actor, sentence_type: str, decision_org_name: str, judgment_number: str, crimes: str,
                    original_sentence: str, term: str, effective_date: datetime.date | str | None,
                    execution_address: str, office: Org | None = None, person: Person | None = None,
                    name: str = "", id_number: str = "", phone: str = "", address: str = "",
                    decision_org_type: str = DecisionOrgType.COURT, custody_days: int | str | None = 0,
                    prohibition_order: str = "", medical_parole: bool = False,
                    decision_received_on: datetime.date | str | None = None) -> CorrectionCase:
    """Register a 社区矫正 case on the decision's effect (state ``decided``, RULES.md §2.6 step 2).

    The person is reused from the registry (by id or by number) or registered; the case belongs to
    the 执行地司法所 (CC-02; the county agency chooses it). The judgment is checked against CC-34 (管制
    三个月以上二年以下, 缓刑考验期 bounds, 假释 无期 → 十年; ``terms.check_term``). Deadlines started:

    - ``notice`` CC-05 (五日) and ``documents`` CC-05.documents (十日) from the decision's effect —
      the 决定机关's duties (《社区矫正法》第二十条); the 收到通知和法律文书 step shows whether they were met;
    - ``report`` CC-06 (十日 from the effect, 《社区矫正法》第二十一条第一款) for 管制/缓刑/假释, or
      ``transfer`` CC-07 (十日 from the receipt of the decision, 第二十一条第二款、第三款) for 暂予监外执行.
      A report on the rolled-over last day is on time (CASES C-37).
    """
    actor.require("correction.manage")
    target = _office(actor, office)
    sentence_type = _choice(sentence_type, SentenceType, field="sentence_type", label="矫正类别")
    decision_org_type = _choice(decision_org_type or DecisionOrgType.COURT, DecisionOrgType,
                                field="decision_org_type", label="决定机关类别")
    decision_org_name = _text(decision_org_name, field="decision_org_name", label="决定机关", max_length=128)
    judgment_number = _text(judgment_number, field="judgment_number", label="判决（裁定、决定）书文号", max_length=64)
    crimes = _text(crimes, field="crimes", label="罪名", max_length=255)
    original_sentence = _text(original_sentence, field="original_sentence", label="原判刑罚", max_length=64)
    execution_address = _text(execution_address, field="execution_address", label="执行地（居住地）", max_length=255)
    prohibition_order = _text(prohibition_order, field="prohibition_order", label="禁止令", max_length=2000,
                              required=False)
    effective = _required_date(effective_date, field="effective_date", label="判决（裁定、决定）生效日")
    try:
        custody = int(custody_days or 0)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("先行羁押天数应为整数", field="custody_days") from exc
    if custody < 0:
        raise ValidationFailed("先行羁押天数不能为负数", field="custody_days")
    if custody and sentence_type != SentenceType.CONTROL:
        raise ValidationFailed("先行羁押折抵（羁押一日折抵刑期二日）只适用于管制（CC-34、《刑法》第四十一条）",
                               field="custody_days")
    term = terms.check_term(sentence_type, term, original_sentence)
    received_decision = None
    if sentence_type == SentenceType.TEMPORARY_EXECUTION:
        received_decision = _required_date(decision_received_on, field="decision_received_on",
                                           label="收到暂予监外执行决定（批准）之日")
        if received_decision < effective:
            raise ValidationFailed("收到决定之日不能早于决定生效日", field="decision_received_on")
    if medical_parole and sentence_type != SentenceType.TEMPORARY_EXECUTION:
        raise ValidationFailed("保外就医属于暂予监外执行", field="medical_parole")

    chosen, created = _resolve_person(actor, person=person, name=name, id_number=id_number, phone=phone,
                                      address=address, office=target)
    running = (CorrectionCase.objects.filter(subject__person=chosen).exclude(case__state__in=TERMINAL)
               .select_related("case").first())
    if running is not None:
        raise DuplicateError(f"该人员已有未终结的社区矫正案件（{running.case.number}）",
                             field="person" if person is not None else "id_number")
    minor = _is_minor_on(chosen, _today())
    subject = CorrectionSubject.objects.filter(person=chosen).order_by("-id").first()
    if subject is None:
        subject = CorrectionSubject.objects.create(person=chosen, org=target, is_minor=minor)
    else:
        subject.org = target
        subject.is_minor = subject.is_minor or minor
        subject.save(update_fields=["org", "is_minor", "updated_at"])
    data = {"decision_received_on": received_decision.isoformat()} if received_decision else {}
    case = create_case(actor=actor, case_type=CORRECTION, title=_title(chosen, subject.is_minor), org=target, data=data)
    detail = CorrectionCase.objects.create(
        case=case, subject=subject, org_path=target.path, sentence_type=sentence_type,
        decision_org_type=decision_org_type, decision_org_name=decision_org_name, judgment_number=judgment_number,
        crimes=crimes, original_sentence=original_sentence, term=term, custody_days=custody,
        prohibition_order=prohibition_order, medical_parole=bool(medical_parole), effective_date=effective,
        execution_address=execution_address)
    start_deadline(case=case, key="notice", rule="CC-05", start=effective)
    start_deadline(case=case, key="documents", rule="CC-05.documents", start=effective)
    if sentence_type == SentenceType.TEMPORARY_EXECUTION:
        assert received_decision is not None
        start_deadline(case=case, key="transfer", rule="CC-07", start=received_decision)
    else:
        start_deadline(case=case, key="report", rule="CC-06", start=effective)
    record(actor=actor, action="correction.case.opened", obj=case,
           object_repr=f"{case.number} {display_name(detail)}",
           changes={"number": case.number, "org": target.pk, "sentence_type": sentence_type, "person": chosen.pk,
                    "person_registered": created, "effective_date": effective.isoformat(), "term": term})
    return detail


# --- moves (RULES.md §2.6) -------------------------------------------------------------------------


def _deadline(case: Case, key: str) -> CaseDeadline | None:
    return CaseDeadline.objects.filter(case=case, key=key).first()


def _timeliness(deadline: CaseDeadline | None, day: datetime.date) -> str:
    """按期 / 逾期 N 日 against a deadline's (rolled-over) due date (GEN-04, CASES C-37)."""
    if deadline is None:
        return ""
    late = (day - deadline.due_date).days
    if late <= 0:
        return f"按期（{deadline.label}届满日 {deadline.due_date:%Y-%m-%d}）"
    return f"逾期 {late} 日（{deadline.label}届满日 {deadline.due_date:%Y-%m-%d}）"


def report_band(late_days: int) -> str:
    """CC-16/CC-17 [NV]: late by at most ``sanctions.admonition_late_max_days`` → 训诫 band, more (GEN-12
    "超过") → 警告 band (CASES C-36). The band informs the officer; sanctions are decided in their own part."""
    if late_days <= 0:
        return ""
    limit = int(config.section("sanctions")["admonition_late_max_days"])
    return "训诫" if late_days <= limit else "警告"


def _prepare(detail: CorrectionCase, transition: str, data: dict[str, Any]) -> dict[str, Any]:
    """Check the step's own inputs and add what the step records (timeliness, notices) to its data;
    missing required fields are left for the engine, which names each of them."""
    today = _today()
    if transition == "notify" and data.get("documents_received_on"):
        day = _required_date(data["documents_received_on"], field="documents_received_on", label="收到法律文书日期")
        if day < detail.effective_date:
            raise ValidationFailed("收到法律文书日期不能早于判决（裁定、决定）生效日", field="documents_received_on")
        data["documents_received_on"] = day.isoformat()
        data["documents_timeliness"] = _timeliness(_deadline(detail.case, "documents"), day)
    elif transition == "receive" and data.get("received_on"):
        day = _required_date(data["received_on"], field="received_on", label="报到（接收）日期")
        if day < detail.effective_date:
            raise ValidationFailed("报到（接收）日期不能早于判决（裁定、决定）生效日", field="received_on")
        data["received_on"] = day.isoformat()
        key = "transfer" if detail.sentence_type == SentenceType.TEMPORARY_EXECUTION else "report"
        deadline = _deadline(detail.case, key)
        data["report_timeliness"] = _timeliness(deadline, day)
        if deadline is not None and key == "report":
            band = report_band((day - deadline.due_date).days)
            if band:
                data["report_band"] = f"{band}档（{config.flag('sanctions')}）"
        start = _date(data.get("term_start"), field="term_start", label="矫正期起算日", required=False,
                      not_after_today=False)
        data["term_start"] = (start or terms.default_term_start(detail, day)).isoformat()
    elif transition == "announce" and data.get("announced_on"):
        day = _required_date(data["announced_on"], field="announced_on", label="宣告日期")
        if detail.received_on and day < detail.received_on:
            raise ValidationFailed("宣告日期不能早于报到（接收）日期", field="announced_on")
        data["announced_on"] = day.isoformat()
    elif transition == "lose_contact" and data.get("since"):
        data["since"] = _required_date(data["since"], field="since", label="失联起始日").isoformat()
    elif transition == "regain_contact" and data.get("found_on"):
        day = _required_date(data["found_on"], field="found_on", label="查找到案日期")
        if detail.lost_contact_since and day < detail.lost_contact_since:
            raise ValidationFailed("查找到案日期不能早于失联起始日", field="found_on")
        data["found_on"] = day.isoformat()
    elif transition == "discharge":
        if data.get("discharged_on"):
            data["discharged_on"] = _required_date(data["discharged_on"], field="discharged_on",
                                                   label="解除日期").isoformat()
        if data.get("reason") and data["reason"] not in ("期满", "赦免"):
            raise ValidationFailed("解除原因应为「期满」或「赦免」（CC-32、《社区矫正法》第四十四条）", field="reason")
        data["notices"] = _notices(detail, data)
    elif transition == "record_death" and data.get("died_on"):
        data["died_on"] = _required_date(data["died_on"], field="died_on", label="死亡日期").isoformat()
        data["notices"] = _notices(detail, data)
    if transition in ("discharge", "record_death"):
        data.setdefault("notified_on", today.isoformat())
    return data


def _notices(detail: CorrectionCase, data: Mapping[str, Any]) -> str:
    """Who is notified of a 解除 (CC-32) or 终止 by death (CC-33): the 决定机关, the 人民检察院 and the
    公安机关 of the 执行地, and for 暂予监外执行 the original prison (《监狱法》第二十八条)."""
    procuratorate = str(data.get("procuratorate") or "执行地人民检察院").strip()[:64]
    police = str(data.get("police") or "执行地公安机关").strip()[:64]
    names = [f"决定机关（{detail.decision_org_name}）", procuratorate, police]
    if detail.sentence_type == SentenceType.TEMPORARY_EXECUTION:
        names.append(str(data.get("prison") or "原关押监狱（看守所）").strip()[:64])
    return "、".join(names)


LOST_CONTACT_RULE_CODE = "correction.lost_contact"


def _after(actor: Actor, detail: CorrectionCase, transition: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The detail rows a step changes; returns the facts for the audit event."""
    facts: dict[str, Any] = {}
    if transition == "receive":
        day = datetime.date.fromisoformat(data["received_on"])
        start = datetime.date.fromisoformat(data["term_start"])
        detail.received_on = day
        minor = _is_minor_on(detail.subject.person, day)  # CC-35: fixed at reception, kept after 18
        detail.subject.is_minor = minor
        detail.subject.save(update_fields=["is_minor", "updated_at"])
        detail.case.title = _title(detail.subject.person, minor)
        detail.case.save(update_fields=["title"])
        detail.term_start = start
        detail.term_end = terms.start_term(detail, start)
        detail.lost_contact, detail.lost_contact_since = False, None
        detail.save(update_fields=["received_on", "term_start", "term_end", "lost_contact", "lost_contact_since"])
        facts = {"received_on": day.isoformat(), "term_start": start.isoformat(),
                 "term_end": detail.term_end.isoformat() if detail.term_end else None, "is_minor": minor}
    elif transition == "lose_contact":
        since = datetime.date.fromisoformat(data["since"])
        detail.lost_contact, detail.lost_contact_since = True, since
        detail.save(update_fields=["lost_contact", "lost_contact_since"])
        _open_lost_contact_alert(actor, detail, since)
        facts = {"since": since.isoformat()}
    elif transition == "regain_contact":
        detail.lost_contact, detail.lost_contact_since = False, None
        detail.save(update_fields=["lost_contact", "lost_contact_since"])
        facts = {"found_on": data["found_on"]}
    elif transition == "discharge":
        detail.ended_on = datetime.date.fromisoformat(data["discharged_on"])
        detail.ended_reason = f"解除（{data['reason']}）"
        detail.save(update_fields=["ended_on", "ended_reason"])
        facts = {"ended_on": data["discharged_on"], "reason": data["reason"], "notices": data["notices"]}
    elif transition == "record_death":
        detail.ended_on = datetime.date.fromisoformat(data["died_on"])
        detail.ended_reason = "终止（死亡）"
        detail.lost_contact = False
        detail.save(update_fields=["ended_on", "ended_reason", "lost_contact"])
        facts = {"ended_on": data["died_on"], "notices": data["notices"]}
    return facts


def _open_lost_contact_alert(actor: Actor, detail: CorrectionCase, since: datetime.date) -> None:
    """CC-20 (《社区矫正法》第三十条): a search is organised immediately, 公安 assisting — a red alert now.
    Out of supervision for more than 一个月 is a ground to propose revocation (CC-25.absence, CASES C-48)."""
    from sifa.core.deadlines.rules import compute_rule
    from sifa.core.deadlines.selectors import working_calendar
    from sifa.modules.correction.lifecycle import LOST_CONTACT

    try:
        from_day = compute_rule("CC-25.absence", since, working_calendar(), explain=False).due
        revocable = f"；无正当理由脱离监管超过一个月（{from_day:%Y-%m-%d} 起）的，可依法提请撤销缓刑、假释（CC-25）"
    except SifaError:
        revocable = ""
    open_alert_in_transaction(rule=LOST_CONTACT, condition=AlertCondition(
        object_type="correction.correctioncase", object_id=f"{detail.pk}:{since:%Y%m%d}", org_id=detail.case.org_id,
        case_id=detail.pk, title=f"{display_name(detail)}（{detail.case.number}）自 {since:%Y-%m-%d} 失去联系，须立即组织查找",
        detail=f"立即组织查找，公安等有关单位协助（CC-20）{revocable}。", legal_basis="《社区矫正法》第三十条"),
        actor_name=actor.name)


@service("correction.case.moved")
def move_correction(*, actor: Actor, detail: CorrectionCase, transition: str,
                    data: Mapping[str, Any] | None = None) -> CorrectionCase:
    """Take one lifecycle step of RULES.md §2.6 (this part's steps: ``selectors.LIFECYCLE_TRANSITIONS``).

    - notify (CC-05): the 决定机关's notice and documents arrived; records whether they came in time;
    - expect_report (CC-06) / expect_transfer (CC-07);
    - receive (CC-08): ``received_on``; records whether the report was in time (CASES C-37: the rolled-over
      last day is on time) and the 训诫/警告 band of a late report [NV] (C-36); fixes ``is_minor`` as under 18
      on that day (CC-35; it stays after the 18th birthday, C-46); computes the term (CC-34, GEN-03:
      管制 from 判决执行之日 with custody 1:2, C-45; 缓刑 from 判决确定之日, C-44; 假释 from 假释之日;
      暂予监外执行 the decided period) and starts the ``term`` deadline;
    - announce (宣告, CC-08); lose_contact / regain_contact (CC-20: sets the flag and opens a red alert);
    - discharge (CC-32, 《社区矫正法》第四十四条: guard in workflow.py; records the notices to the 决定机关,
      检察院 and 公安); record_death (CC-33, 第四十五条、第五十一条).
    """
    actor.require("correction.manage")
    if transition not in LIFECYCLE_TRANSITIONS:
        step = CORRECTION_WORKFLOW.transition(transition)
        if step is None:
            raise ValidationFailed(f"「社区矫正」没有名为 {transition} 的环节", field="name")
        raise ValidationFailed(f"「{step.label}」在相应的办理页面（监督管理、奖惩、执行地变更）办理", field="name")
    fresh = correction_for(actor, detail.pk)  # scope and the minor rule (404 as if missing)
    payload = _prepare(fresh, transition, {k: v for k, v in dict(data or {}).items() if v not in (None, "")})
    case, logged = apply_transition(actor=actor, case=fresh.case, transition=transition, data=payload)
    locked = _locked_detail(fresh, case)
    facts = _after(actor, locked, transition, payload)
    record(actor=actor, action="correction.case.moved", obj=case, object_repr=f"{case.number} {display_name(locked)}",
           changes={"transition": transition, "from": logged.from_state, "to": logged.to_state, **facts})
    return locked


@dataclass
class StepResult:
    detail: Any
    documents: list[GeneratedDocument] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _generate(actor: Actor, case: Case, doc_type: str, result: StepResult) -> None:
    from sifa.core.documents.services import generate_document

    try:
        result.documents.append(generate_document(actor=actor, case=case, doc_type=doc_type))
    except SifaError as exc:
        result.warnings.append(f"文书未能生成：{exc.message}（可在“文书”卡片中重新制作）")


def take_step(*, actor: Actor, detail: CorrectionCase, transition: str,
              data: Mapping[str, Any] | None = None) -> StepResult:
    """``move_correction``, then for 解除 the 解除社区矫正证明书 (CC-32) through the documents engine."""
    moved = move_correction(actor=actor, detail=detail, transition=transition, data=data)
    result = StepResult(moved)
    if transition == "discharge":
        _generate(actor, moved.case, DISCHARGE_CERTIFICATE, result)
    return result


# --- views of the file (audited, personal data) ----------------------------------------------------


@service("correction.subject.viewed")
def record_subject_view(*, actor: Actor, detail: CorrectionCase, via: str = "page") -> None:
    """Every view of a subject's file (page or API) is one audit row (personal data, PI rules)."""
    record(actor=actor, action="correction.subject.viewed", object_type="correction.correctioncase",
           object_id=str(detail.pk), object_repr=f"{detail.case.number} {display_name(detail)}", changes={"via": via})


@service("correction.minor_file.opened")
def open_minor_file(*, actor: Actor, detail: CorrectionCase, reason: str, via: str = "page") -> CorrectionCase:
    """CC-35 (《社区矫正法》第五十四条第二款, CASES C-85): a minor's file is provided only for judicial
    needs or queries under state rules. Only ``correction.minor_files`` may open it (others: 404, as if
    missing), and only with the stated need, which is recorded."""
    if not actor.has_perm("correction.minor_files"):
        raise NotFound()  # do not reveal that a minor's file exists (C-85)
    found = correction_for(actor, detail.pk)
    if not found.subject.is_minor:
        raise ValidationFailed("该社区矫正对象不是未成年人，无需说明查阅理由", field="reason")
    reason = _text(reason, field="reason", label="查阅理由（司法需要或依规查询的依据）", max_length=500)
    if len(reason) < 4:
        raise ValidationFailed("请具体说明司法需要或依规查询的依据（至少 4 个字）", field="reason")
    record(actor=actor, action="correction.minor_file.opened", object_type="correction.correctioncase",
           object_id=str(found.pk), object_repr=f"{found.case.number} {MINOR_NAME}",
           changes={"reason": reason, "via": via})
    return found


@service("correction.subjects.exported")
def export_subjects(*, actor: Actor, description: str, row_count: int) -> None:
    """An Excel export of the subject list (identity numbers masked, minors' identity hidden)."""
    actor.require("correction.view")
    record(actor=actor, action="correction.subjects.exported", object_type="correction.correctioncase",
           object_repr=description[:255], changes={"rows": row_count})


# --- 调查评估 (CC-03) ------------------------------------------------------------------------------


def _assessment_org(actor: Actor, org: Org | None) -> Org:
    target = org or actor.org
    if target is None:
        raise ValidationFailed("请选择承办机构", field="org")
    visible = Org.objects.visible_to(actor).filter(pk=target.pk).first()
    if visible is None:
        raise NotFound("承办机构不存在或无权访问")
    if visible.pk != (actor.org.pk if actor.org else None) and visible.type != OrgType.JUDICIAL_OFFICE:
        raise ValidationFailed("调查评估由县级社区矫正机构或其委托的司法所承办", field="org")
    return visible


def assessment_period(urgent: bool) -> str:
    """The configured time limit ([NV], RULES.md CC-03: the 《实施办法》 value was not obtained)."""
    section = config.section("assessment")
    return str(section["urgent_period"] if urgent else section["period"])


@service("correction.assessment.opened")
def open_assessment(*, actor: Actor, commissioner_type: str, commissioner_name: str,
                    received_on: datetime.date | str | None, person_name: str, proposed_sentence_type: str,
                    commission_number: str = "", urgent: bool = False, crimes: str = "", person: Person | None = None,
                    org: Org | None = None) -> PreSentenceAssessment:
    """Register a commission for a 调查评估 (CC-03, 《社区矫正法》第十八条) and start the ``assessment``
    deadline (rule CC-03, period from configuration: ``assessment.period`` / ``urgent_period`` — [NV],
    not a statutory value; the page shows its flag). 假释 requires the assessment (《刑法》第八十一条第三款)."""
    actor.require("correction.manage")
    target = _assessment_org(actor, org)
    commissioner_type = _choice(commissioner_type, CommissionerType, field="commissioner_type", label="委托机关类别")
    commissioner_name = _text(commissioner_name, field="commissioner_name", label="委托机关", max_length=128)
    commission_number = _text(commission_number, field="commission_number", label="委托函文号", max_length=64,
                              required=False)
    received = _required_date(received_on, field="received_on", label="收到委托之日")
    person_name = _text(person_name, field="person_name", label="被评估人", max_length=64)
    proposed = _choice(proposed_sentence_type, SentenceType, field="proposed_sentence_type", label="拟适用")
    crimes = _text(crimes, field="crimes", label="罪名", max_length=255, required=False)
    if person is not None:
        visible = Person.objects.visible_to(actor).filter(pk=person.pk).first()
        if visible is None:
            raise NotFound("人员不存在或无权访问")
        person = visible
    case = create_case(actor=actor, case_type=ASSESSMENT, title=f"{person_name} 调查评估", org=target)
    assessment = PreSentenceAssessment.objects.create(
        case=case, commissioner_type=commissioner_type, commissioner_name=commissioner_name,
        commission_number=commission_number, received_on=received, urgent=bool(urgent), person_name=person_name,
        person=person, proposed_sentence_type=proposed, crimes=crimes)
    period = assessment_period(bool(urgent))
    start_deadline(case=case, key="assessment", rule="CC-03", start=received, period=period)
    record(actor=actor, action="correction.assessment.opened", obj=case, object_repr=f"{case.number} 调查评估",
           changes={"number": case.number, "org": target.pk, "commissioner": commissioner_name, "urgent": bool(urgent),
                    "period": period})
    return assessment


@service("correction.assessment.moved")
def move_assessment(*, actor: Actor, assessment: PreSentenceAssessment, transition: str,
                    data: Mapping[str, Any] | None = None) -> PreSentenceAssessment:
    """One step of a 调查评估: start_investigation, submit (conclusion and findings; stops the CC-03
    deadline and records whether it was met), close, withdraw (with the reason)."""
    from sifa.modules.correction.selectors import assessment_for

    actor.require("correction.manage")
    found = assessment_for(actor, assessment.pk)
    payload = {k: v for k, v in dict(data or {}).items() if v not in (None, "")}
    if transition == "submit":
        if payload.get("conclusion"):
            _choice(payload["conclusion"], AssessmentConclusion, field="conclusion", label="评估意见")
        findings = _text(payload.get("findings"), field="findings", label="调查情况", max_length=5000)
        day = _date(payload.get("submitted_on"), field="submitted_on", label="提交评估意见日期", required=False)
        day = day or _today()
        if day < found.received_on:
            raise ValidationFailed("提交评估意见日期不能早于收到委托之日", field="submitted_on")
        payload["submitted_on"] = day.isoformat()
        payload["timeliness"] = _timeliness(_deadline(found.case, "assessment"), day)
        payload.pop("findings", None)  # kept on the assessment, not copied into the timeline and the ledger
    case, logged = apply_transition(actor=actor, case=found.case, transition=transition, data=payload)
    locked = PreSentenceAssessment.objects.select_for_update(of=("self",)).get(pk=found.pk)
    locked.case = case
    if transition == "submit":
        locked.conclusion = payload["conclusion"]
        locked.findings = findings
        locked.submitted_on = datetime.date.fromisoformat(payload["submitted_on"])
        locked.save(update_fields=["conclusion", "findings", "submitted_on"])
    record(actor=actor, action="correction.assessment.moved", obj=case, object_repr=f"{case.number} 调查评估",
           changes={"transition": transition, "from": logged.from_state, "to": logged.to_state,
                    **{k: payload[k] for k in ("conclusion", "submitted_on", "timeliness", "reason") if k in payload}})
    return locked


def take_assessment_step(*, actor: Actor, assessment: PreSentenceAssessment, transition: str,
                         data: Mapping[str, Any] | None = None) -> StepResult:
    """``move_assessment``, then on submission the 调查评估意见书 through the documents engine."""
    moved = move_assessment(actor=actor, assessment=assessment, transition=transition, data=data)
    result = StepResult(moved)
    if transition == "submit":
        _generate(actor, moved.case, ASSESSMENT_OPINION, result)
    return result


def county_of(org: Org) -> Org:
    return _county_of(org)
