"""The scoring engine's pure core: indicator trees, facts, and the lines and totals they give.

No Django here (like the ledger's ``merkle.py``), so the arithmetic can be read and tested alone.

- An **indicator tree** has parts (部分) → items (项目) → sub-items (子项). A leaf either counts
  facts from a ``source`` (``points_per_unit`` per fact, or per unit of quantity with
  ``per = "quantity"``, optionally only facts whose ``attrs`` match ``unit_filter``) or is scored
  by hand (no source: only adjustments and ``base`` give it points).
- **Bounds.** Every node is bounded after its points are summed: an ordinary node lies in
  [0, cap] (a part also at most its ``full_marks``; the floor at 0 is the usual 扣完为止), a
  deduction node (``deduction``, inherited by its children; negative ``points_per_unit``) lies in
  [−cap, 0], the cap being the most it may deduct. A bound that applies is written on the line
  ("已达上限 20 分"), so a reader sees why points were not counted.
- **Adjustments** (人工调整, with a reason) are added to a node *after* its own bounds and
  bounded again; ``check_adjustment`` refuses one that a bound would swallow, so an accepted
  adjustment always moves the total by exactly its points.
- All arithmetic is ``Decimal``; a leaf's points are rounded half-up to 0.01.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

PART, ITEM, SUB_ITEM = "part", "item", "sub_item"
KIND_LABELS = {PART: "部分", ITEM: "项目", SUB_ITEM: "子项"}
CHILD_KIND = {PART: ITEM, ITEM: SUB_ITEM}
PER_FACT, PER_QUANTITY = "fact", "quantity"
SUBJECT_KINDS = {"org": "机构", "person": "人员", "case": "案件"}
CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)


def fmt(value: Decimal) -> str:
    """Points for people: 20.00 → "20", 1.50 → "1.5"."""
    text = f"{value.quantize(CENT, ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# --- facts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactRef:
    """The record a fact comes from, so each point can be traced to it (kind, id, label, page)."""

    kind: str
    id: str
    label: str
    url_name: str = ""
    url_args: tuple[str | int, ...] = ()


@dataclass(frozen=True)
class Fact:
    """One thing that earns (or loses) points: ``quantity`` units from ``source`` for ``subject`` on ``on``.

    ``subject`` is the id of the org, person or case scored; ``attrs`` are what an indicator's
    ``unit_filter`` can select on (e.g. ``{"kind": "mediation"}``).
    """

    source: str
    subject: int
    on: datetime.date
    ref: FactRef
    quantity: Decimal = ONE
    attrs: Mapping[str, str] = field(default_factory=dict)


# --- the indicator tree ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One node of the tree. See the module docstring for bounds; ``note`` is the 评分标准 text."""

    code: str
    label: str
    kind: str
    children: tuple[Indicator, ...] = ()
    points_per_unit: Decimal | None = None
    cap: Decimal | None = None
    full_marks: Decimal | None = None
    base: Decimal = ZERO
    source: str = ""
    unit_filter: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    per: str = PER_FACT
    deduction: bool = False
    note: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def is_manual(self) -> bool:
        """A leaf with no source: scored by hand, through adjustments."""
        return self.is_leaf and not self.source

    @property
    def upper(self) -> Decimal | None:
        if self.deduction:
            return ZERO
        bounds = [b for b in (self.cap, self.full_marks) if b is not None]
        return min(bounds) if bounds else None

    @property
    def lower(self) -> Decimal | None:
        if self.deduction:
            return -self.cap if self.cap is not None else None
        return ZERO

    def accepts(self, fact: Fact) -> bool:
        return fact.source == self.source and all(fact.attrs.get(k) in v for k, v in self.unit_filter.items())

    def rule_text(self, unit: str = "件", *, quantity_unit: str = "") -> str:
        """The rule in words: "每件 2 分，上限 20 分", "每次扣 5 分，最多扣 30 分", "人工评分".

        ``unit`` names one fact; ``quantity_unit`` (when the source gives one) names one unit of
        quantity for ``per: "quantity"`` leaves ("每人次 0.1 分"), else they read "每单位数量"."""
        parts: list[str] = []
        if self.base:
            parts.append(f"基础分 {fmt(self.base)} 分")
        if self.points_per_unit is not None:
            if self.per == PER_FACT:
                each = f"每{unit}"
            else:
                each = f"每{quantity_unit}" if quantity_unit else "每单位数量"
            ppu = self.points_per_unit
            parts.append(f"{each}扣 {fmt(-ppu)} 分" if ppu < 0 else f"{each} {fmt(ppu)} 分")
        elif self.is_manual:
            parts.append("人工评分")
        if self.full_marks is not None and not self.deduction:
            parts.append(f"满分 {fmt(self.full_marks)} 分")
        if self.cap is not None:
            parts.append(f"最多扣 {fmt(self.cap)} 分" if self.deduction else f"上限 {fmt(self.cap)} 分")
        return "，".join(parts)

    def to_data(self) -> dict[str, Any]:
        """The node as stored (decimals as strings), read back by ``parse_indicators``."""
        out: dict[str, Any] = {"code": self.code, "label": self.label, "kind": self.kind}
        for key in ("points_per_unit", "cap", "full_marks"):
            value = getattr(self, key)
            if value is not None:
                out[key] = str(value)
        if self.base:
            out["base"] = str(self.base)
        if self.source:
            out["source"] = self.source
            out["per"] = self.per
        if self.unit_filter:
            out["unit_filter"] = {k: list(v) for k, v in self.unit_filter.items()}
        if self.deduction:
            out["deduction"] = True
        if self.note:
            out["note"] = self.note
        if self.children:
            out["children"] = [c.to_data() for c in self.children]
        return out


