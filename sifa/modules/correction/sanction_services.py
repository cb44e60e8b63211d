"""Writes of the sanctions part: the 表扬/训诫/警告/治安管理处罚 ladder, court proposals (撤销缓刑/假释、收监执行,
提请逮捕), court outcomes, 减刑建议, and the audited evidence-package and Excel exports.

Each public service is one durable transaction with one audit event of its action. A service that moves
the correction case calls ``apply_transition`` (same checks as the public transition, no audit event of
its own); a service that issues a 文书 fills it through the documents engine's pieces without that
engine's audit event (``issue_case_document``), so the decision and its document are one act.

Who does what (RULES.md CC-15…CC-18, CC-23, CC-25…CC-30): the 司法所 verifies and proposes a sanction
(``correction.manage``); the county agency (``correction.approve`` held at a county-level 司法局 or
社区矫正机构) decides it, proposes to the court and records the court's decisions. Nothing here runs
by itself: grounds are surfaced as alerts (``sanction_selectors.ground_conditions``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.attachments.models import Attachment
from sifa.core.audit.recorder import record
from sifa.core.cases.errors import TransitionNotAllowed
from sifa.core.cases.models import Case, CaseDeadline, DeadlineStatus
from sifa.core.cases.services import apply_transition, start_deadline
from sifa.core.documents.models import GeneratedDocument
from sifa.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.services import service
from sifa.modules.correction import config, grounds
from sifa.modules.correction.choices import SanctionKind, SanctionStatus, SentenceType
from sifa.modules.correction.models import CommutationProposal, CorrectionCase, RevocationProposal, Sanction
from sifa.modules.correction.sanction_choices import (
    ArrestStatus,
    CommutationStatus,
    ProposalKind,
    ProposalStatus,
)
from sifa.modules.correction.sanction_selectors import county_agency_of, is_county_agency

# --- catalogues --------------------------------------------------------------------------------------

# kind → [(ground code, label)]; CC-16 / CC-17 are [NV] (《实施办法》, article numbers not verified)
SANCTION_GROUNDS: dict[str, list[tuple[str, str]]] = {
    SanctionKind.COMMENDATION: [("CC-15", "矫正表现突出，应当给予表扬")],
    SanctionKind.ADMONITION: [
        ("CC-16.1", "不按规定时间报到或者接受社区矫正期间脱离监管，未超过十日"),
        ("CC-16.2", "违反关于报告、会客、外出、迁居等规定，情节轻微"),
        ("CC-16.3", "不按规定参加教育学习等活动，经教育仍不改正"),
        ("CC-16.4", "其他违反监督管理规定，情节轻微"),
    ],
    SanctionKind.WARNING: [
        ("CC-17.1", "违反人民法院禁止令，情节轻微"),
        ("CC-17.2", "不按规定时间报到或者接受社区矫正期间脱离监管，超过十日"),
        ("CC-17.3", "违反关于报告、会客、外出、迁居等规定，情节较重"),
        ("CC-17.4", "保外就医的社区矫正对象无正当理由不按时提交病情复查情况，经教育仍不改正"),
        ("CC-17.5", "受到两次训诫，仍不改正"),
        ("CC-17.6", "其他违反监督管理规定，情节较重"),
    ],
    SanctionKind.SECURITY_PENALTY_REQUEST: [("CC-18", "违反监督管理规定或者人民法院禁止令，依法应当给予治安管理处罚")],
}
SANCTION_ARTICLES: dict[str, str] = {
    SanctionKind.COMMENDATION: "《社区矫正法》第二十八条第一款",
    SanctionKind.ADMONITION: "《社区矫正法》第二十八条；《社区矫正法实施办法》（条号未核实）",
    SanctionKind.WARNING: "《社区矫正法》第二十八条；《社区矫正法实施办法》（条号未核实）",
    SanctionKind.SECURITY_PENALTY_REQUEST: "《社区矫正法》第二十八条、第五十九条；《刑法》第三十八条第四款",
}
FLAGGED_KINDS = (SanctionKind.ADMONITION, SanctionKind.WARNING)
LATE_GROUNDS = {"CC-16.1": SanctionKind.ADMONITION, "CC-17.2": SanctionKind.WARNING}
SANCTION_DOC_TYPES: dict[str, str] = {
    SanctionKind.COMMENDATION: "correction_commendation",
    SanctionKind.ADMONITION: "correction_admonition",
    SanctionKind.WARNING: "correction_warning",
    SanctionKind.SECURITY_PENALTY_REQUEST: "correction_security_penalty",
}
# sentence type → [(ground code, label)] of a court proposal (CC-25(2), CC-26(2), CC-30)
PROPOSAL_GROUNDS: dict[str, list[tuple[str, str]]] = {
    SentenceType.PROBATION: [
        ("CC-25(2)1", "违反禁止令，情节严重"),
        ("CC-25(2)2", "无正当理由不按规定时间报到或者接受社区矫正期间脱离监管，超过一个月"),
        ("CC-25(2)3", "因违反监督管理规定受到治安管理处罚，仍不改正"),
        ("CC-25(2)4", "受到执行机关二次警告，仍不改正"),
        ("CC-25(2)5", "违反法律、行政法规和监督管理规定，情节严重的其他情形"),
    ],
    SentenceType.PAROLE: [
        ("CC-26(2)2", "无正当理由不按规定时间报到或者接受社区矫正期间脱离监管，超过一个月"),
        ("CC-26(2)4", "受到执行机关二次警告，仍不改正"),
        ("CC-26(2)5", "有其他违反监督管理规定的行为，尚未构成新的犯罪"),
    ],
    SentenceType.TEMPORARY_EXECUTION: [
        ("CC-30(1)", "不符合暂予监外执行条件"),
        ("CC-30(2)", "未经批准离开所居住的市、县，经警告拒不改正，或者拒不报告行踪、脱离监管"),
        ("CC-30(3)", "因违反监督管理规定受到治安管理处罚，仍不改正"),
        ("CC-30(4)", "受到执行机关两次警告，仍不改正"),
        ("CC-30(5)", "保外就医期间不按规定提交病情复查情况，经警告拒不改正"),
        ("CC-30(6)", "暂予监外执行的情形消失后，刑期未满"),
        ("CC-30(7)", "保证人丧失保证条件或者因不履行义务被取消保证人资格，不能在规定期限内提出新的保证人"),
        ("CC-30(8)", "违反法律、行政法规和监督管理规定，情节严重的其他情形"),
    ],
}
PROPOSAL_ARTICLES: dict[str, str] = {
    SentenceType.PROBATION: "《社区矫正法》第四十六条；《刑法》第七十七条第二款；《刑诉法解释》第五百四十三条第一款",
    SentenceType.PAROLE: "《社区矫正法》第四十六条；《刑法》第八十六条第三款；《刑诉法解释》第五百四十三条第二款",
    SentenceType.TEMPORARY_EXECUTION: "《社区矫正法》第四十九条；《刑事诉讼法》第二百六十八条；《刑诉法解释》第五百一十六条",
}
SANCTIONABLE_STATES = ("received", "under_correction", "lost_contact")
ENDED_REASONS: dict[str, str] = {SentenceType.PROBATION: "撤销缓刑", SentenceType.PAROLE: "撤销假释",
                 SentenceType.TEMPORARY_EXECUTION: "收监执行"}


def ground_label(kind: str, code: str) -> str:
    return dict(SANCTION_GROUNDS.get(kind, [])).get(code, code)


def proposal_ground_label(sentence_type: str, code: str) -> str:
    return dict(PROPOSAL_GROUNDS.get(sentence_type, [])).get(code, code)


# --- shared checks -----------------------------------------------------------------------------------

def require_county_agency(actor: Actor) -> None:
    """The decider of CC-16/CC-17 and the proposer to courts (CC-23, CC-27, CC-30): the county agency.

    ``correction.approve`` alone is not enough: a city or provincial leader holds it too but is not the
    执行地县级社区矫正机构 (403)."""
    actor.require("correction.approve")
    if not is_county_agency(actor.org):
        raise PermissionDeniedError("须由执行地县级社区矫正机构办理（RULES.md CC-16、CC-17、CC-27：县级社区矫正机构决定、提请）")


def _locked_case(actor: Actor, detail: CorrectionCase) -> CorrectionCase:
    """The correction case in scope, its row locked for this transaction (404 when out of scope)."""
    locked = CorrectionCase.objects.visible_to(actor).select_for_update().filter(pk=detail.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def _today() -> datetime.date:
    return timezone.localdate()


def _not_future(day: datetime.date | None, field: str, label: str) -> None:
    if day is not None and day > _today():
        raise ValidationFailed(f"「{label}」不能晚于今天", field=field)


def _required(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(f"请填写「{label}」", field=field)
    return value


def _evidence(actor: Actor, detail: CorrectionCase, chosen: Sequence[Attachment], files: Sequence[UploadedFile]
              ) -> list[Attachment]:
    """Selected attachments (must be files of this case) plus newly uploaded evidence files."""
    from sifa.core.attachments.store import store_attachment

    out: list[Attachment] = []
    for attachment in chosen:
        if attachment.case_id != detail.pk:
            raise ValidationFailed(f"证据材料「{attachment.name}」不属于本案", field="evidence")
        out.append(attachment)
    for upload in files:
        out.append(store_attachment(actor=actor, org=detail.case.org, case=detail.case, name=upload.name or "证据材料",
                                    content=upload, kind="evidence", metadata={"part": "correction.sanctions"}))
    return out


def _issue_document(actor: Actor, case: Case, doc_type: str, extra: Mapping[str, Any]) -> GeneratedDocument:
    """Number, fill and store one 文书 of ``case`` inside the calling service (no audit event of its own:
    the decision and its document are one act, recorded by the calling service)."""
    from sifa.core.documents.services import issue_case_document

    return issue_case_document(actor=actor, case=case, doc_type=doc_type,
                               extra={k: "" if v is None else v for k, v in extra.items()})


def _cn(day: datetime.date | None) -> str:
    from sifa.core.documents.numerals import chinese_date

    return chinese_date(day) if day else ""


def _names(attachments: Sequence[Attachment]) -> str:
    return "；".join(f"{i + 1}. {a.name}" for i, a in enumerate(attachments))


def _changes(**values: Any) -> dict[str, Any]:
    """Audit changes with dates as ISO text (the audit row is JSON)."""
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in values.items()}


def _stop(case_id: int, *keys: str) -> None:
    CaseDeadline.objects.filter(case_id=case_id, key__in=keys, status=DeadlineStatus.RUNNING).update(
        status=DeadlineStatus.STOPPED, stopped_at=timezone.now())


# --- the ladder: propose, decide, reject (CC-15…CC-18) -------------------------------------------------

def report_due_explained(detail: CorrectionCase) -> tuple[datetime.date, datetime.date]:
    """(nominal end, due date) of the CC-06 reporting period from the judgment's effect (GEN-04 rollover)."""
    from sifa.core.deadlines.rules import compute_rule
    from sifa.core.deadlines.selectors import working_calendar

    result = compute_rule("CC-06", detail.effective_date, working_calendar(), explain=False)
    nominal, due = result.nominal, result.due
    return (nominal.date() if isinstance(nominal, datetime.datetime) else nominal,
            due.date() if isinstance(due, datetime.datetime) else due)


