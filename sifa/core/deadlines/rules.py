"""The rule table: RULES.md rule id → period, unit as stated, statute, rollover, article, status.

The table is data (``data/rules.toml``), so [NV] and [INT] rules are configuration with a visible
flag, not hard-coded truths (RULES.md §0.1). A rule may carry named variants, the configuration
switches CASES.md names (LA-11 "工作日", AP-31 "不顺延", CC-29 "在押"). Pure Python, no Django.
"""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sifa.core.deadlines import periods
from sifa.core.deadlines.calendar import WorkingCalendar
from sifa.core.deadlines.periods import (
    STATUTES,
    Deadline,
    Kind,
    Period,
    Policy,
    Rollover,
    Statute,
    Step,
    Unit,
    parse_period,
)
from sifa.core.errors import ValidationFailed

RULES_FILE = Path(__file__).parent / "data" / "rules.toml"
STATUS_TAGS = ("V", "V-local", "NV", "INT")
STATUS_LABELS = {"V": "已核对法条", "V-local": "地方性规定", "NV": "未经核对", "INT": "实施约定"}
DOMAINS = ("社区矫正", "减刑假释暂予监外执行", "行政处罚与行政强制", "行政复议", "法律援助", "人民调解", "重大行政决策",
           "备案审查")


class UnknownRule(ValidationFailed):
    code = "unknown_rule"

    def __init__(self, rule_id: str) -> None:
        super().__init__(f"未知的期限规则：{rule_id}（规则编号见 RULES.md，如 AR-11、CC-06）", field="rule")


class UnknownVariant(ValidationFailed):
    code = "unknown_variant"

    def __init__(self, rule_id: str, variant: str, known: list[str]) -> None:
        options = "、".join(known) if known else "无"
        super().__init__(f"规则 {rule_id} 没有选项「{variant}」（可选：{options}）", field="variant")


@dataclass(frozen=True)
class Variant:
    """A configuration switch of a rule; its fields override the rule's."""

    name: str
    period: Period | None = None
    rollover: Rollover | None = None
    status: str | None = None
    flag: str | None = None


@dataclass(frozen=True)
class Rule:
    """One statutory period of RULES.md (see data/rules.toml for the field meanings)."""

    id: str
    domain: str
    title: str
    stated: Period | None
    statute: Statute
    kind: Kind
    rollover: Rollover
    start_label: str
    article: str
    status: str
    flag: str = ""
    note: str = ""
    rollover_basis: str = ""
    rollover_tag: str = ""
    credit_ratio: int = 0
    fraction: int = 1
    fixed_month_day: tuple[int, int] | None = None
    variants: Mapping[str, Variant] = field(default_factory=dict)

    @property
    def base_id(self) -> str:
        """The RULES.md id (``AR-19`` for ``AR-19.reply``)."""
        return self.id.split(".")[0]

    @property
    def period_required(self) -> bool:
        return self.stated is None and self.kind is not Kind.FIXED

    @property
    def flagged(self) -> bool:
        return self.status in ("NV", "INT", "V-local")

    def period_label(self) -> str:
        if self.kind is Kind.FIXED and self.fixed_month_day:
            return f"每年{self.fixed_month_day[0]}月{self.fixed_month_day[1]}日前"
        if self.stated is None:
            return "由判决确定" + ("（取二分之一）" if self.fraction == 2 else "")
        return self.stated.label()

    def policy(self, variant: Variant | None = None) -> Policy:
        rollover = variant.rollover if variant and variant.rollover else self.rollover
        return Policy(kind=self.kind, rollover=rollover, statute=self.statute, rollover_basis=self.rollover_basis,
                      rollover_tag=self.rollover_tag, credit_ratio=self.credit_ratio,
                      fixed_month_day=self.fixed_month_day)

    def variant(self, name: str | None) -> Variant | None:
        if not name:
            return None
        try:
            return self.variants[name]
        except KeyError:
            raise UnknownVariant(self.id, name, list(self.variants)) from None

    def status_of(self, variant: Variant | None) -> tuple[str, str]:
        """(status tag, flag text) with the variant's override."""
        if variant and variant.status:
            return variant.status, variant.flag or self.flag
        return self.status, self.flag


