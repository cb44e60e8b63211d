"""类案检索 (``similar_cases``) and the 裁量 warning for 行政处罚 cases.

Index: a case's facts are indexed under search kind ``enforcement.penalty`` (key = case id, org path =
the case's org) when it is decided (``index_penalty_case``, called by ``penalty_services`` on the
decide / on-the-spot / no-penalty steps, and by ``reindex_penalties``); an ``ImportedDecision`` under
key ``d<id>``.

Similarity = BM25 score / the top BM25 score + ``w_item`` (same power item) + ``w_articles`` × Jaccard
of the cited articles + ``w_circumstance`` (same 情节); weights in ``data/similar.toml`` (section
``[similar]``, overridable in the installation's ``SIFA_ENFORCEMENT_CONFIG``). Each result carries its
component scores and the shared terms.

Scope (a documented choice): similar cases are ranked over the WHOLE platform (the province), because
the issue asks for the source org of each similar case. Results are summaries without party identity —
no party name, the facts masked (``mask_facts``: the party's name, ID numbers, credit codes and phone
numbers) — and link to the case page only when the case is in the actor's subtree.

裁量 warning (platform policy on 《行政处罚法》第三十四条 裁量基准): the proposed amount is outside the
``DiscretionRule`` range of the case's power item + circumstance (B's ``discretion_range``), or lies
below the ``low_percentile`` / above the ``high_percentile`` of the similar cases' amounts with at least
``min_comparable`` amounts. The officer must answer each warning with a reason
(``similar_services.answer_discretion_warning``) before the decision: ``unanswered_discretion_warnings``
is called by ``penalty_workflow.decide_guard``.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sifa.core.search.index import index_documents, rank, remove_documents, terms_of
from sifa.modules.enforcement import config

if TYPE_CHECKING:
    from sifa.core.accounts.actor import Actor
    from sifa.core.cases.models import Case
    from sifa.modules.enforcement.penalty_models import PenaltyCase
    from sifa.modules.enforcement.similar_models import ImportedDecision

KIND = "enforcement.penalty"
DEFAULTS_FILE = Path(__file__).resolve().parent / "data" / "similar.toml"
DISCRETION_ARTICLE = "《行政处罚法》第三十四条"


# --- configuration --------------------------------------------------------------------------------


@functools.cache
def _defaults() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))["similar"]
    return data


def settings() -> dict[str, Any]:
    """``data/similar.toml`` merged with a ``[similar]`` section of the module configuration (override)."""
    return {**_defaults(), **config.load().get("similar", {})}


def _f(name: str) -> float:
    return float(settings()[name])


def _i(name: str) -> int:
    return int(settings()[name])


# --- masking --------------------------------------------------------------------------------------

_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}\d{7}[\dXx](?![0-9A-Za-z])")
_CREDIT = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ROLE_NAME = re.compile(r"(经营者|法定代表人|负责人|业主|户主)([\u4e00-\u9fa5]{2,3})")


def mask_facts(text: str, names: Iterable[str] = ()) -> str:
    """The facts without party identity: each given name (and its bare form after 当事人) → ×××, ID
    numbers, credit codes and mobile numbers → ***, names after 经营者/法定代表人/… → ××."""
    out = text or ""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        out = out.replace(name, "×××")
        bare = name.removeprefix("当事人")
        if bare != name and len(bare) >= 2:
            out = out.replace(bare, "×××")
    out = _ID.sub("***", out)
    out = _CREDIT.sub("***", out)
    out = _PHONE.sub("***", out)
    return _ROLE_NAME.sub(lambda m: m.group(1) + "××", out)


# --- the index ------------------------------------------------------------------------------------


def index_penalty_case(detail: PenaltyCase) -> None:
    """Index a decided case's facts (no audit event: runs inside the calling service's transaction)."""
    if detail.decided_on is None:
        return
    index_documents(KIND, [(str(detail.pk), detail.facts, detail.case.org.path)])


def index_imported(decisions: Iterable[ImportedDecision]) -> int:
    return index_documents(KIND, [(d.search_key, d.facts, d.org.path) for d in decisions])


def unindex(keys: Iterable[str]) -> int:
    return remove_documents(KIND, keys)


# --- ranking --------------------------------------------------------------------------------------


@dataclass
class SimilarCase:
    """One similar case or imported decision as shown to any actor (no party identity)."""

    key: str
    source: str  # "case" | "imported"
    source_org: str
    number: str
    decided_on: Any
    outcome: str
    amount: Decimal | None
    facts: str
    power_item: str
    circumstance: str
    remedies: list[tuple[str, str, bool]] = field(default_factory=list)  # (kind label, result label, lost)
    case_id: int | None = None  # set only when the case is in the actor's scope
    text_score: float = 0.0
    item_bonus: float = 0.0
    article_bonus: float = 0.0
    circumstance_bonus: float = 0.0
    shared_terms: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(self.text_score + self.item_bonus + self.article_bonus + self.circumstance_bonus, 4)

    @property
    def lost(self) -> bool:
        return any(lost for _, _, lost in self.remedies)


@dataclass(frozen=True)
class Query:
    """What the current case is compared on."""

    facts: str
    power_item_id: int | None
    power_item_name: str
    articles: frozenset[Any]
    circumstance: str
    exclude: str = ""


def _articles(text: str) -> frozenset[Any]:
    from sifa.core.laws.citations import parse_citations

    return frozenset(parse_citations(text or ""))


def query_of(detail: PenaltyCase) -> Query:
    return Query(facts=detail.facts, power_item_id=detail.power_item_id,
                 power_item_name=detail.power_item.name if detail.power_item else "",
                 articles=_articles(detail.cited_articles), circumstance=detail.circumstance, exclude=str(detail.pk))


def _jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _outcome_label(types: Sequence[str], amount: Decimal | None, no_penalty_reason: str = "") -> str:
    from sifa.modules.enforcement.choices import PenaltyType

    if not types:
        return "不予行政处罚" + (f"（{no_penalty_reason}）" if no_penalty_reason else "")
    labels = dict(PenaltyType.choices)
    text = "、".join(labels.get(t, t) for t in types)
    return text + (f" {amount:,.2f} 元" if amount is not None else "")


def _circ_label(code: str) -> str:
    from sifa.modules.enforcement.choices import Circumstance

    return dict(Circumstance.choices).get(code, code)


def similar_cases(query: Query, *, actor: Actor | None = None, shown: int | None = None) -> list[SimilarCase]:
    """The decided cases and imported decisions most similar to ``query``, best first (see the module
    docstring for the score and the scope choice). ``actor`` decides which results link to a case."""
    from sifa.modules.enforcement.outcome_models import LOSSES, RemedyOutcome
    from sifa.modules.enforcement.penalty_models import PenaltyCase
    from sifa.modules.enforcement.similar_models import ImportedDecision

    hits = [(k, s) for k, s in rank(KIND, query.facts, k=_i("candidates") + 1) if k != query.exclude]
    if not hits:
        return []
    top = hits[0][1] or 1.0
    case_ids = [int(k) for k, _ in hits if k.isdigit()]
    imported_ids = [int(k[1:]) for k, _ in hits if k.startswith("d") and k[1:].isdigit()]
    cases = {str(c.pk): c for c in PenaltyCase.objects.filter(pk__in=case_ids)
             .select_related("case", "body", "power_item", "person", "entity")}
    imported = {d.search_key: d for d in ImportedDecision.objects.filter(pk__in=imported_ids)}
    remedies: dict[str, list[tuple[str, str, bool]]] = {}
    for o in RemedyOutcome.objects.filter(case_id__in=case_ids).order_by("decided_on", "id"):
        remedies.setdefault(str(o.case_id), []).append((o.get_kind_display(), o.get_result_display(), o.result in LOSSES))
    for o in RemedyOutcome.objects.filter(imported_id__in=imported_ids).order_by("decided_on", "id"):
        remedies.setdefault(f"d{o.imported_id}", []).append((o.get_kind_display(), o.get_result_display(),
                                                             o.result in LOSSES))
    in_scope: set[int] = set()
    if actor is not None and actor.has_perm("enforcement.cases.view"):
        in_scope = set(PenaltyCase.objects.visible_to(actor).filter(pk__in=case_ids).values_list("pk", flat=True))
    query_terms = set(terms_of(query.facts))
    w_item, w_art, w_circ = _f("w_item"), _f("w_articles"), _f("w_circumstance")
    out: list[SimilarCase] = []
    for key, bm25 in hits:
        if key in cases:
            c = cases[key]
            names = [c.party_name] + ([c.person.name] if c.person else []) + ([c.entity.name] if c.entity else [])
            item = SimilarCase(
                key=key, source="case", source_org=c.body.name, number=c.decision_number, decided_on=c.decided_on,
                outcome=_outcome_label(c.decision_types, c.decision_amount, c.no_penalty_reason),
                amount=c.decision_amount if c.monetary else None, facts=mask_facts(c.facts, names),
                power_item=c.power_item.name if c.power_item else "", circumstance=_circ_label(c.circumstance),
                case_id=c.pk if c.pk in in_scope else None)
            same_item = query.power_item_id is not None and c.power_item_id == query.power_item_id
            articles, circ = _articles(c.cited_articles), c.circumstance
        elif key in imported:
            d = imported[key]
            item = SimilarCase(
                key=key, source="imported", source_org=d.source_org, number=d.number, decided_on=d.decided_on,
                outcome=d.outcome or _outcome_label(d.penalty_types, d.amount), amount=d.amount,
                facts=mask_facts(d.facts), power_item=d.power_item, circumstance=_circ_label(d.circumstance))
            same_item = bool(query.power_item_name) and d.power_item.strip() == query.power_item_name.strip()
            articles, circ = _articles(d.cited_articles), d.circumstance
        else:
            continue  # indexed row gone (deleted): skip
        item.remedies = remedies.get(key, [])
        item.text_score = round(bm25 / top, 4)
        item.item_bonus = w_item if same_item else 0.0
        item.article_bonus = round(w_art * _jaccard(query.articles, articles), 4)
        item.circumstance_bonus = w_circ if query.circumstance and circ == query.circumstance else 0.0
        shared = query_terms & set(terms_of(item.facts))
        item.shared_terms = sorted(shared, key=lambda t: (-len(t), t))[:8]
        out.append(item)
    out.sort(key=lambda s: (-s.score, s.key))
    return out[: shown if shown is not None else _i("shown")]


# --- distribution and the 裁量 warning --------------------------------------------------------------


def percentile_of(amounts: Sequence[Decimal], value: Decimal) -> float:
    """Percent rank of ``value`` among ``amounts``: (below + ½ equal) / n × 100."""
    if not amounts:
        return 50.0
    below = sum(1 for a in amounts if a < value)
    equal = sum(1 for a in amounts if a == value)
    return round(100.0 * (below + 0.5 * equal) / len(amounts), 1)


def quantile(amounts: Sequence[Decimal], p: float) -> Decimal:
    """Linear-interpolated p-th percentile (0–100) of ``amounts`` (non-empty)."""
    ordered = sorted(amounts)
    pos = (len(ordered) - 1) * p / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    frac = Decimal(str(round(pos - lo, 6)))
    return (ordered[lo] + (ordered[hi] - ordered[lo]) * frac).quantize(Decimal("0.01"))


@dataclass
class Distribution:
    """Where an amount sits among the similar cases' amounts and in the 裁量基准 range."""

    amount: Decimal | None
    amounts: list[Decimal]
    quantiles: dict[int, Decimal]
    percentile: float | None
    discretion: tuple[Decimal, Decimal] | None
    warnings: list[tuple[str, str]]  # (key, text)

    @property
    def comparable(self) -> int:
        return len(self.amounts)