def check_ground(detail: CorrectionCase, *, kind: str, ground: str, occurred_on: datetime.date | None,
                 reported_on: datetime.date | None, absence_from: datetime.date | None) -> tuple[dict[str, Any], datetime.date | None]:
    """Validate ``ground`` for ``kind`` against the records; return (the basis to keep, the violation day).

    - CC-16.1 / CC-17.2 (late report or absence): days late from the CC-06 due date (deadlines engine,
      rolled over per GEN-04) or from the start of the absence; ≤ ``admonition_late_max_days`` → 训诫
      band, more → 警告 band (GEN-12; C-03, C-36); on or before the due date → no sanction (C-37).
    - CC-17.5: at least ``admonitions_before_warning`` decided 训诫, the violation after the last one.
    - CC-17.4 needs a 保外就医 subject; CC-17.1 a 禁止令.
    """
    settings = config.section("sanctions")
    if kind not in SANCTION_GROUNDS:
        raise ValidationFailed(f"未知的奖惩类型：{kind}", field="kind")
    if ground not in dict(SANCTION_GROUNDS[kind]):
        allowed = "、".join(code for code, _ in SANCTION_GROUNDS[kind])
        raise ValidationFailed(f"「{SanctionKind(kind).label}」的情形应为 {allowed}", field="ground")
    basis: dict[str, Any] = {"ground": ground, "label": ground_label(kind, ground), "article": SANCTION_ARTICLES[kind]}
    if kind in FLAGGED_KINDS:
        basis["flag"] = settings["flag"]
    if ground in LATE_GROUNDS:
        if reported_on is None:
            raise ValidationFailed("请填写报到（回到监管）日期，用于核算迟到（脱离监管）天数", field="reported_on")
        _not_future(reported_on, "reported_on", "报到（回到监管）日期")
        if absence_from is not None:
            start, nominal, start_label = absence_from, absence_from, "脱离监管起始日"
            if reported_on < absence_from:
                raise ValidationFailed("回到监管日期不能早于脱离监管起始日", field="reported_on")
        elif detail.sentence_type == SentenceType.TEMPORARY_EXECUTION:
            raise ValidationFailed("暂予监外执行对象由有关机关移交，不适用报到期限；请填写脱离监管起始日", field="absence_from")
        else:
            nominal, start = report_due_explained(detail)
            start_label = "报到期限（CC-06，自判决、裁定生效之日起十日）"
        max_days = int(settings["admonition_late_max_days"])
        days, band = grounds.late_band(start, reported_on, max_days=max_days)
        rolled = f"（名义届满日 {nominal:%Y-%m-%d}，依 GEN-04 顺延）" if nominal != start else ""
        basis.update({"start": start.isoformat(), "start_label": start_label, "nominal": nominal.isoformat(),
                      "reported_on": reported_on.isoformat(), "days_late": max(days, 0), "band": band,
                      "max_days": max_days,
                      "explanation": f"{start_label} {start:%Y-%m-%d}{rolled}，{reported_on:%Y-%m-%d} 报到（回到监管），"
                                     + (f"逾期 {days} 日，{'未超过' if band == 'admonition' else '超过'}{max_days}日"
                                        if days > 0 else "未逾期")})
        if band == "on_time":
            raise ValidationFailed(f"{start_label}为 {start:%Y-%m-%d}{rolled}，{reported_on:%Y-%m-%d} 报到未逾期，"
                                   "不得以迟到或脱离监管为由处罚（CC-06；CASES C-37）", field="reported_on")
        expected = SanctionKind.ADMONITION if band == "admonition" else SanctionKind.WARNING
        if kind != expected:
            right = "CC-16.1 训诫" if expected == SanctionKind.ADMONITION else "CC-17.2 警告"
            raise ValidationFailed(f"逾期 {days} 日，{'未超过' if band == 'admonition' else '超过'}{max_days}日，属{right}档"
                                   f"（GEN-12；CC-16、CC-17 [NV]，界限为配置值）", field="ground")
        occurred_on = occurred_on or start + datetime.timedelta(days=1)
    if ground == "CC-17.5":
        needed = int(settings["admonitions_before_warning"])
        admonitions = cast("list[Sanction]", list(Sanction.objects.filter(correction_case=detail, kind=SanctionKind.ADMONITION,
                                                   status=SanctionStatus.DECIDED, decided_on__isnull=False)
                           .select_related("document").order_by("decided_on", "id")))
        if len(admonitions) < needed:
            raise ValidationFailed(f"此前已决定的训诫 {len(admonitions)} 次，不足 {needed} 次，不能以“受到两次训诫仍不改正”"
                                   "给予警告（CC-17.5 [NV]）", field="ground")
        last = admonitions[needed - 1]
        if occurred_on is None:
            raise ValidationFailed("请填写再次违规的日期（应在最近一次训诫决定之后）", field="occurred_on")
        if last.decided_on is not None and occurred_on <= last.decided_on:
            raise ValidationFailed(f"再次违规应发生在第{grounds.times(needed)}次训诫决定（{last.decided_on:%Y-%m-%d}）之后",
                                   field="occurred_on")
        basis["admonitions"] = [{"id": a.pk, "number": a.document.number if a.document is not None else "",
                                 "decided_on": a.decided_on.isoformat() if a.decided_on else ""} for a in admonitions[:needed]]
        basis["needed"] = needed
    if ground == "CC-17.4" and not detail.medical_parole:
        raise ValidationFailed("该对象不是保外就医对象，不适用 CC-17.4", field="ground")
    if ground == "CC-17.1" and not detail.prohibition_order.strip():
        raise ValidationFailed("判决未宣告禁止令，不适用“违反禁止令”", field="ground")
    _not_future(occurred_on, "occurred_on", "发生日期")
    return basis, occurred_on


