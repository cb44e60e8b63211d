"""The 行政处罚 case type and its workflow (RULES.md §4.5), declared as data for the core case engine.

Guards return a Chinese reason citing the rule id (the case engine answers 409 with it); the
statutory periods are the deadlines engine's rules, started and stopped by the transitions:

- ``decision`` AP-27 九十日 from 立案 (《行政处罚法》第六十条; alert before a holiday, legal outer limit
  after it, C-26) — started at 立案, stopped by the decision, 不予处罚 or transfer;
- ``preservation`` AP-19 七日 (工作日) from 先行登记保存 (第五十六条, C-29);
- ``hearing_request`` AP-25 五日 (工作日) from the 告知 when a hearing right was stated (第六十四条, C-22)
  — started by the service, because only AP-24 cases carry it;
- ``transfer_decision`` AP-20 三日 from the report (《移送规定》第五条第二款, C-33) and ``transfer``
  AP-20.transfer 二十四小时 from the approval;
- ``service`` AP-28 七日 (工作日) from 宣告 when the party is absent (第六十一条);
- ``payment`` AP-31 十五日 from receipt (第六十七条第三款, C-24; configuration "不顺延");
- ``court_wait`` AP-37 十日 (工作日) after the 催告 (《行政强制法》第五十四条, C-31) and ``court_accept``
  AP-37.accept 五日 (工作日).

Roles: ``enforcement_officer`` handles the case; ``legal_reviewer`` (法制审核人员) gives the 法制审核
opinion (AP-22). The platform assigns the legal_reviewer role only to staff holding the 法律职业资格
(《行政处罚法》第五十八条第二款); when the reviewer also has an officer record, its
``has_legal_qualification`` must be set. Steps the statute gives to the 负责人 (先行登记保存 approval
AP-19, 集体讨论 AP-21, transfer approval AP-20) record the 负责人's name in the step's data
(``approver``): the officer records the approval, the log keeps who approved.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sifa.core.cases.workflow import CaseType, DeadlineStart, State, Transition, Workflow
from sifa.modules.enforcement import penalty

if TYPE_CHECKING:
    from sifa.core.accounts.actor import Actor
    from sifa.core.cases.models import Case
    from sifa.modules.enforcement.penalty_models import PenaltyCase

PENALTY = "penalty"
HANDLE = ("enforcement_officer",)
REVIEW = ("legal_reviewer",)


def _detail(case: Case) -> PenaltyCase | None:
    from sifa.modules.enforcement.penalty_models import PenaltyCase

    return PenaltyCase.objects.filter(pk=case.pk).select_related("body", "power_item").first()


def _day(data: Mapping[str, Any], name: str) -> datetime.date | None:
    raw = data.get(name)
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw)[:10])
    except ValueError:
        return None


def _truthy(value: Any) -> bool:
    return value not in (None, "", False, "0", "false", "否", "off")


def _types(value: Any) -> list[str]:
    if isinstance(value, str):
        return [t for t in value.replace("，", ",").split(",") if t.strip()]
    return [str(t) for t in value or []]


def _money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# --- guards ---------------------------------------------------------------------------------------


def file_guard(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """AP-18 立案; refused when the limitation has run (AP-07, 第三十六条) or the party was under 14 at
    the time of the act (AP-05, 第三十条). The 立案 date may not precede discovery."""
    detail = _detail(case)
    if detail is None:
        return "案件信息不完整"
    filed_on = _day(data, "filed_on")
    if filed_on is not None and filed_on < detail.discovered_on:
        return "立案日期不能早于发现日期（AP-18）"
    limit = penalty.limitation(detail.act_date, detail.act_end_date, detail.discovered_on, detail.serious_harm)
    if limit.expired:
        span = "五年" if detail.serious_harm else "二年"
        return (f"违法行为在{span}内未被发现（{limit.starts_on:%Y-%m-%d} 起算，至 {limit.ends_on:%Y-%m-%d} 届满，"
                f"{detail.discovered_on:%Y-%m-%d} 发现），不再给予行政处罚，不予立案（{limit.rule}，《行政处罚法》第三十六条）")
    if penalty.age_rule(detail.party_birth_date, detail.act_date) == penalty.NO_PENALTY:
        return penalty.AGE_MESSAGES[penalty.NO_PENALTY] + "，不予立案"
    return officers_guard(case, actor, {"started_on": filed_on})


def officers_guard(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """AP-12 / AP-42: at least two officers holding a valid 执法证 for the item (foundation rule)."""
    from sifa.core.errors import SifaError
    from sifa.modules.enforcement.rules import check_case_officers

    detail = _detail(case)
    if detail is None:
        return "案件信息不完整"
    try:
        on = _day(data, "started_on") or detail.filed_on or datetime.date.today()
        check_case_officers(list(detail.officers.select_related("person", "body")), detail.power_item, on)
    except SifaError as exc:
        return exc.message
    return None


def conclude_guard(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """AP-21 (第五十七条第二款): complex or major cases → 集体讨论 by the 负责人 before the decision."""
    detail = _detail(case)
    if detail is None:
        return "案件信息不完整"
    if "complex" in detail.review_triggers and not _truthy(data.get("collective_discussion")):
        return "案情复杂或者有重大违法行为，应当由行政机关负责人集体讨论决定（AP-21，《行政处罚法》第五十七条第二款）"
    return None


def notice_guard(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """AP-23 (第四十四条): the notice states the proposed penalty; a proposal is required."""
    types = _types(data.get("proposed_types"))
    if not types:
        return "告知书须载明拟作出的行政处罚内容（AP-23，《行政处罚法》第四十四条）"
    return None


def hearing_request_guard(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """AP-24 / AP-25: a hearing only where the right was stated; requested within 五日 (工作日)."""
    from sifa.core.cases.models import CaseDeadline

    detail = _detail(case)
    if detail is None:
        return "案件信息不完整"
    if not detail.hearing_offered:
        return "拟作出的处罚不属于应当告知听证权利的情形（AP-24，《行政处罚法》第六十三条）"
    requested = _day(data, "hearing_requested_on")
    deadline = CaseDeadline.objects.filter(case=case, key="hearing_request").first()
    if requested is not None and deadline is not None and requested > deadline.due_date:
        return (f"当事人应当在告知后五日（工作日）内提出听证要求，期限已于 {deadline.due_date:%Y-%m-%d} 届满"
                "（AP-25，《行政处罚法》第六十四条第一项、第八十五条）")
    return None


def hearing_notice_guard(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """AP-25.notice (第六十四条第二项、第八十五条): the notice is served 七日 (工作日) before the hearing (C-23)."""
    notified = _day(data, "hearing_notified_on")
    hearing_on = _day(data, "hearing_on")
    if notified is None or hearing_on is None:
        return None  # required fields report the gap
    latest = penalty.latest_hearing_notice(hearing_on)
    if notified > latest:
        return (f"听证通知应当在举行听证的七日（工作日）前送达：听证定于 {hearing_on:%Y-%m-%d}，"
                f"通知最迟应于 {latest:%Y-%m-%d} 送达（AP-25，《行政处罚法》第六十四条第二项、第八十五条）")
    return None


def legal_review_guard(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """AP-22 (第五十八条第二款): a first-time reviewer holds the 法律职业资格 (see the module docstring)."""
    from sifa.modules.enforcement.models import EnforcementOfficer

    if actor.user is not None:
        records = list(EnforcementOfficer.objects.filter(user=actor.user).values_list("has_legal_qualification",
                                                                                      flat=True))
        if records and not any(records):
            return "初次从事行政处罚决定法制审核的人员应当取得法律职业资格（AP-22，《行政处罚法》第五十八条第二款）"
    return None


def decide_guard(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """The decision (AP-21 … AP-27). Refused: without the 告知 (AP-23, 第六十二条); with a requested
    hearing not held or waived (AP-23, AP-25); before the hearing request period ended, unless waived;
    without the 法制审核 when required (AP-22, 第五十八条); heavier than the proposal after a 申辩
    (AP-23, 第四十五条第二款); in a case where the party was under 14 (AP-05)."""
    from sifa.core.cases.models import CaseDeadline

    detail = _detail(case)
    if detail is None:
        return "案件信息不完整"
    if detail.notice_served_on is None:
        return "未向当事人告知拟作出的行政处罚内容及事实、理由、依据和陈述、申辩、听证权利，不得作出行政处罚决定（AP-23，《行政处罚法》第六十二条）"
    if detail.hearing_requested_on is not None and detail.hearing_held_on is None and not detail.hearing_waived:
        return "当事人要求听证而未组织听证，不得作出行政处罚决定（AP-23、AP-25，《行政处罚法》第六十二条）"
    decided_on = _day(data, "decided_on")
    window = CaseDeadline.objects.filter(case=case, key="hearing_request").first()
    if (detail.hearing_offered and detail.hearing_requested_on is None and not detail.hearing_waived
            and not _truthy(data.get("hearing_waived")) and window is not None and decided_on is not None
            and decided_on <= window.due_date):
        return (f"听证申请期限至 {window.due_date:%Y-%m-%d} 届满，当事人未明确放弃听证的，届满前不得作出决定"
                "（AP-23、AP-25，《行政处罚法》第六十四条第一项）")
    if detail.legal_review_required and detail.legal_reviewed_on is None:
        return "本案属于应当进行法制审核的情形，未经法制审核或者审核未通过的，不得作出决定（AP-22，《行政处罚法》第五十八条）"
    types = _types(data.get("decision_types"))
    if (detail.defence_made or _truthy(data.get("defence_made"))) and penalty.heavier_than_proposed(
            detail.proposed_types, detail.proposed_amount, types, _money(data.get("decision_amount"))):
        return "行政机关不得因当事人陈述、申辩而给予更重的处罚（AP-23，《行政处罚法》第四十五条第二款）"
    from sifa.modules.enforcement.similar import unanswered_discretion_warnings  # 裁量基准, 第三十四条

    if unanswered := unanswered_discretion_warnings(case, data):
        return "裁量预警尚未说明理由，不得作出决定：" + "；".join(unanswered)
    return None


def simplified_guard(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """AP-16 (第五十一条): the 当场 decision only for a 警告 or a fine ≤200元 (公民) / ≤3000元 (组织) (C-20)."""
    detail = _detail(case)
    if detail is None:
        return "案件信息不完整"
    if detail.procedure != "simplified":
        return "普通程序案件不能当场作出处罚决定（AP-16）"
    return penalty.simplified_problem(detail.party_type, _types(data.get("decision_types")),
                                      _money(data.get("decision_amount")))


def service_guard(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """AP-28 / GEN-14 (第六十一条第二款): electronic service only with the party's consent (确认书)."""
    if data.get("service_method") == "electronic" and not _truthy(data.get("electronic_consent")):
        return "当事人同意并签订确认书的，方可采用传真、电子邮件等方式送达（AP-28，《行政处罚法》第六十一条第二款）"
    return None