def _money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def discretion_of(detail: PenaltyCase) -> tuple[Decimal, Decimal] | None:
    from sifa.modules.enforcement.rules import discretion_range

    if detail.power_item is None or not detail.circumstance:
        return None
    return discretion_range(detail.power_item, detail.circumstance, detail.party_type)


def distribution(detail: PenaltyCase, amount: Decimal | None, similar: Sequence[SimilarCase]) -> Distribution:
    """The amounts of the first ``distribution_n`` similar cases with a fine, their quartiles, the
    amount's percentile, the 裁量基准 range and the warnings (keys ``range:<amount>``, ``outlier:<amount>``)."""
    amounts = [s.amount for s in similar[: _i("distribution_n")] if s.amount is not None]
    quantiles = {p: quantile(amounts, p) for p in (5, 25, 50, 75, 95)} if amounts else {}
    rng = discretion_of(detail)
    warnings: list[tuple[str, str]] = []
    pct = None
    if amount is not None:
        amount = amount.quantize(Decimal("0.01"))
        pct = percentile_of(amounts, amount) if amounts else None
        if rng is not None and not (rng[0] <= amount <= rng[1]):
            warnings.append((f"range:{amount}", (
                f"拟罚款 {amount:,.2f} 元超出本事项「{_circ_label(detail.circumstance)}」情节的裁量基准 "
                f"{rng[0]:,.2f} 至 {rng[1]:,.2f} 元，须说明理由（{DISCRETION_ARTICLE} 裁量基准）")))
        low, high, need = _f("low_percentile"), _f("high_percentile"), _i("min_comparable")
        if pct is not None and len(amounts) >= need and (pct < low or pct > high):
            side = "低于" if pct < low else "高于"
            warnings.append((f"outlier:{amount}", (
                f"拟罚款 {amount:,.2f} 元{side}{len(amounts)} 件类案罚款的 {low if pct < low else high:g}% 分位"
                f"（处于第 {pct:g} 百分位，中位数 {quantiles[50]:,.2f} 元），须说明理由（{DISCRETION_ARTICLE} 裁量基准）")))
    return Distribution(amount=amount, amounts=amounts, quantiles=quantiles, percentile=pct, discretion=rng,
                        warnings=warnings)