@service("correction.sanction.proposed")
def propose_sanction(*, actor: Actor, detail: CorrectionCase, kind: str, ground: str, facts: str,
                     occurred_on: datetime.date | None = None, reported_on: datetime.date | None = None,
                     absence_from: datetime.date | None = None, recipient: str = "",
                     evidence: Sequence[Attachment] = (), files: Sequence[UploadedFile] = ()) -> Sanction:
    """The 司法所, after verifying the facts, proposes 表扬/训诫/警告/提请治安管理处罚 (CC-15…CC-18).

    The ground is checked against the records (``check_ground``: C-03, C-36, C-37, CC-17.5); the
    evidence is the case's files chosen plus new uploads. The county agency decides (``decide_sanction``).
    """
    actor.require("correction.manage")
    detail = _locked_case(actor, detail)
    state = detail.case.state
    if state not in SANCTIONABLE_STATES:
        raise TransitionNotAllowed("案件当前不在矫正期间（已接收、矫正中或失去联系），不能提出奖惩")
    facts = _required(facts, "facts", "事实")
    basis, occurred_on = check_ground(detail, kind=kind, ground=ground, occurred_on=occurred_on,
                                      reported_on=reported_on, absence_from=absence_from)
    recipient = recipient.strip()
    if kind == SanctionKind.SECURITY_PENALTY_REQUEST and not recipient:
        raise ValidationFailed("请填写受理的公安机关（CC-18）", field="recipient")
    attachments = _evidence(actor, detail, evidence, files)
    sanction = Sanction.objects.create(
        correction_case=detail, kind=kind, ground=ground, facts=facts, status=SanctionStatus.PROPOSED,
        proposed_by=actor.name, occurred_on=occurred_on, basis=basis, recipient=recipient[:128])
    sanction.evidence.set(attachments)
    record(actor=actor, action="correction.sanction.proposed", obj=sanction, org_override=detail.case.org,
           changes=_changes(case=detail.pk, kind=kind, ground=ground, occurred_on=occurred_on,
                    evidence=[a.pk for a in attachments], band=basis.get("band", "")))
    return sanction