def max_points(node: Indicator) -> Decimal | None:
    """The most ``node`` can add to a total: 0 for a deduction node; otherwise the smallest of its cap,
    its full marks and what its children can earn together (plus its base); None when nothing bounds it."""
    if node.deduction:
        return ZERO
    bounds = [b for b in (node.cap, node.full_marks) if b is not None]
    if node.children:
        below = [max_points(c) for c in node.children]
        if all(b is not None for b in below):
            bounds.append(node.base + sum((b for b in below if b is not None), ZERO))
    return min(bounds) if bounds else None


@dataclass(frozen=True)
class TreeNode:
    indicator: Indicator
    parent_code: str
    depth: int


@dataclass(frozen=True)
class SchemeTree:
    """A scheme version's indicators: its parts, whose full marks add up to ``total``."""

    total: Decimal
    parts: tuple[Indicator, ...]

    def walk(self) -> Iterator[TreeNode]:
        """Every node, parents before children, in the scheme's order."""

        def visit(node: Indicator, parent: str, depth: int) -> Iterator[TreeNode]:
            yield TreeNode(node, parent, depth)
            for child in node.children:
                yield from visit(child, node.code, depth + 1)

        for part in self.parts:
            yield from visit(part, "", 0)

    def find(self, code: str) -> Indicator | None:
        return next((n.indicator for n in self.walk() if n.indicator.code == code), None)

    def path_to(self, code: str) -> list[Indicator]:
        """From the part down to the node ``code`` (empty when there is no such node)."""

        def search(node: Indicator, trail: list[Indicator]) -> list[Indicator]:
            trail = [*trail, node]
            if node.code == code:
                return trail
            for child in node.children:
                found = search(child, trail)
                if found:
                    return found
            return []

        for part in self.parts:
            found = search(part, [])
            if found:
                return found
        return []

    def sources(self) -> set[str]:
        return {n.indicator.source for n in self.walk() if n.indicator.source}

    def to_data(self) -> list[dict[str, Any]]:
        return [p.to_data() for p in self.parts]


# --- computing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointAdjustment:
    """A manual adjustment (人工调整) of one indicator, with its reason."""

    code: str
    points: Decimal
    reason: str = ""
    made_by: str = ""


@dataclass(frozen=True)
class CountedFact:
    """A fact that counted on a line: its units and the points they earned before bounds."""

    fact: Fact
    units: Decimal
    points: Decimal


@dataclass
class Line:
    """The result for one indicator: how many units, the points before and after bounds, and why."""

    indicator: Indicator
    parent_code: str
    depth: int
    units: Decimal = ZERO
    raw: Decimal = ZERO  # base + units × points_per_unit (leaf) or base + Σ children, before bounds
    adjustment: Decimal = ZERO
    points: Decimal = ZERO
    unclamped: Decimal = ZERO  # the value the last bound was applied to
    notes: list[str] = field(default_factory=list)
    facts: list[CountedFact] = field(default_factory=list)
    adjustments: list[PointAdjustment] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def limited(self) -> bool:
        """A bound (cap, full marks, floor) changed the points."""
        return bool(self.notes)