def _rule_from(entry: Mapping[str, Any]) -> Rule:
    rule_id = str(entry["id"])
    where = f"rules.toml {rule_id}"
    statute_name = str(entry.get("statute", ""))
    if statute_name not in STATUTES:
        raise ValueError(f"{where}: unknown statute {statute_name!r}")
    status = str(entry.get("status", ""))
    if status not in STATUS_TAGS:
        raise ValueError(f"{where}: status must be one of {STATUS_TAGS}")
    flag = str(entry.get("flag", ""))
    if status in ("NV", "INT", "V-local") and not flag:
        raise ValueError(f"{where}: a {status} rule needs a flag shown to users")
    kind = Kind(entry.get("kind", "deadline"))
    stated = parse_period(str(entry["period"])) if entry.get("period") else None
    if stated is None and not entry.get("period_required") and kind is not Kind.FIXED:
        raise ValueError(f"{where}: period missing")
    fixed = None
    if kind is Kind.FIXED:
        month, day = (int(x) for x in str(entry["fixed"]).split("-"))
        fixed = (month, day)
    for key in ("article", "title", "start", "domain"):
        if not entry.get(key):
            raise ValueError(f"{where}: {key} missing")
    if entry["domain"] not in DOMAINS:
        raise ValueError(f"{where}: unknown domain")
    if not str(entry["article"]).startswith("《"):
        raise ValueError(f"{where}: article must cite a law")
    variants: dict[str, Variant] = {}
    for name, raw in dict(entry.get("variants", {})).items():
        v_status = raw.get("status")
        if v_status is not None and v_status not in STATUS_TAGS:
            raise ValueError(f"{where} variant {name}: bad status")
        if v_status in ("NV", "INT") and not raw.get("flag"):
            raise ValueError(f"{where} variant {name}: needs a flag")
        variants[name] = Variant(
            name=name,
            period=parse_period(raw["period"]) if raw.get("period") else None,
            rollover=Rollover(raw["rollover"]) if raw.get("rollover") else None,
            status=v_status,
            flag=raw.get("flag"),
        )
    return Rule(
        id=rule_id, domain=str(entry["domain"]), title=str(entry["title"]), stated=stated,
        statute=STATUTES[statute_name], kind=kind, rollover=Rollover(entry.get("rollover", "next")),
        start_label=str(entry["start"]), article=str(entry["article"]), status=status, flag=flag,
        note=str(entry.get("note", "")), rollover_basis=str(entry.get("rollover_basis", "")),
        rollover_tag=str(entry.get("rollover_tag", "")), credit_ratio=int(entry.get("credit_ratio", 0)),
        fraction=int(entry.get("fraction", 1)), fixed_month_day=fixed, variants=variants,
    )