def _locked_sanction(actor: Actor, sanction: Sanction) -> Sanction:
    locked = cast(Sanction | None, Sanction.objects.visible_to(actor).select_for_update().filter(pk=sanction.pk).first())
    if locked is None:
        raise NotFound()
    if locked.status != SanctionStatus.PROPOSED:
        raise Conflict(f"该奖惩已{locked.get_status_display()}，不能再次决定")
    return locked


def _sanction_extra(sanction: Sanction, detail: CorrectionCase, decided_on: datetime.date) -> dict[str, Any]:
    basis = sanction.basis or {}
    evidence = list(sanction.evidence.all())
    return {
        "kind_label": sanction.get_kind_display(), "ground": sanction.ground, "ground_label": basis.get("label", ""),
        "article": basis.get("article", ""), "facts": sanction.facts, "occurred_on": _cn(sanction.occurred_on),
        "decided_on": _cn(decided_on), "basis_text": basis.get("explanation", ""), "recipient": sanction.recipient,
        "evidence_list": _names(evidence), "flag": basis.get("flag", ""),
        "agency": county_agency_of(detail.case.org).name,
    }


@service("correction.sanction.decided")
def decide_sanction(*, actor: Actor, sanction: Sanction, decided_on: datetime.date | None = None,
                    note: str = "") -> Sanction:
    """The county agency decides a proposed sanction and issues its 决定书 (建议书 for CC-18).

    Only a county-level agency (``require_county_agency``); the document is numbered and stored as
    evidence with the decision, in the same transaction.
    """
    require_county_agency(actor)
    sanction = _locked_sanction(actor, sanction)
    detail = _locked_case(actor, sanction.correction_case)
    if detail.case.state not in SANCTIONABLE_STATES:
        raise TransitionNotAllowed("案件已不在矫正期间，不能再作出奖惩决定")
    decided_on = decided_on or _today()
    _not_future(decided_on, "decided_on", "决定日期")
    if decided_on < timezone.localdate(sanction.proposed_at):
        raise ValidationFailed("决定日期不能早于提出日期", field="decided_on")
    sanction.status = SanctionStatus.DECIDED
    sanction.decided_by = actor.name
    sanction.decided_on = decided_on
    sanction.decision_note = note.strip()
    sanction.document = _issue_document(actor, detail.case, SANCTION_DOC_TYPES[sanction.kind],
                                        _sanction_extra(sanction, detail, decided_on))
    sanction.save(update_fields=["status", "decided_by", "decided_on", "decision_note", "document"])
    record(actor=actor, action="correction.sanction.decided", obj=sanction, org_override=detail.case.org,
           changes=_changes(case=detail.pk, kind=sanction.kind, ground=sanction.ground, decided_on=decided_on,
                    document=sanction.document.number))
    return sanction


