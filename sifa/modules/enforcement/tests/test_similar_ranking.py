"""类案检索: ranking (BM25 + bonuses), scope and masking, distribution and the 裁量 warning, the decide
guard through E's service (《行政处罚法》第三十四条 裁量基准, platform policy)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from sifa.core.audit.models import AuditEvent
from sifa.core.cases.errors import GuardFailed
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.testing import actor_for
from sifa.modules.enforcement import similar, similar_services
from sifa.modules.enforcement.config import override_config
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.tests.penalty_factories import body_of, move, new_case, to_concluded
from sifa.modules.enforcement.tests.similar_factories import decided_case, devset_facts

pytestmark = pytest.mark.django_db
D = datetime.date
M = Decimal


def _query(facts: str, **kw: object) -> similar.Query:
    base = {"power_item_id": None, "power_item_name": "", "articles": frozenset(), "circumstance": ""}
    base.update(kw)
    return similar.Query(facts=facts, **base)  # type: ignore[arg-type]


def _outside_org() -> Org:
    me = actor_for("officer").org
    assert me is not None
    return Org.objects.exclude(path__startswith=me.path).exclude(pk__in=[o.pk for o in me.ancestors()] if hasattr(
        me, "ancestors") else []).filter(parent__isnull=False).order_by("-path").first()  # type: ignore[return-value]


def test_same_violation_closed_case_ranks_above_other_violations() -> None:
    # given closed cases of several violations (devset facts), one of them the query's violation (占道经营)
    # (grade 2 of the dev set: same violation and circumstance class; the others differ in both)
    same = decided_case(facts=devset_facts(11, "zdjy", "refused").text, power_item=None)
    others = [decided_case(facts=devset_facts(12 + i, v, c).text, power_item=None)
              for i, (v, c) in enumerate((("lzt", "first_minor"), ("qdjz", "repeat"), ("hwgg", "cooperative"),
                                          ("qdjz", "serious")))]
    query = devset_facts(99, "zdjy", "refused")
    # when
    found = similar.similar_cases(_query(query.text), shown=200)
    keys = [s.key for s in found]
    # then the same-violation case is above every other-violation case
    assert str(same.pk) in keys
    for other in others:
        if str(other.pk) in keys:
            assert keys.index(str(same.pk)) < keys.index(str(other.pk))
    top = found[keys.index(str(same.pk))]
    assert top.text_score > 0 and top.shared_terms


def test_bonuses_for_same_item_articles_and_circumstance() -> None:
    facts = "当事人在江滨西大道人行道上堆放装修垃圾并设置围挡，占用道路约 12 平方米，影响通行。"
    plain = decided_case(facts=facts, power_item=None, cited="", circumstance="severe")
    rich = decided_case(facts=facts, cited="《城市道路管理条例》第二十七条、第四十二条", circumstance="ordinary")
    query = similar.query_of(new_case(facts=facts))
    found = {s.key: s for s in similar.similar_cases(query, shown=200)}
    a, b = found[str(plain.pk)], found[str(rich.pk)]
    assert a.text_score == b.text_score
    with override_config():
        settings = similar.settings()
    assert (a.item_bonus, a.article_bonus, a.circumstance_bonus) == (0.0, 0.0, 0.0)
    assert b.item_bonus == settings["w_item"] and b.circumstance_bonus == settings["w_circumstance"]
    assert b.article_bonus == pytest.approx(settings["w_articles"])  # identical article sets: Jaccard 1
    assert b.score > a.score
    keys = list(found)
    assert keys.index(str(rich.pk)) < keys.index(str(plain.pk))
    with override_config(similar={"w_item": 0, "w_articles": 0, "w_circumstance": 0}):
        again = {s.key: s for s in similar.similar_cases(query, shown=200)}
    assert again[str(rich.pk)].score == again[str(plain.pk)].score


def test_out_of_scope_results_are_masked_summaries_without_a_link() -> None:
    # given a case of another county whose facts name the party and an ID number
    outside = _outside_org()
    facts = "当事人王大锤（身份证号 330183199001011234，电话 13912345678）在富闲路人行道设摊经营烧烤。"
    far = decided_case(outside, facts=facts)
    far.party_name = "王大锤"
    far.save(update_fields=["party_name"])
    near = decided_case(facts="当事人在富闲路人行道设摊经营烧烤，经劝阻仍未撤离。")
    # when the officer of 富阳 ranks similar cases
    found = {s.key: s for s in similar.similar_cases(_query("富闲路人行道设摊经营烧烤"), actor=actor_for("officer"),
                                                     shown=200)}
    # then both appear (province-wide), the far one without link and masked
    assert found[str(near.pk)].case_id == near.pk
    shown = found[str(far.pk)]
    assert shown.case_id is None and shown.source_org
    assert "王大锤" not in shown.facts and "大锤" not in shown.facts
    assert "330183199001011234" not in shown.facts and "13912345678" not in shown.facts


def test_mask_facts() -> None:
    text = "当事人张三、杭州某某餐饮店（经营者李四）统一社会信用代码 91330183MA2B3C4D5E，手机 13800001111。"
    out = similar.mask_facts(text, ["当事人张三"])
    assert "张三" not in out and "李四" not in out and "91330183MA2B3C4D5E" not in out and "13800001111" not in out


def test_percentiles_and_quantiles() -> None:
    amounts = [M(100), M(200), M(300), M(400), M(500)]
    assert similar.percentile_of(amounts, M(300)) == 50.0
    assert similar.percentile_of(amounts, M(50)) == 0.0
    assert similar.percentile_of(amounts, M(900)) == 100.0
    assert similar.quantile(amounts, 50) == M(300)
    assert similar.quantile(amounts, 25) == M(200)
    assert similar.quantile([M(100), M(200)], 50) == M(150)


def _fake(amounts: list[int]) -> list[similar.SimilarCase]:
    return [similar.SimilarCase(key=str(i), source="case", source_org="x", number="", decided_on=None, outcome="",
                                amount=M(a), facts="", power_item="", circumstance="") for i, a in enumerate(amounts)]


def test_warning_rules_range_and_outlier() -> None:
    detail = new_case()  # CF-003, 一般, 公民: 裁量基准 500 至 5000 元 (demo rules)
    assert similar.discretion_of(detail) == (M(500), M(5000))
    # inside the range, in the middle of the similar amounts → no warning
    dist = similar.distribution(detail, M(1000), _fake([800, 900, 1000, 1100, 1200]))
    assert dist.warnings == [] and dist.percentile == 50.0 and dist.quantiles[50] == M(1000)
    # outside the range → range warning citing 第三十四条
    dist = similar.distribution(detail, M(8000), _fake([800, 900, 1000, 1100, 1200]))
    keys = [k for k, _ in dist.warnings]
    assert keys == ["range:8000.00", "outlier:8000.00"]
    assert "第三十四条" in dist.warnings[0][1] and "500.00 至 5,000.00" in dist.warnings[0][1]
    # an outlier needs at least min_comparable amounts
    dist = similar.distribution(detail, M(4900), _fake([800, 900, 1000, 1100]))
    assert dist.warnings == []
    dist = similar.distribution(detail, M(4900), _fake([800, 900, 1000, 1100, 1200]))
    assert [k for k, _ in dist.warnings] == ["outlier:4900.00"] and "高于" in dist.warnings[0][1]
    with override_config(similar={"min_comparable": 10}):
        assert similar.distribution(detail, M(4900), _fake([800, 900, 1000, 1100, 1200])).warnings == []
    # below the 5th percentile
    dist = similar.distribution(detail, M(500), _fake([800, 900, 1000, 1100, 1200]))
    assert [k for k, _ in dist.warnings] == ["outlier:500.00"] and "低于" in dist.warnings[0][1]


def _at_decision(amount: str) -> PenaltyCase:
    detail = to_concluded(new_case())
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 9, 1), proposed_types=["fine"],
                  proposed_amount=amount)
    return move(detail, "waive_hearing", waived_on=D(2025, 9, 2))


def test_decide_refused_until_the_warning_is_answered() -> None:
    # given a proposal above the 裁量基准 (500–5000 元)
    detail = _at_decision("8000")
    assert similar.unanswered_discretion_warnings(detail.case)
    events = AuditEvent.objects.count()
    # when deciding without an answer → refused, nothing written
    with pytest.raises(GuardFailed) as exc:
        move(detail, "decide", decided_on=D(2025, 9, 10), decision_number="裁量1", decision_types=["fine"],
             decision_amount="8000")
    assert "裁量" in exc.value.message and "第三十四条" in exc.value.message
    assert PenaltyCase.objects.get(pk=detail.pk).case.state == "hearing_waived"
    assert AuditEvent.objects.count() == events
    # an answer needs a reason; an amount without warnings cannot be answered
    with pytest.raises(ValidationFailed) as bad:
        similar_services.answer_discretion_warning(actor=actor_for("officer"), detail=detail, amount="8000", reason="")
    assert bad.value.field == "reason"
    with pytest.raises(ValidationFailed) as none:
        similar_services.answer_discretion_warning(actor=actor_for("officer"), detail=detail, amount="1000",
                                                   reason="金额在基准之内")
    assert none.value.field == "amount"
    # when answered
    answers = similar_services.answer_discretion_warning(actor=actor_for("officer"), detail=detail, amount="8000",
                                                         reason="当事人拒不改正且影响交通安全，从重处罚")
    assert answers and answers[0].key == "range:8000.00"
    assert AuditEvent.objects.filter(action=similar_services.ANSWERED).count() >= 1
    # then a different amount is still refused, the answered amount is decided and indexed
    with pytest.raises(GuardFailed):
        move(detail, "decide", decided_on=D(2025, 9, 10), decision_number="裁量1", decision_types=["fine"],
             decision_amount="9000")
    decided = move(detail, "decide", decided_on=D(2025, 9, 10), decision_number="裁量1", decision_types=["fine"],
                   decision_amount="8000")
    assert decided.case.state == "decided"
    from sifa.core.search.models import SearchDocument

    assert SearchDocument.objects.filter(kind=similar.KIND, key=str(detail.pk)).exists()


def test_decide_without_money_has_no_warning() -> None:
    detail = _at_decision("8000")
    assert move(detail, "decide", decided_on=D(2025, 9, 10), decision_number="裁量2",
                decision_types=["warning"]).case.state == "decided"


def test_body_of_demo_has_indexed_cases() -> None:
    # the demo's decided cases are indexed (similar_demo), so a new case finds similar ones
    detail = new_case()
    assert similar.similar_cases(similar.query_of(detail), actor=actor_for("officer"))
    assert body_of()