def amount_under_review(detail: PenaltyCase) -> Decimal | None:
    """The amount the warnings are about: the decided amount once decided, else the proposed one."""
    if detail.decided_on is not None:
        return detail.decision_amount if detail.monetary else None
    return detail.proposed_amount


def open_warnings(detail: PenaltyCase, amount: Decimal | None) -> list[tuple[str, str, Any]]:
    """(key, text, answer or None) for each warning on ``amount``."""
    from sifa.modules.enforcement.similar_models import DiscretionAnswer

    if amount is None:
        return []
    found = distribution(detail, amount, similar_cases(query_of(detail))).warnings
    answers = {a.key: a for a in DiscretionAnswer.objects.filter(case=detail, key__in=[k for k, _ in found])}
    return [(k, text, answers.get(k)) for k, text in found]


def unanswered_discretion_warnings(case: Case, data: Mapping[str, Any] | None = None) -> list[str]:
    """The 裁量 warnings without an answer, for the decide guard (platform policy on 裁量基准,
    《行政处罚法》第三十四条). With ``data`` (the decide step's data) the amount is its
    ``decision_amount`` (none → no money, no warning); without, the case's proposed amount."""
    from sifa.modules.enforcement.penalty_models import PenaltyCase

    detail = PenaltyCase.objects.filter(pk=case.pk).select_related("case", "case__org", "body", "power_item").first()
    if detail is None:
        return []
    amount = _money(data.get("decision_amount")) if data is not None else detail.proposed_amount
    return [text for _, text, answer in open_warnings(detail, amount) if answer is None]