@service("correction.sanction.rejected")
def reject_sanction(*, actor: Actor, sanction: Sanction, note: str) -> Sanction:
    """The county agency declines a proposed sanction, with its reason."""
    require_county_agency(actor)
    note = _required(note, "note", "不予决定的理由")
    sanction = _locked_sanction(actor, sanction)
    sanction.status = SanctionStatus.REJECTED
    sanction.decided_by = actor.name
    sanction.decided_on = _today()
    sanction.decision_note = note
    sanction.save(update_fields=["status", "decided_by", "decided_on", "decision_note"])
    record(actor=actor, action="correction.sanction.rejected", obj=sanction,
           org_override=sanction.correction_case.case.org, changes=_changes(case=sanction.correction_case_id, note=note))
    return sanction


# --- court proposals: 撤销缓刑/假释 (CC-25…CC-29), 收监执行 (CC-30), 提请逮捕 (CC-28) ---------------------

def _as_local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _propose(actor: Actor, detail: CorrectionCase, *, kind: str, grounds_chosen: Sequence[str], facts: str, court: str,
             court_received_at: datetime.datetime, procuratorate: str, procuratorate_copied_on: datetime.date | None,
             evidence: Sequence[Attachment], files: Sequence[UploadedFile], arrest_requested: bool,
             arrest_reason: str) -> RevocationProposal:
    require_county_agency(actor)
    detail = _locked_case(actor, detail)
    sentence = detail.sentence_type
    if kind == ProposalKind.REVOCATION and sentence not in (SentenceType.PROBATION, SentenceType.PAROLE):
        raise ValidationFailed("只有缓刑、假释对象可以提请撤销（CC-25、CC-26）；暂予监外执行对象应提请收监执行（CC-30）",
                               field="kind")
    if kind == ProposalKind.RECOMMITMENT and sentence != SentenceType.TEMPORARY_EXECUTION:
        raise ValidationFailed("收监执行只适用于暂予监外执行对象（CC-30）", field="kind")
    allowed = dict(PROPOSAL_GROUNDS[sentence])
    codes = [c.strip() for c in grounds_chosen if c and c.strip()]
    if not codes:
        raise ValidationFailed("请选择提请事由", field="grounds")
    for code in codes:
        if code not in allowed:
            raise ValidationFailed(f"事由 {code} 不适用于{detail.get_sentence_type_display()}对象", field="grounds")
    facts = _required(facts, "facts", "事实和理由")
    court = _required(court, "court", "受理法院（决定机关）")
    procuratorate = _required(procuratorate, "procuratorate", "抄送的人民检察院")  # CC-27
    if procuratorate_copied_on is None:
        raise ValidationFailed("请填写抄送人民检察院的日期（CC-27）", field="procuratorate_copied_on")
    _not_future(procuratorate_copied_on, "procuratorate_copied_on", "抄送日期")
    received = _as_local(court_received_at)
    if received > timezone.now():
        raise ValidationFailed("「收到建议书时间」不能晚于现在", field="court_received_at")
    received_day = timezone.localdate(received)
    if arrest_requested and kind != ProposalKind.REVOCATION:
        raise ValidationFailed("提请逮捕只适用于撤销缓刑、假释建议（CC-28）", field="arrest_requested")
    arrest_reason = arrest_reason.strip()
    if arrest_requested and not arrest_reason:
        raise ValidationFailed("请写明提请逮捕的理由（可能逃跑或者可能发生社会危险，CC-28）", field="arrest_reason")
    if detail.revocation_proposals.filter(status=ProposalStatus.PENDING).exists():
        raise Conflict("该对象已有待裁定的建议")
    attachments = _evidence(actor, detail, evidence, files)
    grounds_text = "；".join(f"{c} {allowed[c]}" for c in codes)
    if kind == ProposalKind.REVOCATION:
        data = {"grounds": grounds_text, "court": court, "court_received_on": received_day.isoformat(),
                "in_custody": detail.in_custody}
        apply_transition(actor=actor, case=detail.case, transition="propose_revocation", data=data)
    else:
        data = {"grounds": grounds_text, "decision_org": court, "received_on": received_day.isoformat(),
                "in_custody": detail.in_custody}
        apply_transition(actor=actor, case=detail.case, transition="propose_recommitment", data=data)
    proposal = RevocationProposal.objects.create(
        correction_case=detail, kind=kind, grounds=codes, facts=facts, court=court[:128], court_received_at=received,
        procuratorate=procuratorate[:128], procuratorate_copied_on=procuratorate_copied_on,
        arrest_requested=arrest_requested, arrest_reason=arrest_reason,
        arrest_status=ArrestStatus.REQUESTED if arrest_requested else ArrestStatus.NONE, proposed_by=actor.name)
    proposal.evidence.set(attachments)
    detail.case.refresh_from_db()
    extra = {"grounds_text": grounds_text, "facts": facts, "court": court, "court_received": _cn(received_day),
             "procuratorate": procuratorate, "evidence_list": _names(attachments), "article": PROPOSAL_ARTICLES[sentence],
             "sentence_label": detail.get_sentence_type_display(), "agency": county_agency_of(detail.case.org).name,
             "arrest_requested": "是" if arrest_requested else ""}
    doc_type = "correction_revocation" if kind == ProposalKind.REVOCATION else "correction_recommitment"
    proposal.document = _issue_document(actor, detail.case, doc_type, extra)
    fields = ["document"]
    if arrest_requested:
        from sifa.core.deadlines.rules import compute_rule
        from sifa.core.deadlines.selectors import working_calendar

        start = timezone.localtime(received).replace(tzinfo=None)
        start_deadline(case=detail.case, key="arrest_decision", rule="CC-28.decision", start=start)
        due = compute_rule("CC-28.decision", start, working_calendar(), explain=False).due
        proposal.arrest_decision_due = timezone.make_aware(due) if isinstance(due, datetime.datetime) else None
        proposal.arrest_document = _issue_document(actor, detail.case, "correction_arrest",
                                                   {**extra, "arrest_reason": arrest_reason})
        fields += ["arrest_decision_due", "arrest_document"]
    proposal.save(update_fields=fields)
    return proposal


