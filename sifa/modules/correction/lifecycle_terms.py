"""The correction term (CC-34, GEN-03): checks of the judgment's term and the term's end date.

- 管制: 三个月以上二年以下 (《刑法》第三十八条; 数罪并罚 up to 三年, 第六十九条), from 判决执行之日, pre-trial
  custody credited one day for two (第四十一条; CASES C-45) — rule CC-34.control;
- 缓刑考验期: 拘役 → 原判刑期以上一年以下 and at least 二个月; 有期徒刑 → 原判刑期以上五年以下 and at least
  一年 (第七十三条), from 判决确定之日 (CASES C-44) — rule CC-34.probation [INT: the 前一日 method];
- 假释考验期: the unserved term, 无期徒刑 十年 (第八十三条), from 假释之日 — rule CC-34.parole [INT];
- 暂予监外执行: the period the decision states, from the day the offender is handed over — rule
  CC-34.temporary [INT].

Every end date is the day before the corresponding day (GEN-03; 《刑诉法解释》第二百零二条第二款).
"""

from __future__ import annotations

import datetime
import re

from sifa.core.cases.services import start_deadline
from sifa.core.deadlines.periods import Period, Unit, parse_period
from sifa.core.errors import SifaError, ValidationFailed
from sifa.modules.correction.choices import SentenceType
from sifa.modules.correction.models import CorrectionCase

TERM_RULES = {
    SentenceType.CONTROL: "CC-34.control",
    SentenceType.PROBATION: "CC-34.probation",
    SentenceType.PAROLE: "CC-34.parole",
    SentenceType.TEMPORARY_EXECUTION: "CC-34.temporary",
}
_ORIGINAL_RE = re.compile(r"(拘役|有期徒刑|管制)\s*(.+)$")


def _months(period: Period) -> int | None:
    return period.months if period.unit in (Unit.YEAR, Unit.MONTH) else None


def _parse(term: str, field: str, label: str) -> Period:
    text = (term or "").strip().replace(" ", "")
    if not text:
        raise ValidationFailed(f"请填写{label}", field=field)
    try:
        period = parse_period(text, field=field)
    except SifaError as exc:
        raise ValidationFailed(f"{label}「{text}」无法识别，请写作 1年、1年6个月、六个月", field=field) from exc
    if period.unit not in (Unit.YEAR, Unit.MONTH, Unit.DAY) or period.amount <= 0:
        raise ValidationFailed(f"{label}应以年、月或日表示，如 1年6个月", field=field)
    return period


def original_term(original_sentence: str) -> tuple[str, Period | None]:
    """(刑种, 刑期) of an 原判刑罚 such as 有期徒刑一年 / 拘役三个月; (刑种, None) when the period is not readable."""
    text = (original_sentence or "").strip().replace(" ", "")
    if "无期" in text:
        return "无期徒刑", None
    match = _ORIGINAL_RE.search(text)
    if not match:
        return "", None
    kind, rest = match.group(1), match.group(2)
    try:
        return kind, parse_period(rest, field="original_sentence")
    except SifaError:
        return kind, None


def check_term(sentence_type: str, term: str, original_sentence: str) -> str:
    """The 矫正期限 checked against CC-34; returns it normalised (no spaces). Errors name the field ``term``."""
    period = _parse(term, "term", "矫正期限")
    months = _months(period)
    kind, original = original_term(original_sentence)
    if sentence_type == SentenceType.CONTROL:
        if months is None:
            raise ValidationFailed("管制刑期应以年或月表示（如 1年、六个月）", field="term")
        if not 3 <= months <= 36:
            raise ValidationFailed("管制期限为三个月以上二年以下，数罪并罚最高不超过三年（CC-34、《刑法》第三十八条、第六十九条）",
                                   field="term")
    elif sentence_type == SentenceType.PROBATION:
        if months is None:
            raise ValidationFailed("缓刑考验期应以年或月表示（如 1年、六个月）", field="term")
        if kind == "拘役" and not 2 <= months <= 12:
            raise ValidationFailed("拘役的缓刑考验期为原判刑期以上一年以下，且不能少于二个月（CC-34、《刑法》第七十三条第一款）",
                                   field="term")
        if kind == "有期徒刑" and not 12 <= months <= 60:
            raise ValidationFailed("有期徒刑的缓刑考验期为原判刑期以上五年以下，且不能少于一年（CC-34、《刑法》第七十三条第二款）",
                                   field="term")
        if kind not in ("拘役", "有期徒刑"):
            raise ValidationFailed("缓刑只适用于被判处拘役或三年以下有期徒刑的犯罪分子，请在原判刑罚中写明（如 有期徒刑一年）",
                                   field="original_sentence")
        original_months = _months(original) if original is not None else None
        if original_months is not None and months < original_months:
            raise ValidationFailed(f"缓刑考验期不能短于原判刑期（{original.label() if original else ''}）（《刑法》第七十三条）",
                                   field="term")
    elif sentence_type == SentenceType.PAROLE:
        if kind == "无期徒刑" and months != 120:
            raise ValidationFailed("无期徒刑的假释考验期为十年（CC-34、《刑法》第八十三条）", field="term")
    return (term or "").strip().replace(" ", "")


def default_term_start(detail: CorrectionCase, received_on: datetime.date) -> datetime.date:
    """管制: 判决执行之日; 缓刑: 判决确定之日; 假释: 假释之日 — each taken as the decision's effective date
    unless the officer gives another start; 暂予监外执行: the day of the hand-over [INT]."""
    if detail.sentence_type == SentenceType.TEMPORARY_EXECUTION:
        return received_on
    return detail.effective_date


def compute_term_end(sentence_type: str, start: datetime.date, term: str, custody_days: int = 0) -> datetime.date:
    """The last day of the term without a case (for checks and the intake preview)."""
    from sifa.core.cases import deadline_bridge

    rule = TERM_RULES[SentenceType(sentence_type)]
    credit = custody_days if sentence_type == SentenceType.CONTROL else 0
    return deadline_bridge.compute(rule, start, period=term, custody_days=credit).due_date


def start_term(detail: CorrectionCase, start: datetime.date) -> datetime.date:
    """Start the ``term`` deadline of the case (CC-34) and return the term's last day."""
    rule = TERM_RULES[SentenceType(detail.sentence_type)]
    credit = detail.custody_days if detail.sentence_type == SentenceType.CONTROL else 0
    deadline = start_deadline(case=detail.case, key="term", rule=rule, start=start, period=detail.term,
                              custody_days=credit)
    return deadline.due_date