@dataclass
class Result:
    lines: list[Line]
    total: Decimal

    def line(self, code: str) -> Line:
        return next(line for line in self.lines if line.code == code)

    @property
    def parts(self) -> list[Line]:
        return [line for line in self.lines if line.depth == 0]


def _bound(node: Indicator, value: Decimal, *, adjusted: bool) -> tuple[Decimal, str | None]:
    prefix = "调整后" if adjusted else ""
    upper, lower = node.upper, node.lower
    if upper is not None and value > upper:
        if node.deduction:
            return upper, f"{prefix}扣分项不加分，按 0 分计"
        if node.cap is not None and node.cap == upper:
            return upper, f"{prefix}已达上限 {fmt(upper)} 分"
        return upper, f"{prefix}已达满分 {fmt(upper)} 分"
    if lower is not None and value < lower:
        if node.deduction:
            return lower, f"{prefix}已达扣分上限 {fmt(-lower)} 分"
        return lower, f"{prefix}扣完为止，不低于 0 分"
    return value, None


def compute(tree: SchemeTree, facts: Iterable[Fact], adjustments: Sequence[PointAdjustment] = (), *,
            start: datetime.date | None = None, end: datetime.date | None = None) -> Result:
    """Lines (parents before children) and the total for one subject's ``facts`` and ``adjustments``.

    Facts dated outside [start, end] are ignored; an adjustment of a code not in the tree is an error.
    """
    by_source: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if (start is None or fact.on >= start) and (end is None or fact.on <= end):
            by_source[fact.source].append(fact)
    by_code: dict[str, list[PointAdjustment]] = defaultdict(list)
    known = {n.indicator.code for n in tree.walk()}
    for adj in adjustments:
        if adj.code not in known:
            raise ValueError(f"指标 {adj.code} 不在方案中")
        by_code[adj.code].append(adj)
    lines: list[Line] = []

    def visit(node: Indicator, parent: str, depth: int) -> Line:
        line = Line(node, parent, depth)
        lines.append(line)
        if node.children:
            line.raw = node.base + sum((visit(c, node.code, depth + 1).points for c in node.children), ZERO)
        elif node.source and node.points_per_unit is not None:
            for fact in sorted(by_source[node.source], key=lambda f: (f.on, f.ref.kind, f.ref.id)):
                if node.accepts(fact):
                    units = fact.quantity if node.per == PER_QUANTITY else ONE
                    line.facts.append(CountedFact(fact, units, units * node.points_per_unit))
            line.units = sum((f.units for f in line.facts), ZERO)
            line.raw = node.base + (line.units * node.points_per_unit).quantize(CENT, ROUND_HALF_UP)
        else:
            line.raw = node.base
        line.unclamped = line.raw
        value, note = _bound(node, line.raw, adjusted=False)
        if note:
            line.notes.append(note)
        line.adjustments = by_code.get(node.code, [])
        line.adjustment = sum((a.points for a in line.adjustments), ZERO)
        if line.adjustment:
            line.unclamped = value + line.adjustment
            value, note = _bound(node, line.unclamped, adjusted=True)
            if note:
                line.notes.append(note)
        line.points = value
        return line

    parts = [visit(part, "", 0) for part in tree.parts]
    return Result(lines, sum((p.points for p in parts), ZERO))


