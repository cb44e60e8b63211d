"""Pure rules of 行政执法监督 for the penalty-case, inspection and review parts built on this module.

- ``default_valid_until`` — AP-42: a 执法资格 is valid 五年.
- ``assignment_problems`` / ``check_case_officers`` — AP-12 and AP-42: a case has at least two officers
  holding a valid 执法证 that covers the item's field; 辅助人员 only assist.
- ``discretion_range`` — the 裁量基准 range for a circumstance and party type.
- ``hearing_required`` — AP-24: the penalties that carry a 听证 right.

No writes here; reads only what the objects passed in carry (``discretion_range`` queries the item's rules).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from sifa.modules.enforcement import config
from sifa.modules.enforcement.choices import CertificateStatus, EnforcementField, PartyType, PenaltyType
from sifa.modules.enforcement.errors import OfficersNotQualified

if TYPE_CHECKING:
    from sifa.modules.enforcement.models import EnforcementBody, EnforcementOfficer, PowerItem

MIN_CASE_OFFICERS = 2  # AP-12: 《行政处罚法》第四十二条第一款「不得少于两人」


def default_valid_until(valid_from: datetime.date) -> datetime.date:
    """The last day of a 执法资格 issued on ``valid_from`` when no end is given: 五年 later, less one day.

    AP-42 (《浙江省综合行政执法条例》第二十八条第二款：「取得的行政执法资格五年内有效」); the number of years
    is configuration (``[certificates] valid_years``). A 29 February start ends on 28 February.
    """
    years = config.certificate_valid_years()
    try:
        anniversary = valid_from.replace(year=valid_from.year + years)
    except ValueError:  # 29 February → 1 March of a common year
        anniversary = datetime.date(valid_from.year + years, 3, 1)
    return anniversary - datetime.timedelta(days=1)


def _covers(officer: EnforcementOfficer, field: str) -> bool:
    return field in officer.certificate_scope


def _may_act_for(officer: EnforcementOfficer, item: PowerItem) -> bool:
    """The officer's body is the item's body, or an organisation it entrusted (AP-04, 第二十条)."""
    body = officer.body
    return body.pk == item.body_id or (body.is_entrusted and body.entrusted_by_id == item.body_id)


def assignment_problems(officer: EnforcementOfficer, *, power_item: PowerItem | None = None,
                        on: datetime.date) -> list[str]:
    """Why ``officer`` may not be assigned as a case officer on ``on`` (empty: they may).

    AP-12 (《行政处罚法》第四十二条: officers 具有行政执法资格) and AP-42 (《浙江省综合行政执法条例》第二十八条:
    only 执法证 holders enforce, the 执法资格 is valid 五年; 第三十条: 辅助人员 only assist). With a
    ``power_item``, the certificate must cover the item's 执法领域 and the officer must belong to the
    item's body (or a 受委托组织 of it, AP-04).
    """
    name = officer.person.name
    problems: list[str] = []
    if officer.status != CertificateStatus.VALID:
        label = CertificateStatus(officer.status).label
        problems.append(f"{name}：执法证已{label}，不得从事执法（AP-42）")
    if on < officer.valid_from:
        problems.append(f"{name}：执法证尚未生效（{officer.valid_from:%Y-%m-%d} 起有效；AP-12、AP-42）")
    if on > officer.valid_until:
        problems.append(f"{name}：执法证已过期（有效期至 {officer.valid_until:%Y-%m-%d}；AP-12、AP-42）")
    if officer.is_auxiliary:
        problems.append(f"{name}：辅助人员不得从事执法，只能协助（AP-42，《浙江省综合行政执法条例》第三十条）")
    if power_item is not None:
        if not _covers(officer, power_item.field):
            field_label = EnforcementField(power_item.field).label if power_item.field in EnforcementField.values \
                else power_item.field
            problems.append(f"{name}：执法证范围不含该事项领域「{field_label}」（AP-12、AP-42）")
        if not _may_act_for(officer, power_item):
            problems.append(f"{name}：不属于该事项的执法主体「{power_item.body.name}」（AP-04、AP-42）")
    return problems


def check_case_officers(officers: Iterable[EnforcementOfficer], power_item: PowerItem | None,
                        on: datetime.date) -> None:
    """Refuse a case team unless every officer may act and there are at least two (AP-12).

    AP-12: 《行政处罚法》第四十二条第一款 — 执法人员不得少于两人, each 具有行政执法资格; AP-42: only valid
    执法证 holders, 辅助人员 never. Raises ``OfficersNotQualified`` (field ``officers``) naming every problem.
    """
    distinct = list({o.pk: o for o in officers}.values())
    problems = [p for o in distinct for p in assignment_problems(o, power_item=power_item, on=on)]
    if len(distinct) < MIN_CASE_OFFICERS:
        problems.insert(0, f"执法人员不得少于 {MIN_CASE_OFFICERS} 人，当前 {len(distinct)} 人（AP-12，《行政处罚法》第四十二条）")
    if problems:
        raise OfficersNotQualified("；".join(problems), field="officers")


def discretion_range(item: PowerItem, circumstance: str, party_type: str, *,
                     penalty_type: str = PenaltyType.FINE) -> tuple[Decimal, Decimal] | None:
    """The (min, max) amount in 元 the item's active 裁量基准 give for ``circumstance`` and ``party_type``.

    Rules for the exact party type win over those for 不限; several rules combine to their widest span.
    ``None`` when no active rule with an amount matches (the penalty then stays within the statutory
    range of the item's articles, AP-02, 《行政处罚法》第三十八条).
    """
    rules = [r for r in item.discretion_rules.all()
             if r.active and r.circumstance == circumstance and r.penalty_type == penalty_type]
    exact = [r for r in rules if r.party_type == party_type]
    chosen = exact or [r for r in rules if r.party_type == PartyType.ANY]
    lows = [r.min_amount for r in chosen if r.min_amount is not None]
    highs = [r.max_amount for r in chosen if r.max_amount is not None]
    if not lows and not highs:
        return None
    low = min(lows) if lows else Decimal(0)
    high = max(highs) if highs else max(lows)
    return low, high


def _threshold_for(body: EnforcementBody | None, field: str) -> config.HearingThreshold:
    region = body.org.region.code if body is not None else ""
    best: tuple[int, int] | None = None
    chosen = None
    for t in config.hearing_thresholds():
        if t.field and t.field != field:
            continue
        if t.region and not region.startswith(t.region):
            continue
        score = (1 if t.field else 0, len(t.region))
        if best is None or score > best:
            best, chosen = score, t
    if chosen is None:
        raise LookupError("行政执法配置 [hearing] 没有适用的较大数额标准")
    return chosen


def hearing_required(penalty_type: str, amount: Decimal | int | None, party_type: str,
                     body: EnforcementBody | None, *, field: str = "") -> bool:
    """Must the pre-decision notice state a right to a hearing (听证)?

    AP-24, 《行政处罚法》第六十三条第一款: 较大数额罚款 (第一项); 没收较大数额违法所得、较大价值非法财物
    (第二项); 降低资质等级、吊销许可证件 (第三项); 责令停产停业、责令关闭、限制从业 (第四项); other heavy
    penalties (第五项, configurable ``[hearing] heavier``). 较大数额 thresholds are [INT] configuration per
    issuing authority (region of the body, field of the item) and party type; for 不限 the lower
    (citizen) threshold applies, so the right is never withheld by the choice.
    """
    if penalty_type not in PenaltyType.values:
        raise ValueError(f"未知的处罚种类：{penalty_type}")
    if penalty_type in config.hearing_always():
        return True
    if penalty_type not in (PenaltyType.FINE, PenaltyType.CONFISCATE_ILLEGAL_GAINS,
                            PenaltyType.CONFISCATE_ILLEGAL_PROPERTY):
        return False
    if amount is None:
        return False
    threshold = _threshold_for(body, field)
    organisation = party_type == PartyType.ORGANISATION
    if penalty_type == PenaltyType.FINE:
        limit = threshold.organisation if organisation else threshold.citizen
    else:
        limit = threshold.confiscation_organisation if organisation else threshold.confiscation_citizen
    return Decimal(amount) >= limit


def hearing_threshold_issuer(body: EnforcementBody | None, *, field: str = "") -> str:
    """Which configured authority's 较大数额 standard applies (shown beside the result, with the [INT] flag)."""
    return _threshold_for(body, field).issuer