@service("correction.revocation.proposed")
def propose_revocation(*, actor: Actor, detail: CorrectionCase, grounds: Sequence[str], facts: str, court: str,
                       court_received_at: datetime.datetime, procuratorate: str,
                       procuratorate_copied_on: datetime.date | None, evidence: Sequence[Attachment] = (),
                       files: Sequence[UploadedFile] = (), arrest_requested: bool = False,
                       arrest_reason: str = "") -> RevocationProposal:
    """提请撤销缓刑、假释 (CC-25, CC-26; form CC-27): the 建议书 to the 原审 or 执行地 court, copied to the
    检察院, with the evidence; the case moves to 已提请撤销 and the ruling deadline CC-29 (三十日 from the
    court's receipt; variant 在押 when in custody) starts. With ``arrest_requested`` the 提请逮捕建议书 is
    issued too and the 四十八小时 of CC-28 run from the receipt time (C-41: 12-19 10:00 → 12-21 10:00).
    """
    proposal = _propose(actor, detail, kind=ProposalKind.REVOCATION, grounds_chosen=grounds, facts=facts, court=court,
                        court_received_at=court_received_at, procuratorate=procuratorate,
                        procuratorate_copied_on=procuratorate_copied_on, evidence=evidence, files=files,
                        arrest_requested=arrest_requested, arrest_reason=arrest_reason)
    record(actor=actor, action="correction.revocation.proposed", obj=proposal, org_override=proposal.correction_case.case.org,
           changes=_changes(case=proposal.correction_case_id, grounds=list(proposal.grounds), court=proposal.court,
                    court_received_at=proposal.court_received_at, arrest_requested=proposal.arrest_requested,
                    document=proposal.document.number if proposal.document else ""))
    return proposal


@service("correction.recommitment.proposed")
def propose_recommitment(*, actor: Actor, detail: CorrectionCase, grounds: Sequence[str], facts: str, court: str,
                         court_received_at: datetime.datetime, procuratorate: str,
                         procuratorate_copied_on: datetime.date | None, evidence: Sequence[Attachment] = (),
                         files: Sequence[UploadedFile] = ()) -> RevocationProposal:
    """提请收监执行 of a 暂予监外执行 offender (CC-30): to the 执行地 or original 决定机关, copied to the
    检察院; the decision deadline CC-30 (三十日 from receipt; C-43: 2026-02-01 → 2026-03-03) starts."""
    proposal = _propose(actor, detail, kind=ProposalKind.RECOMMITMENT, grounds_chosen=grounds, facts=facts,
                        court=court, court_received_at=court_received_at, procuratorate=procuratorate,
                        procuratorate_copied_on=procuratorate_copied_on, evidence=evidence, files=files,
                        arrest_requested=False, arrest_reason="")
    record(actor=actor, action="correction.recommitment.proposed", obj=proposal,
           org_override=proposal.correction_case.case.org,
           changes=_changes(case=proposal.correction_case_id, grounds=list(proposal.grounds), decision_org=proposal.court,
                    received_at=proposal.court_received_at,
                    document=proposal.document.number if proposal.document else ""))
    return proposal


def _locked_proposal(actor: Actor, proposal: RevocationProposal) -> RevocationProposal:
    locked = cast(RevocationProposal | None,
                  RevocationProposal.objects.visible_to(actor).select_for_update().filter(pk=proposal.pk).first())
    if locked is None:
        raise NotFound()
    if locked.status != ProposalStatus.PENDING:
        raise Conflict(f"该建议已{locked.get_status_display()}")
    return locked


@service("correction.arrest.recorded")
def record_arrest(*, actor: Actor, proposal: RevocationProposal, arrested: bool,
                  arrested_on: datetime.date | None = None, note: str = "") -> RevocationProposal:
    """The court's decision on the arrest request (CC-28).

    Arrested: the offender is in custody (overlay ``in_custody``), the custody limit CC-28.custody
    (三十日 from the arrest, never rolled over: C-41/C-04 → 2026-01-19) starts and the ruling deadline is
    recomputed with the variant 在押 (no rollover: C-41 → 2026-01-18, alert 2026-01-16). Refused: the
    arrest deadline stops and nothing else changes.
    """
    require_county_agency(actor)
    proposal = _locked_proposal(actor, proposal)
    if proposal.arrest_status != ArrestStatus.REQUESTED:
        raise Conflict("该建议未提请逮捕，或逮捕决定已登记")
    detail = _locked_case(actor, proposal.correction_case)
    received_day = timezone.localdate(proposal.court_received_at)
    if arrested:
        if arrested_on is None:
            raise ValidationFailed("请填写逮捕日期", field="arrested_on")
        _not_future(arrested_on, "arrested_on", "逮捕日期")
        if arrested_on < received_day:
            raise ValidationFailed("逮捕日期不能早于法院收到提请之日", field="arrested_on")
        proposal.arrest_status = ArrestStatus.ARRESTED
        proposal.arrested_on = arrested_on
        detail.in_custody = True
        detail.save(update_fields=["in_custody"])
        start_deadline(case=detail.case, key="custody", rule="CC-28.custody", start=arrested_on)
        start_deadline(case=detail.case, key="ruling", rule="CC-29", start=received_day, variant="在押")
    else:
        proposal.arrest_status = ArrestStatus.REFUSED
    proposal.outcome_note = note.strip()
    _stop(detail.pk, "arrest_decision")
    proposal.save(update_fields=["arrest_status", "arrested_on", "outcome_note"])
    record(actor=actor, action="correction.arrest.recorded", obj=proposal, org_override=detail.case.org,
           changes=_changes(case=detail.pk, arrested=arrested, arrested_on=arrested_on))
    return proposal