def check_adjustment(tree: SchemeTree, facts: Sequence[Fact], adjustments: Sequence[PointAdjustment],
                     new: PointAdjustment, *, start: datetime.date | None = None,
                     end: datetime.date | None = None) -> str | None:
    """Why ``new`` cannot be made (a Chinese message naming the indicator), or None when it can.

    An adjustment is refused when a bound of its indicator, or of a node above it, would swallow
    any of it: accepted adjustments always change the total by exactly their points.
    """
    node = tree.find(new.code)
    if node is None:
        return f"指标 {new.code} 不在方案中"
    before = compute(tree, facts, adjustments, start=start, end=end)
    after = compute(tree, facts, [*adjustments, new], start=start, end=end)
    if after.total - before.total == new.points:
        return None
    for ind in reversed(tree.path_to(new.code)):
        old, now = before.line(ind.code), after.line(ind.code)
        if now.points - old.points == new.points:
            continue
        name = f"指标 {ind.code}（{ind.label}）"
        upper, lower = ind.upper, ind.lower
        if new.points > 0 and upper is not None:
            if ind.deduction:
                return f"调整后{name}将加分，扣分项最多调回 0 分（当前 {fmt(old.points)} 分）"
            bound = "上限" if ind.cap is not None and ind.cap == upper else "满分"
            room = max(upper - old.points, ZERO)
            return f"调整后{name}为 {fmt(now.unclamped)} 分，超过{bound} {fmt(upper)} 分；最多还可加 {fmt(room)} 分"
        if new.points < 0 and lower is not None:
            if ind.deduction:
                room = max(old.points - lower, ZERO)
                return (f"调整后{name}扣分 {fmt(-now.unclamped)} 分，超过扣分上限 {fmt(-lower)} 分；"
                        f"最多还可扣 {fmt(room)} 分")
            return f"调整后{name}为 {fmt(now.unclamped)} 分，低于 0 分；最多还可减 {fmt(max(old.points, ZERO))} 分"
    return f"调整后总分变化（{fmt(after.total - before.total)} 分）与调整分值（{fmt(new.points)} 分）不符"


# --- reading a scheme ------------------------------------------------------------------------------