def payment_guard(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """AP-31: only a money penalty has a payment period."""
    detail = _detail(case)
    if detail is None or not detail.monetary:
        return "处罚决定不含罚款或没收违法所得，无需缴纳（AP-31）"
    return None


def overdue_guard(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """AP-32 (第七十二条): overdue only after the last day of the payment period."""
    detail = _detail(case)
    on = _day(data, "on") or datetime.date.today()
    if detail is None or detail.payment_due is None:
        return "缴款期限未确定（AP-31）"
    if on <= detail.payment_due:
        return f"缴款期限至 {detail.payment_due:%Y-%m-%d} 届满，届满前不能认定逾期（AP-31、AP-32）"
    return None


def court_guard(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """AP-37 (《行政强制法》第五十三条、第五十四条): apply only 十日 (工作日) after the 催告 was served (C-31),
    after the 复议 and 诉讼 windows closed and within 三个月 of that (C-32)."""
    detail = _detail(case)
    applied = _day(data, "court_applied_on")
    if detail is None or applied is None:
        return None
    if detail.demand_served_on is None:
        return "申请人民法院强制执行前，应当催告当事人履行义务（AP-37，《行政强制法》第五十四条）"
    earliest = penalty.earliest_court_application(detail.demand_served_on)
    if applied < earliest:
        return (f"催告书送达十日（工作日）后方可申请：{detail.demand_served_on:%Y-%m-%d} 送达，"
                f"最早 {earliest:%Y-%m-%d} 申请（AP-37，《行政强制法》第五十四条、第六十九条）")
    if detail.served_on is not None:
        window = penalty.court_application_window(detail.served_on)
        if applied < window.opens:
            return (f"当事人在法定期限内不申请行政复议或者提起行政诉讼，又不履行的，方可申请：诉讼期限至 "
                    f"{window.litigation_ends:%Y-%m-%d} 届满（AP-37，《行政强制法》第五十三条）")
        if applied > window.closes:
            return (f"应当自期限届满之日起三个月内申请，已于 {window.closes:%Y-%m-%d} 届满"
                    "（AP-37，《行政强制法》第五十三条）")
    return None


# --- the workflow ---------------------------------------------------------------------------------

DECIDING = ("investigation_concluded", "pre_decision_notice_served", "hearing_held", "hearing_waived", "legal_reviewed")

PENALTY_WORKFLOW = Workflow(
    code=PENALTY,
    label="行政处罚",
    initial="clue_received",
    states=(
        State("clue_received", "线索登记"),
        State("filed", "已立案"),
        State("investigating", "调查取证"),
        State("evidence_preserved", "先行登记保存"),
        State("investigation_concluded", "调查终结"),
        State("transfer_reported", "涉嫌犯罪待审批移送"),
        State("transfer_approved", "已批准移送"),
        State("pre_decision_notice_served", "已告知（事先告知）"),
        State("hearing_requested", "已申请听证"),
        State("hearing_notified", "已通知听证"),
        State("hearing_held", "已举行听证"),
        State("hearing_waived", "放弃听证"),
        State("legal_review", "法制审核中"),
        State("legal_reviewed", "法制审核完毕"),
        State("decided", "已作出处罚决定"),
        State("served", "决定书已送达"),
        State("published", "已公开"),
        State("payment_due", "待缴纳罚款"),
        State("overdue", "逾期未缴纳"),
        State("demand_served", "已催告"),
        State("court_application", "已申请法院强制执行"),
        State("court_ruled", "法院已裁定"),
        State("on_spot_decided", "当场处罚"),
        State("record_filed", "当场处罚已备案"),
        State("paid", "已缴纳"),
        State("no_penalty", "不予行政处罚", terminal=True),
        State("transferred_to_public_security", "已移送公安机关", terminal=True),
        State("closed", "结案", terminal=True),
    ),
    transitions=(
        Transition("file", "立案", ("clue_received",), "filed", roles=HANDLE, guard=file_guard,
                   required_fields=("filed_on",), starts=(DeadlineStart("decision", "AP-27", "filed_on"),), key=True),
        Transition("start_investigation", "开展调查（执法人员不少于两人）", ("filed",), "investigating", roles=HANDLE,
                   guard=officers_guard),
        Transition("preserve_evidence", "先行登记保存证据（经负责人批准）", ("investigating",), "evidence_preserved",
                   roles=HANDLE, required_fields=("preserved_on", "approver"),
                   starts=(DeadlineStart("preservation", "AP-19", "preserved_on"),), key=True),
        Transition("handle_preserved", "对保存的证据作出处理决定", ("evidence_preserved",), "investigating",
                   roles=HANDLE, required_fields=("handled_on", "handling"), stops=("preservation",), done_field="handled_on"),
        Transition("conclude_investigation", "调查终结", ("investigating",), "investigation_concluded", roles=HANDLE,
                   guard=conclude_guard, required_fields=("concluded_on",)),
        Transition("report_crime", "报告涉嫌犯罪（拟移送公安机关）", ("investigating", "investigation_concluded"),
                   "transfer_reported", roles=HANDLE, required_fields=("reported_on",),
                   starts=(DeadlineStart("transfer_decision", "AP-20", "reported_on"),), key=True),
        Transition("approve_transfer", "负责人批准移送", ("transfer_reported",), "transfer_approved", roles=HANDLE,
                   required_fields=("approved_at", "approver"), stops=("transfer_decision",),
                   starts=(DeadlineStart("transfer", "AP-20.transfer", "approved_at"),), key=True, done_field="approved_at"),
        Transition("reject_transfer", "负责人决定不予移送", ("transfer_reported",), "investigating", roles=HANDLE,
                   required_fields=("approver", "reason"), stops=("transfer_decision",)),
        Transition("transfer", "移送公安机关", ("transfer_approved",), "transferred_to_public_security", roles=HANDLE,
                   required_fields=("transferred_at", "police_org"), key=True, done_field="transferred_at"),
        Transition("serve_notice", "送达行政处罚事先告知书", ("investigation_concluded",), "pre_decision_notice_served",
                   roles=HANDLE, guard=notice_guard, required_fields=("notice_served_on", "proposed_types"), key=True),
        Transition("request_hearing", "当事人申请听证", ("pre_decision_notice_served",), "hearing_requested",
                   roles=HANDLE, guard=hearing_request_guard, required_fields=("hearing_requested_on",),
                   stops=("hearing_request",), done_field="hearing_requested_on"),
        Transition("notify_hearing", "送达听证通知书", ("hearing_requested",), "hearing_notified", roles=HANDLE,
                   guard=hearing_notice_guard, required_fields=("hearing_notified_on", "hearing_on")),
        Transition("hold_hearing", "举行听证", ("hearing_notified",), "hearing_held", roles=HANDLE,
                   required_fields=("hearing_held_on", "presider"), key=True),
        Transition("waive_hearing", "当事人放弃听证（含无正当理由不到场）", ("pre_decision_notice_served", "hearing_requested",
                                                                  "hearing_notified"),
                   "hearing_waived", roles=HANDLE, required_fields=("waived_on",), stops=("hearing_request",), done_field="waived_on"),
        Transition("submit_legal_review", "提交法制审核", ("pre_decision_notice_served", "hearing_held", "hearing_waived"),
                   "legal_review", roles=HANDLE, stops=("hearing_request",)),
        Transition("complete_legal_review", "出具法制审核意见", ("legal_review",), "legal_reviewed", roles=REVIEW,
                   guard=legal_review_guard, required_fields=("reviewed_on", "opinion"), key=True),
        Transition("decide", "作出行政处罚决定", DECIDING[1:], "decided", roles=HANDLE, guard=decide_guard,
                   required_fields=("decided_on", "decision_types"),
                   stops=("decision", "hearing_request"),
                   starts=(DeadlineStart("service", "AP-28", "decided_on"),), key=True, done_field="decided_on"),
        Transition("decide_no_penalty", "决定不予行政处罚", DECIDING, "no_penalty", roles=HANDLE,
                   required_fields=("decided_on", "reason"), key=True, done_field="decided_on"),
        Transition("serve_decision", "送达行政处罚决定书", ("decided",), "served", roles=HANDLE, guard=service_guard,
                   required_fields=("served_on", "service_method"), stops=("service",), key=True, done_field="served_on"),
        Transition("publish", "公开处罚决定", ("served",), "published", roles=HANDLE, required_fields=("published_on",)),
        Transition("await_payment", "进入缴款期", ("served", "published"), "payment_due", roles=HANDLE,
                   guard=payment_guard, required_fields=("served_on",),
                   starts=(DeadlineStart("payment", "AP-31", "served_on", variant="不顺延", variant_if="no_rollover"),)),
        Transition("record_payment", "登记缴纳罚款", ("payment_due", "overdue", "demand_served", "record_filed"), "paid",
                   roles=HANDLE, required_fields=("paid_on",), stops=("payment", "court_wait"), key=True, done_field="paid_on"),
        Transition("mark_overdue", "逾期未缴纳（加处罚款）", ("payment_due",), "overdue", roles=HANDLE,
                   guard=overdue_guard, stops=("payment",)),
        Transition("serve_demand", "送达催告书", ("overdue",), "demand_served", roles=HANDLE,
                   required_fields=("demand_served_on",),
                   starts=(DeadlineStart("court_wait", "AP-37", "demand_served_on"),), key=True),
        Transition("apply_to_court", "申请人民法院强制执行", ("demand_served",), "court_application", roles=HANDLE,
                   guard=court_guard, required_fields=("court_applied_on",), stops=("court_wait",),
                   starts=(DeadlineStart("court_accept", "AP-37.accept", "court_applied_on"),), key=True, done_field="court_applied_on"),
        Transition("record_court_ruling", "登记法院裁定", ("court_application",), "court_ruled", roles=HANDLE,
                   required_fields=("court_ruled_on", "ruling"), stops=("court_accept", "court_rule"), key=True, done_field="court_ruled_on"),
        Transition("decide_on_spot", "当场作出处罚决定（简易程序）", ("clue_received",), "on_spot_decided", roles=HANDLE,
                   guard=simplified_guard, required_fields=("decided_on", "decision_number", "decision_types"), key=True),
        Transition("file_record", "当场处罚决定备案", ("on_spot_decided",), "record_filed", roles=HANDLE,
                   required_fields=("recorded_on",)),
        Transition("close", "结案", ("served", "published", "paid", "court_ruled", "record_filed"), "closed",
                   roles=HANDLE, required_fields=("closed_on",), key=True, done_field="closed_on"),
    ),
    field_labels={
        "filed_on": "立案日期", "started_on": "开始调查日期", "preserved_on": "先行登记保存日期", "approver": "批准负责人",
        "handled_on": "处理决定日期", "handling": "处理决定", "concluded_on": "调查终结日期",
        "collective_discussion": "负责人集体讨论", "reported_on": "报告日期", "approved_at": "批准移送时间",
        "reason": "理由", "transferred_at": "移送时间", "police_org": "接受移送的公安机关",
        "notice_served_on": "告知书送达日期", "proposed_types": "拟处罚种类", "proposed_amount": "拟罚款金额（元）",
        "hearing_requested_on": "申请听证日期", "hearing_notified_on": "听证通知送达日期", "hearing_on": "听证日期",
        "hearing_held_on": "举行听证日期", "presider": "听证主持人", "waived_on": "放弃听证日期",
        "reviewed_on": "审核日期", "opinion": "法制审核意见", "decided_on": "决定日期", "decision_number": "决定书文号",
        "decision_types": "处罚种类", "decision_amount": "罚款金额（元）", "defence_made": "当事人陈述、申辩",
        "hearing_waived": "当事人明确放弃听证", "served_on": "送达日期", "service_method": "送达方式",
        "electronic_consent": "当事人同意电子送达", "published_on": "公开日期", "no_rollover": "缴款期限不顺延",
        "paid_on": "缴款日期", "on": "认定日期", "demand_served_on": "催告书送达日期",
        "court_applied_on": "申请强制执行日期", "court_ruled_on": "法院裁定日期", "ruling": "裁定结果",
        "recorded_on": "备案日期", "closed_on": "结案日期",
    },
)


PENALTY_CASE = CaseType(
    code=PENALTY, label="行政处罚", number_word="罚", workflow=PENALTY_WORKFLOW, open_roles=HANDLE,
    page="enforcement:penalty_case", module_label="行政处罚",
)