@service("correction.proposal.ruled")
def record_ruling(*, actor: Actor, proposal: RevocationProposal, granted: bool, ruling_date: datetime.date,
                  ruling_number: str = "", note: str = "") -> RevocationProposal:
    """The court's ruling (the 决定机关's decision) on a proposal (CC-29, CC-30).

    Granted: the case ends (``revoke`` / ``recommit``, terminal: 终止, CC-33) with ``ended_on`` and
    ``ended_reason``; custody after the arrest is credited 1:1 and the credited days are recorded
    (C-42a: 20 days → 20 days). Refused: back to 矫正中 (``reject_proposal``), and an arrested offender
    is released at once (C-42b: ``in_custody`` False, ``released_on`` the ruling date).
    """
    require_county_agency(actor)
    proposal = _locked_proposal(actor, proposal)
    detail = _locked_case(actor, proposal.correction_case)
    if ruling_date is None:
        raise ValidationFailed("请填写裁定（决定）日期", field="ruling_date")
    _not_future(ruling_date, "ruling_date", "裁定（决定）日期")
    if ruling_date < timezone.localdate(proposal.court_received_at):
        raise ValidationFailed("裁定（决定）日期不能早于法院收到建议书之日", field="ruling_date")
    ruling_number = ruling_number.strip()
    if proposal.arrest_status == ArrestStatus.REQUESTED:
        proposal.arrest_status = ArrestStatus.REFUSED  # no arrest decision was recorded before the ruling
    if granted:
        if not ruling_number:
            raise ValidationFailed("请填写裁定（决定）书文号", field="ruling_number")
        if proposal.kind == ProposalKind.REVOCATION:
            apply_transition(actor=actor, case=detail.case, transition="revoke",
                             data={"ruling_date": ruling_date.isoformat(), "ruling_number": ruling_number})
        else:
            apply_transition(actor=actor, case=detail.case, transition="recommit",
                             data={"decision_date": ruling_date.isoformat(), "decision_number": ruling_number})
        proposal.status = ProposalStatus.GRANTED
        if proposal.arrested_on is not None:
            proposal.credited_custody_days = (ruling_date - proposal.arrested_on).days
        detail.ended_on = ruling_date
        detail.ended_reason = ENDED_REASONS.get(detail.sentence_type, "终止")
        detail.save(update_fields=["ended_on", "ended_reason"])
    else:
        apply_transition(actor=actor, case=detail.case, transition="reject_proposal",
                         data={"ruling_date": ruling_date.isoformat()})
        proposal.status = ProposalStatus.REJECTED
        if proposal.arrest_status == ArrestStatus.ARRESTED:
            proposal.arrest_status = ArrestStatus.RELEASED
            proposal.released_on = ruling_date
        if detail.in_custody:
            detail.in_custody = False
            detail.save(update_fields=["in_custody"])
    proposal.ruling_date = ruling_date
    proposal.ruling_number = ruling_number[:64]
    proposal.outcome_note = note.strip()
    proposal.save(update_fields=["status", "arrest_status", "released_on", "ruling_date", "ruling_number",
                                 "credited_custody_days", "outcome_note"])
    record(actor=actor, action="correction.proposal.ruled", obj=proposal, org_override=detail.case.org,
           changes=_changes(case=detail.pk, granted=granted, ruling_date=ruling_date, ruling_number=ruling_number,
                    credited_custody_days=proposal.credited_custody_days))
    return proposal


# --- 减刑建议 (CC-23) ---------------------------------------------------------------------------------

@service("correction.commutation.proposed")
def propose_commutation(*, actor: Actor, detail: CorrectionCase, facts: str, proposed_reduction: str, court: str,
                        court_received_on: datetime.date | None, procuratorate: str) -> CommutationProposal:
    """减刑建议 to the 中级以上人民法院 of the 执行地, copied to the 检察院 (CC-23); the ruling deadline
    ``commutation_ruling`` (rule CC-23, 三十日 from receipt; C-47: 2026-01-05 → 2026-02-04) starts."""
    require_county_agency(actor)
    detail = _locked_case(actor, detail)
    if detail.case.state != "under_correction":
        raise TransitionNotAllowed("只有矫正中的对象可以提请减刑")
    facts = _required(facts, "facts", "减刑事实和理由")
    proposed_reduction = _required(proposed_reduction, "proposed_reduction", "建议减刑幅度")
    court = _required(court, "court", "受理法院")
    procuratorate = _required(procuratorate, "procuratorate", "抄送的人民检察院")
    if court_received_on is None:
        raise ValidationFailed("请填写法院收到建议书的日期", field="court_received_on")
    _not_future(court_received_on, "court_received_on", "法院收到建议书日期")
    if detail.commutation_proposals.filter(status=CommutationStatus.PENDING).exists():
        raise Conflict("该对象已有待裁定的减刑建议")
    proposal = CommutationProposal.objects.create(
        correction_case=detail, facts=facts, proposed_reduction=proposed_reduction[:64], court=court[:128],
        court_received_on=court_received_on, procuratorate=procuratorate[:128], proposed_by=actor.name)
    start_deadline(case=detail.case, key="commutation_ruling", rule="CC-23", start=court_received_on)
    proposal.document = _issue_document(actor, detail.case, "correction_commutation", {
        "facts": facts, "proposed_reduction": proposed_reduction, "court": court, "procuratorate": procuratorate,
        "court_received": _cn(court_received_on), "sentence_label": detail.get_sentence_type_display(),
        "agency": county_agency_of(detail.case.org).name})
    proposal.save(update_fields=["document"])
    record(actor=actor, action="correction.commutation.proposed", obj=proposal, org_override=detail.case.org,
           changes=_changes(case=detail.pk, court=court, court_received_on=court_received_on,
                    document=proposal.document.number if proposal.document else ""))
    return proposal