class SchemeInvalid(ValueError):
    """A scheme file that cannot be imported; ``errors`` are (where, message), where = indicator code or field."""

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        super().__init__("；".join(m for _, m in errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class SchemeSpec:
    """A parsed scheme file: the scheme's identity and one version's tree."""

    code: str
    name: str
    subject_kind: str
    subject_type: str
    base: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    note: str
    tree: SchemeTree


_SCHEME_KEYS = {"code", "name", "subject_kind", "subject_type", "base", "valid_from", "valid_to", "total", "note",
                "indicators"}
_INDICATOR_KEYS = {"code", "label", "kind", "children", "points_per_unit", "cap", "full_marks", "base", "source",
                   "unit_filter", "per", "deduction", "note"}
MAX_CODE_LENGTH = 32


class _Reader:
    """Reads an indicator tree, collecting every error (each naming its indicator) instead of stopping."""

    def __init__(self, sources: Mapping[str, str] | None, subject_kind: str) -> None:
        self.sources = sources  # key → subject kind; None: stored data, sources not checked
        self.subject_kind = subject_kind
        self.errors: list[tuple[str, str]] = []
        self.seen: set[str] = set()

    def error(self, where: str, message: str) -> None:
        label = f"指标 {where}" if where and not where.startswith(("方案", "第")) else where
        self.errors.append((where, f"{label}：{message}"))

    def decimal(self, where: str, key: str, value: Any) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            self.error(where, f"{key} 应为数字")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.error(where, f"{key} 应为数字")
            return None
        if not number.is_finite():
            self.error(where, f"{key} 应为数字")
            return None
        if number != number.quantize(CENT):
            self.error(where, f"{key} 最多两位小数")
            return None
        return number

    def indicator(self, raw: Any, kind: str, parent: str, index: int, inherited_deduction: bool) -> Indicator | None:
        place = f"第 {index} 个部分" if not parent else f"第 {index} 个指标（{parent} 之下）"
        if not isinstance(raw, Mapping):
            self.error(place, "应为对象（含 code、label 等字段）")
            return None
        code = raw.get("code")
        if not isinstance(code, str) or not code.strip():
            self.error(place, "缺少编码 code")
            code = place
        else:
            code = code.strip()
            if len(code) > MAX_CODE_LENGTH or any(ch.isspace() for ch in code):
                self.error(code, f"编码不能含空白，最长 {MAX_CODE_LENGTH} 个字符")
        if code in self.seen:
            self.error(code, "编码重复")
        self.seen.add(code)
        unknown = set(raw) - _INDICATOR_KEYS
        if unknown:
            self.error(code, f"未知字段 {', '.join(sorted(unknown))}")
        label = raw.get("label")
        if not isinstance(label, str) or not label.strip():
            self.error(code, "缺少名称 label")
            label = ""
        given_kind = raw.get("kind", kind)
        if given_kind != kind:
            where = "顶层" if not parent else f"{parent} 之下"
            self.error(code, f"层级 kind 应为 {kind}（{where}为{KIND_LABELS[kind]}），不能为 {given_kind}")
        deduction = raw.get("deduction", inherited_deduction)
        if not isinstance(deduction, bool):
            self.error(code, "deduction 应为 true 或 false")
            deduction = inherited_deduction
        if inherited_deduction and not deduction:
            self.error(code, "扣分部分之下的指标都是扣分项，不能标为 deduction: false")
            deduction = True
        ppu = self.decimal(code, "每单位分值 points_per_unit", raw.get("points_per_unit"))
        cap = self.decimal(code, "上限 cap", raw.get("cap"))
        full_marks = self.decimal(code, "满分 full_marks", raw.get("full_marks"))
        base = self.decimal(code, "基础分 base", raw.get("base")) or ZERO
        source = raw.get("source", "")
        if not isinstance(source, str):
            self.error(code, "事实来源 source 应为文字")
            source = ""
        source = source.strip()
        per = raw.get("per", PER_FACT)
        if per not in (PER_FACT, PER_QUANTITY):
            self.error(code, "per 须为 fact（按件计）或 quantity（按数量计）")
            per = PER_FACT
        unit_filter = self.unit_filter(code, raw.get("unit_filter"))
        note = raw.get("note", "")
        if not isinstance(note, str):
            self.error(code, "说明 note 应为文字")
            note = ""
        children_raw = raw.get("children", [])
        if not isinstance(children_raw, list):
            self.error(code, "children 应为列表")
            children_raw = []
        children: list[Indicator] = []
        if children_raw and kind == SUB_ITEM:
            self.error(code, "子项之下不能再有下级指标")
        else:
            for i, child_raw in enumerate(children_raw, start=1):
                child = self.indicator(child_raw, CHILD_KIND.get(kind, SUB_ITEM), code, i, deduction)
                if child is not None:
                    children.append(child)

        if cap is not None and cap <= 0:
            self.error(code, "上限 cap 须为正数")
        if kind == PART:
            if deduction:
                if full_marks not in (None, ZERO):
                    self.error(code, "扣分部分（负面清单）的满分 full_marks 须为 0")
                full_marks = ZERO
            elif full_marks is None:
                self.error(code, "部分须填写满分 full_marks")
            elif full_marks < 0:
                self.error(code, "满分 full_marks 须不小于 0")
        elif full_marks is not None:
            self.error(code, "只有部分（part）填写满分 full_marks，项目和子项用上限 cap")
        if children_raw and (source or ppu is not None):
            self.error(code, "有下级指标的指标不能直接计分（source、points_per_unit 只用于最下级指标）")
        if not children_raw:
            if source:
                self.check_source(code, source)
                if ppu is None or ppu == 0:
                    self.error(code, "有事实来源的指标须填写非零的每单位分值 points_per_unit")
            elif ppu is not None:
                self.error(code, "每单位分值 points_per_unit 须与事实来源 source 一同填写（无来源的指标为人工评分项）")
        if not source and (unit_filter or "per" in raw):
            self.error(code, "unit_filter、per 须与事实来源 source 一同填写")
        if ppu is not None and ppu != 0:
            if deduction and ppu > 0:
                self.error(code, "扣分项的每单位分值 points_per_unit 须为负数")
            if not deduction and ppu < 0:
                self.error(code, "每单位分值为负数的指标须标为扣分项（deduction: true）")
        if base < 0:
            self.error(code, "基础分 base 须不小于 0")
        elif base and deduction:
            self.error(code, "扣分项不能有基础分 base")
        elif cap is not None and base > cap:
            self.error(code, "基础分 base 超过上限 cap")
        return Indicator(code=code, label=label.strip(), kind=kind, children=tuple(children), points_per_unit=ppu,
                         cap=cap, full_marks=full_marks, base=base, source=source, unit_filter=unit_filter, per=per,
                         deduction=deduction, note=note.strip())

    def unit_filter(self, code: str, raw: Any) -> dict[str, tuple[str, ...]]:
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.error(code, "unit_filter 应为对象，如 {\"kind\": [\"mediation\"]}")
            return {}
        out: dict[str, tuple[str, ...]] = {}
        for key, value in raw.items():
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
                self.error(code, f"unit_filter.{key} 应为文字或文字列表")
                continue
            out[str(key)] = tuple(values)
        return out

    def check_source(self, code: str, source: str) -> None:
        if self.sources is None:
            return
        if source not in self.sources:
            self.error(code, f"未知的事实来源 {source}")
        elif self.sources[source] != self.subject_kind:
            theirs = SUBJECT_KINDS.get(self.sources[source], self.sources[source])
            ours = SUBJECT_KINDS.get(self.subject_kind, self.subject_kind)
            self.error(code, f"事实来源 {source} 的考核对象是{theirs}，与方案的考核对象（{ours}）不符")

    def tree(self, indicators: Any, total: Decimal | None) -> SchemeTree:
        parts: list[Indicator] = []
        if not isinstance(indicators, list) or not indicators:
            self.error("方案字段 indicators", "须为非空列表（各部分）")
        else:
            for i, raw in enumerate(indicators, start=1):
                part = self.indicator(raw, PART, "", i, False)
                if part is not None:
                    parts.append(part)
        if total is not None and parts and len(parts) == len(indicators):
            marks = [p.full_marks or ZERO for p in parts]
            if sum(marks, ZERO) != total:
                listing = "、".join(f"{p.code} {fmt(m)}" for p, m in zip(parts, marks, strict=True))
                self.error("方案字段 total", f"各部分满分合计 {fmt(sum(marks, ZERO))} 分（{listing}），"
                                            f"与方案总分 {fmt(total)} 分不符")
        return SchemeTree(total or ZERO, tuple(parts))


def _date(reader: _Reader, key: str, value: Any, *, required: bool) -> datetime.date | None:
    if value is None or value == "":
        if required:
            reader.error(f"方案字段 {key}", "必填（YYYY-MM-DD）")
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        reader.error(f"方案字段 {key}", "应为日期（YYYY-MM-DD）")
        return None


def parse_scheme(data: Mapping[str, Any], *, sources: Mapping[str, str]) -> SchemeSpec:
    """Validate a scheme file's content (see docs/engines/scoring.md) against the registered ``sources``
    (key → subject kind). Raises ``SchemeInvalid`` listing every error, each naming its indicator code."""
    if not isinstance(data, Mapping):
        raise SchemeInvalid([("方案", "方案：文件内容应为对象")])
    kind = data.get("subject_kind", "")
    reader = _Reader(sources, kind if isinstance(kind, str) else "")
    unknown = set(data) - _SCHEME_KEYS
    if unknown:
        reader.error("方案", f"未知字段 {', '.join(sorted(unknown))}")
    texts: dict[str, str] = {}
    for key, required in (("code", True), ("name", True), ("subject_kind", True), ("subject_type", False),
                          ("base", False), ("note", False)):
        value = data.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            reader.error(f"方案字段 {key}", "必填的文字" if required else "应为文字")
            value = ""
        texts[key] = value.strip()
    if len(texts["code"]) > 64 or any(ch.isspace() for ch in texts["code"]):
        reader.error("方案字段 code", "不能含空白，最长 64 个字符")
    if texts["subject_kind"] and texts["subject_kind"] not in SUBJECT_KINDS:
        reader.error("方案字段 subject_kind", "须为 org（机构）、person（人员）或 case（案件）")
    valid_from = _date(reader, "valid_from", data.get("valid_from"), required=True)
    valid_to = _date(reader, "valid_to", data.get("valid_to"), required=False)
    if valid_from and valid_to and valid_to <= valid_from:
        reader.error("方案字段 valid_to", "须晚于 valid_from")
    total = reader.decimal("方案字段 total", "总分 total", data.get("total"))
    if data.get("total") is None:
        reader.error("方案字段 total", "必填（方案总分，如 1000）")
    elif total is not None and total <= 0:
        reader.error("方案字段 total", "总分须为正数")
        total = None
    tree = reader.tree(data.get("indicators"), total)
    if reader.errors:
        raise SchemeInvalid(reader.errors)
    assert valid_from is not None  # noqa: S101 (an error above otherwise)
    return SchemeSpec(code=texts["code"], name=texts["name"], subject_kind=texts["subject_kind"],
                      subject_type=texts["subject_type"], base=texts["base"], valid_from=valid_from,
                      valid_to=valid_to, note=texts["note"], tree=tree)


def parse_indicators(data: Sequence[Mapping[str, Any]], total: Decimal) -> SchemeTree:
    """Read a stored tree back (``SchemeTree.to_data``); it was validated on import."""
    reader = _Reader(None, "")
    tree = reader.tree(list(data), total)
    if reader.errors:
        raise SchemeInvalid(reader.errors)
    return tree
