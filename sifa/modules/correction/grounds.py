"""Grounds for a sanction or a court proposal, detected from the records — pure functions, no database.

The selectors (``sanction_selectors.case_facts``) turn one correction case into a ``CaseFacts``
snapshot (its sentence type, decided and proposed sanctions, other recorded violations, the start of
an absence and the day it becomes "超过一个月" by the deadlines engine); ``detect`` returns each
``Ground`` that holds on ``today`` with the facts that met it (dates, sanction numbers). Nothing here
acts: the alert rules ``correction.revocation_ground`` / ``correction.warning_ground`` surface the
grounds, and a person decides whether to propose (《社区矫正法》第二十八条、第四十六条).

Grounds (RULES.md):

- ``CC-25(2)4`` / ``CC-26(2)4`` / ``CC-30(4)``: 受到执行机关二次警告，仍不改正 — the configured number
  (``sanctions.warnings_before_revocation``, 2 by 《刑诉法解释》第五百四十三条第一款第四项 [V]) of decided
  警告 and a violation after the last of them; 缓刑 → 撤销缓刑, 假释 → 撤销假释 (第五百四十三条第二款),
  暂予监外执行 → 收监执行 (第五百一十六条第四项). CASES C-38 a/b/c.
- ``CC-25(2)2`` / ``CC-26(2)2``: 不按规定时间报到或者脱离监管，超过一个月 — from the day after the report
  due date (CC-06) or the day contact was lost, rule ``CC-25.absence`` (GEN-12 "超过"). C-36: from
  2025-04-14; C-48: from 2025-07-03. ``CC-30(2)`` (暂予监外执行 脱离监管) uses the same one-month
  threshold for the alert [INT: the law names no period there].
- ``CC-17.5``: 受到两次训诫仍不改正 (``sanctions.admonitions_before_warning`` [NV]) — the configured number
  of decided 训诫 and a later violation, with no 警告 proposed since → a 警告 suggestion.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

WARNING = "warning_sanction"
ADMONITION = "admonition"
COMMENDATION = "commendation"
DECIDED = "decided"
REJECTED = "rejected"

CN_NUMBERS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}


@dataclass(frozen=True)
class SanctionFact:
    """One sanction of the case (``number``: its decision document's number, once decided)."""

    id: int
    kind: str
    status: str
    ground: str
    proposed_on: datetime.date
    occurred_on: datetime.date | None = None
    decided_on: datetime.date | None = None
    number: str = ""

    @property
    def violation_on(self) -> datetime.date:
        return self.occurred_on or self.proposed_on

    def describe(self, label: str) -> str:
        ref = self.number or f"第{self.id}号提请"
        when = f"{self.decided_on:%Y-%m-%d} 决定" if self.decided_on else f"{self.proposed_on:%Y-%m-%d} 提出"
        return f"{label}（{ref}，{when}；情形 {self.ground}）"


@dataclass(frozen=True)
class Violation:
    """A recorded breach other than a sanction: a missed supervision task, a leave not returned from …"""

    on: datetime.date
    label: str
    ref: str = ""


@dataclass(frozen=True)
class CaseFacts:
    case_id: int
    sentence_type: str
    sanctions: Sequence[SanctionFact] = ()
    violations: Sequence[Violation] = ()
    absence_start: datetime.date | None = None
    absence_label: str = ""  # "应当报到期限届满" / "失去联系（脱离监管）"
    absence_exceeded_on: datetime.date | None = None  # first day "超过一个月" (rule CC-25.absence)


@dataclass(frozen=True)
class Ground:
    code: str
    label: str
    article: str
    action: str  # "revocation" | "recommitment" | "warning"
    since: datetime.date
    facts: tuple[str, ...] = field(default_factory=tuple)
    flag: str = ""

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


ACTION_LABELS = {"revocation": "提请撤销", "recommitment": "提请收监执行", "warning": "给予警告"}

# sentence type → (code, label, article, action) for "受到执行机关二次警告，仍不改正"
_WARNINGS = {
    "probation": ("CC-25(2)4", "受到执行机关{n}次警告，仍不改正（撤销缓刑）",
                  "《刑诉法解释》第五百四十三条第一款第四项；《刑法》第七十七条第二款", "revocation"),
    "parole": ("CC-26(2)4", "受到执行机关{n}次警告，仍不改正（撤销假释）",
               "《刑诉法解释》第五百四十三条第二款；《刑法》第八十六条第三款", "revocation"),
    "temporary_execution": ("CC-30(4)", "受到执行机关{n}次警告，仍不改正（收监执行）",
                            "《刑事诉讼法》第二百六十八条；《刑诉法解释》第五百一十六条第四项", "recommitment"),
}
# sentence type → (code, label, article, action, flag) for the absence over one month
_ABSENCE = {
    "probation": ("CC-25(2)2", "无正当理由不按规定时间报到或者接受社区矫正期间脱离监管，超过一个月（撤销缓刑）",
                  "《刑诉法解释》第五百四十三条第一款第二项；《刑法》第七十七条第二款", "revocation", ""),
    "parole": ("CC-26(2)2", "无正当理由不按规定时间报到或者接受社区矫正期间脱离监管，超过一个月（撤销假释）",
               "《刑诉法解释》第五百四十三条第二款；《刑法》第八十六条第三款", "revocation", ""),
    "temporary_execution": ("CC-30(2)", "拒不报告行踪、脱离监管（收监执行）",
                            "《刑事诉讼法》第二百六十八条；《刑诉法解释》第五百一十六条第二项", "recommitment",
                            "[INT] 暂予监外执行脱离监管未规定期间，平台以超过一个月提示"),
}
SANCTION_LABELS = {"commendation": "表扬", "admonition": "训诫", "warning_sanction": "警告",
                   "security_penalty_request": "提请治安管理处罚"}


def times(n: int) -> str:
    return CN_NUMBERS.get(n, str(n))


def _decided(facts: CaseFacts, kind: str) -> list[SanctionFact]:
    rows = [s for s in facts.sanctions if s.kind == kind and s.status == DECIDED and s.decided_on is not None]
    return sorted(rows, key=lambda s: (s.decided_on or datetime.date.min, s.id))


def violations_after(facts: CaseFacts, day: datetime.date, *, exclude: Sequence[int] = ()) -> list[tuple[datetime.date, str]]:
    """Breaches recorded after ``day``: sanctions for a violation (not rejected, not the ones in
    ``exclude``) by the day of the violation, and the other violations, oldest first."""
    found: list[tuple[datetime.date, str]] = []
    for s in facts.sanctions:
        if s.kind == COMMENDATION or s.status == REJECTED or s.id in exclude:
            continue
        if s.violation_on > day:
            found.append((s.violation_on, f"{s.violation_on:%Y-%m-%d} 再次违规：{s.describe(SANCTION_LABELS.get(s.kind, s.kind))}"))
    for v in facts.violations:
        if v.on > day:
            found.append((v.on, f"{v.on:%Y-%m-%d} 再次违规：{v.label}"))
    return sorted(found)


def warnings_ground(facts: CaseFacts, *, needed: int) -> Ground | None:
    """``needed`` decided 警告 and a later violation (C-38): the ground by sentence type, or None."""
    spec = _WARNINGS.get(facts.sentence_type)
    warnings = _decided(facts, WARNING)
    if spec is None or needed < 1 or len(warnings) < needed:
        return None
    last = warnings[needed - 1]
    assert last.decided_on is not None
    later = violations_after(facts, last.decided_on, exclude=[w.id for w in warnings[:needed]])
    if not later:
        return None
    code, label, article, action = spec
    lines = tuple(w.describe(f"第{times(i + 1)}次警告") for i, w in enumerate(warnings[:needed])) + tuple(t for _, t in later)
    return Ground(code, label.format(n=times(needed)), article, action, later[0][0], lines)


def absence_ground(facts: CaseFacts, today: datetime.date) -> Ground | None:
    """Absence beyond one month (C-36, C-48): from ``absence_exceeded_on`` on, or None."""
    spec = _ABSENCE.get(facts.sentence_type)
    if spec is None or facts.absence_start is None or facts.absence_exceeded_on is None:
        return None
    if today < facts.absence_exceeded_on:
        return None
    code, label, article, action, flag = spec
    lines = (
        f"{facts.absence_start:%Y-%m-%d} {facts.absence_label}，至今未报到（未到案）",
        f"自 {facts.absence_exceeded_on:%Y-%m-%d} 起为“超过一个月”（规则 CC-25.absence，GEN-12“超过”不含本数）",
    )
    return Ground(code, label, article, action, facts.absence_exceeded_on, lines, flag)


def admonitions_ground(facts: CaseFacts, *, needed: int) -> Ground | None:
    """``needed`` decided 训诫, a later violation and no 警告 since → suggest a 警告 (CC-17.5 [NV])."""
    admonitions = _decided(facts, ADMONITION)
    if needed < 1 or len(admonitions) < needed:
        return None
    last = admonitions[needed - 1]
    assert last.decided_on is not None
    later = violations_after(facts, last.decided_on, exclude=[a.id for a in admonitions[:needed]])
    if not later:
        return None
    warned_since = any(s.kind == WARNING and s.status != REJECTED and s.proposed_on >= last.decided_on
                       for s in facts.sanctions)
    if warned_since:
        return None
    lines = tuple(a.describe(f"第{times(i + 1)}次训诫") for i, a in enumerate(admonitions[:needed])) + tuple(t for _, t in later)
    return Ground("CC-17.5", f"受到{times(needed)}次训诫仍不改正（可给予警告）", "《社区矫正法实施办法》（条号未核实）",
                  "warning", later[0][0], lines, "[NV]")


def detect(facts: CaseFacts, today: datetime.date, *, warnings_needed: int, admonitions_needed: int) -> list[Ground]:
    """Every ground that holds on ``today``, most serious first."""
    found = [warnings_ground(facts, needed=warnings_needed), absence_ground(facts, today),
             admonitions_ground(facts, needed=admonitions_needed)]
    return [g for g in found if g is not None]


# --- the 训诫 / 警告 band of a late report or an absence (CC-16.1 / CC-17.2) ---------------------------

def late_band(due: datetime.date, reported_on: datetime.date, *, max_days: int) -> tuple[int, str]:
    """(days late, band) for a report (or a return to supervision) on ``reported_on`` against ``due``.

    "未超过十日" includes the tenth day, "超过十日" starts at the eleventh (GEN-12; C-03: due 03-13,
    03-23 → 10 days → 训诫 band, 03-24 → 11 days → 警告 band). ``max_days`` is the configured
    ``sanctions.admonition_late_max_days`` [NV]. On or before ``due`` the band is "on_time": no
    sanction for lateness (C-37: the rolled-over due date is on time).
    """
    days = (reported_on - due).days
    if days <= 0:
        return days, "on_time"
    return days, "admonition" if days <= max_days else "warning"