@service("correction.commutation.ruled")
def record_commutation_ruling(*, actor: Actor, commutation: CommutationProposal, granted: bool,
                              ruling_date: datetime.date | None, ruling_number: str = "",
                              granted_reduction: str = "") -> CommutationProposal:
    """The court's 减刑 ruling (CC-23): stops the ruling deadline and records the outcome."""
    require_county_agency(actor)
    locked = cast(CommutationProposal | None,
                  CommutationProposal.objects.visible_to(actor).select_for_update().filter(pk=commutation.pk).first())
    if locked is None:
        raise NotFound()
    if locked.status != CommutationStatus.PENDING:
        raise Conflict(f"该减刑建议已{locked.get_status_display()}")
    if ruling_date is None:
        raise ValidationFailed("请填写裁定日期", field="ruling_date")
    _not_future(ruling_date, "ruling_date", "裁定日期")
    if ruling_date < locked.court_received_on:
        raise ValidationFailed("裁定日期不能早于法院收到建议书之日", field="ruling_date")
    ruling_number = _required(ruling_number, "ruling_number", "裁定书文号")
    if granted:
        granted_reduction = _required(granted_reduction, "granted_reduction", "裁定减刑幅度")
    locked.status = CommutationStatus.GRANTED if granted else CommutationStatus.REJECTED
    locked.ruling_date = ruling_date
    locked.ruling_number = ruling_number[:64]
    locked.granted_reduction = granted_reduction.strip()[:64] if granted else ""
    locked.save(update_fields=["status", "ruling_date", "ruling_number", "granted_reduction"])
    _stop(locked.correction_case_id, "commutation_ruling")
    record(actor=actor, action="correction.commutation.ruled", obj=locked, org_override=locked.correction_case.case.org,
           changes=_changes(case=locked.correction_case_id, granted=granted, ruling_date=ruling_date,
                    ruling_number=ruling_number))
    return locked


# --- audited exports ---------------------------------------------------------------------------------

@service("correction.evidence.exported")
def record_evidence_export(*, actor: Actor, detail: CorrectionCase, what: str, items: int, tree_size: int) -> CorrectionCase:
    """Audit the download of an evidence package (a sanction's or a proposal's: document + evidence)."""
    actor.require("correction.view")
    visible = CorrectionCase.objects.visible_to(actor).filter(pk=detail.pk).first()
    if visible is None:
        raise NotFound()
    record(actor=actor, action="correction.evidence.exported", obj=visible.case, org_override=visible.case.org,
           changes=_changes(what=what, items=items, tree_size=tree_size))
    return visible


@service("correction.sanctions.exported")
def export_sanctions(*, actor: Actor, description: str, row_count: int) -> None:
    """Audit an Excel export of sanctions (personal data)."""
    actor.require("correction.view")
    record(actor=actor, action="correction.sanctions.exported", object_type="correction.sanction",
           object_repr=description[:255], changes=_changes(rows=row_count))


def package_files(documents: Sequence[GeneratedDocument | None], evidence: Sequence[Attachment]) -> list[int]:
    """The attachment ids of an evidence package: the documents' files (.docx and PDF) and the evidence."""
    ids: list[int] = []
    for document in documents:
        if document is not None:
            ids += [pk for pk in (document.file_id, document.pdf_id) if pk]
    ids += [a.pk for a in evidence]
    return list(dict.fromkeys(ids))


def write_evidence_package(actor: Actor, detail: CorrectionCase, attachment_ids: Sequence[int], out: Any, *,
                           what: str) -> int:
    """Write the 证据包 (zip) of the chosen files of ``detail`` to ``out`` and audit the export.

    Reuses the case evidence package of the core (sifa/core/casecodes/evidence.py): each file with its
    ledger entry, leaf hash and inclusion proof against a signed checkpoint, the manifest, the public key
    and a README, checkable offline with ``sifa verify``. A checkpoint is made first when needed (its own
    audited service), then the package is written and its download recorded.
    """
    import dataclasses

    from sifa.core.casecodes import evidence

    evidence.ensure_checkpoint(actor, detail.case)
    found = evidence.evidence_of(detail.case, verify=False)
    wanted = set(attachment_ids)
    chosen = dataclasses.replace(found, items=[i for i in found.items if i.attachment.pk in wanted])
    count = evidence.write_case_package(out, chosen)
    record_evidence_export(actor=actor, detail=detail, what=what, items=count,
                           tree_size=chosen.checkpoint.tree_size if chosen.checkpoint else 0)
    return count