def load_rules(path: Path = RULES_FILE) -> dict[str, Rule]:
    """Read and check the rule table; a malformed entry raises ValueError naming it."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    table: dict[str, Rule] = {}
    for entry in data.get("rule", []):
        rule = _rule_from(entry)
        if rule.id in table:
            raise ValueError(f"rules.toml: duplicate id {rule.id}")
        table[rule.id] = rule
    return table


@cache
def rules() -> dict[str, Rule]:
    """The shipped rule table, read once."""
    return load_rules()


def get_rule(rule_id: str) -> Rule:
    table = rules()
    key = (rule_id or "").strip()
    found = table.get(key) or table.get(key.upper())
    if found is None:
        raise UnknownRule(key or "（空）")
    return found


def rules_by_domain() -> list[tuple[str, list[Rule]]]:
    table = rules()
    return [(d, [r for r in table.values() if r.domain == d]) for d in DOMAINS]


def _half(period: Period) -> Period:
    """One half of a term (CP-15): months halve, an odd month is 半个月 = 十五日 (GEN-02, criminal)."""
    if period.unit in (Unit.MONTH, Unit.YEAR):
        months = period.months
        return Period(months // 2, Unit.MONTH, extra_days=15 if months % 2 else 0)
    if period.unit is Unit.DAY:
        return Period((period.amount + 1) // 2, Unit.DAY)
    raise periods.PeriodError("刑期应以年、月或日表示")


@dataclass(frozen=True)
class _Plan:
    """A rule with a variant, resolved once: what compute_rule needs on its fast path."""

    rule: Rule
    variant: Variant | None
    stated: Period | None
    counted: Period | None
    policy: Policy


_plans: dict[tuple[str, str], _Plan] = {}


def _plan(rule_id: str, variant: str | None) -> _Plan:
    key = (rule_id, variant or "")
    plan = _plans.get(key)
    if plan is None:
        rule = get_rule(rule_id)
        chosen = rule.variant(variant)
        stated = chosen.period if chosen and chosen.period else rule.stated
        policy = rule.policy(chosen)
        counted = periods.counted_period(stated, rule.statute) if stated is not None else None
        plan = _plans[key] = _Plan(rule, chosen, stated, counted, policy)
    return plan


def compute_rule(rule_id: str, start: periods.AnyDay, calendar: WorkingCalendar, *, variant: str | None = None,
                 period: Period | None = None, custody_days: int = 0, explain: bool = True) -> Deadline:
    """Compute the deadline of ``rule_id`` from ``start`` (for ``notice`` rules: the event date)."""
    plan = _plan(rule_id, variant)
    rule, chosen, stated, counted = plan.rule, plan.variant, plan.stated, plan.counted
    if rule.period_required:
        if period is None:
            raise ValidationFailed(f"规则 {rule.id}（{rule.title}）须填写期间（如 1年、2年6个月）", field="period")
        stated = _half(period) if rule.fraction == 2 else period
        counted = None
    elif period is not None and stated is not None and period != stated:
        raise ValidationFailed(f"规则 {rule.id} 的期间由法律规定为“{stated.label()}”，不能另行填写", field="period")
    if rule.kind is Kind.FIXED:
        stated = counted = Period(1, Unit.YEAR, text=rule.period_label())
    assert stated is not None
    if stated.unit is Unit.HOUR and not isinstance(start, datetime.datetime):
        raise ValidationFailed(f"规则 {rule.id} 以小时计算，须给出起算时刻（如 2025-12-19T10:00）", field="start")
    deadline = periods.compute(start, stated, plan.policy, calendar, credit_days=custody_days, rule_id=rule.id,
                               start_label=rule.start_label, counted=counted, explain=explain)
    if not explain:
        return deadline
    status, _ = rule.status_of(chosen)  # the flag text itself is shown apart from the steps
    head = Step(f"规则 {rule.id}「{rule.title}」：{rule.period_label()}" + (f"（选项：{chosen.name}）" if chosen else "")
                + "。", rule.article, status)
    tail: list[Step] = []
    if rule.fraction == 2 and period is not None:
        tail.append(Step(f"原判刑期 {period.label()} 的二分之一为 {stated.label()}"
                         + ("（半个月按十五日计算）" if stated.extra_days else "") + "。",
                         "《刑法》第八十一条第一款；GEN-02", "V"))
    note = (Step(f"说明：{rule.note}", rule.article, ""),) if rule.note else ()
    return deadline._replace(steps=(head, *tail, *deadline.steps, *note))


def compute_free(start: periods.AnyDay, period: Period, calendar: WorkingCalendar, *, statute: str = "",
                 variant: str | None = None, explain: bool = True) -> Deadline:
    """A bare period (``5工作日``) with no rule: 日/月/年 roll over per the statute (default 民法典 [INT])."""
    if statute and statute not in STATUTES:
        raise ValidationFailed(f"未知的法律：{statute}（可选：{'、'.join(STATUTES)}）", field="statute")
    if variant not in (None, "", "不顺延", "在押"):
        raise ValidationFailed(f"自定义期间没有选项「{variant}」（可选：不顺延、在押）", field="variant")
    rollover = Rollover.NONE if variant in ("不顺延", "在押") else Rollover.NEXT
    policy = Policy(rollover=rollover, statute=STATUTES[statute] if statute else periods.GENERIC_STATUTE)
    deadline = periods.compute(start, period, policy, calendar, explain=explain)
    if not explain:
        return deadline
    head = Step(f"自定义期间：{period.label()}" + (f"，适用《{statute}》" if statute else "") + "。", "", "")
    return deadline._replace(steps=(head, *deadline.steps))
