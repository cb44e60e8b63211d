"""rules.py: AP-12 / AP-42 officer checks, the AP-42 five-year default, AP-24 hearing right (C-34), discretion ranges."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from sifa.modules.enforcement.choices import PenaltyType
from sifa.modules.enforcement.config import override_config
from sifa.modules.enforcement.errors import OfficersNotQualified
from sifa.modules.enforcement.rules import (
    assignment_problems,
    check_case_officers,
    default_valid_until,
    discretion_range,
    hearing_required,
    hearing_threshold_issuer,
)
from sifa.modules.enforcement.tests.factories import (
    demo_body,
    make_body,
    make_item,
    make_officer,
    make_rule,
)

D = datetime.date
ON = D(2026, 3, 1)
pytestmark = pytest.mark.django_db


def test_ap42_validity_defaults_to_five_years() -> None:
    # AP-42 《浙江省综合行政执法条例》第二十八条第二款: 五年内有效
    assert default_valid_until(D(2024, 3, 1)) == D(2029, 2, 28)
    assert default_valid_until(D(2024, 2, 29)) == D(2029, 2, 28)
    assert default_valid_until(D(2025, 1, 1)) == D(2029, 12, 31)


def test_ap42_validity_years_are_configuration() -> None:
    with override_config(certificates={"valid_years": 3}):
        assert default_valid_until(D(2024, 3, 1)) == D(2027, 2, 28)


def _officer(**fields: object) -> object:
    return make_officer(demo_body(), valid_from=fields.pop("valid_from", D(2024, 1, 1)), **fields)  # type: ignore[arg-type]


def test_valid_officer_has_no_problems() -> None:
    officer = _officer()
    assert assignment_problems(officer, on=ON) == []  # type: ignore[arg-type]


def test_ap12_expired_not_yet_valid_suspended_revoked() -> None:
    expired = _officer(valid_until=D(2026, 2, 28))
    future = _officer(valid_from=D(2026, 4, 1))
    suspended = _officer(status="suspended")
    revoked = _officer(status="revoked")
    assert any("已过期" in p and "AP-12" in p for p in assignment_problems(expired, on=ON))  # type: ignore[arg-type]
    assert any("尚未生效" in p for p in assignment_problems(future, on=ON))  # type: ignore[arg-type]
    assert any("已暂扣" in p for p in assignment_problems(suspended, on=ON))  # type: ignore[arg-type]
    assert any("已注销" in p for p in assignment_problems(revoked, on=ON))  # type: ignore[arg-type]


def test_ap42_last_day_of_validity_still_valid() -> None:
    officer = _officer(valid_until=ON)
    assert assignment_problems(officer, on=ON) == []  # type: ignore[arg-type]


def test_ap42_auxiliary_may_never_enforce() -> None:
    officer = _officer(is_auxiliary=True)
    problems = assignment_problems(officer, on=ON)  # type: ignore[arg-type]
    assert problems and "辅助人员不得从事执法" in problems[0] and "AP-42" in problems[0]


def test_ap12_certificate_scope_must_cover_the_item_field() -> None:
    body = demo_body()
    item = make_item(body, field="ecology_environment")
    officer = make_officer(body, scope=["city_appearance"], valid_from=D(2024, 1, 1))
    problems = assignment_problems(officer, power_item=item, on=ON)
    assert problems == [f"{officer.person.name}：执法证范围不含该事项领域「生态环境」（AP-12、AP-42）"]


def test_ap04_officer_of_another_body_is_refused_but_an_entrusted_one_is_not() -> None:
    body = demo_body()
    item = make_item(body)
    stranger = make_officer(make_body(), valid_from=D(2024, 1, 1))
    entrusted = make_body(kind="entrusted_organisation", entrusted_by=body, entrustment_until=D(2027, 1, 1))
    agent = make_officer(entrusted, valid_from=D(2024, 1, 1))
    assert any("不属于该事项的执法主体" in p for p in assignment_problems(stranger, power_item=item, on=ON))
    assert assignment_problems(agent, power_item=item, on=ON) == []


def test_ap12_one_valid_and_one_expired_officer_are_refused() -> None:
    # given: AP-12 — 《行政处罚法》第四十二条 不得少于两人
    body = demo_body()
    item = make_item(body)
    valid = make_officer(body, valid_from=D(2024, 1, 1))
    expired = make_officer(body, valid_from=D(2020, 1, 1), valid_until=D(2025, 12, 31))
    # when / then
    with pytest.raises(OfficersNotQualified) as exc:
        check_case_officers([valid, expired], item, ON)
    assert exc.value.field == "officers"
    assert "已过期" in exc.value.message and expired.person.name in exc.value.message


def test_ap12_two_valid_officers_pass_and_one_alone_or_twice_is_refused() -> None:
    body = demo_body()
    item = make_item(body)
    a = make_officer(body, valid_from=D(2024, 1, 1))
    b = make_officer(body, valid_from=D(2024, 1, 1))
    check_case_officers([a, b], item, ON)
    for team in ([a], [a, a], []):
        with pytest.raises(OfficersNotQualified, match="不得少于 2 人"):
            check_case_officers(team, item, ON)


def test_ap42_auxiliary_in_team_is_refused() -> None:
    body = demo_body()
    a = make_officer(body, valid_from=D(2024, 1, 1))
    b = make_officer(body, valid_from=D(2024, 1, 1))
    helper = make_officer(body, valid_from=D(2024, 1, 1), is_auxiliary=True)
    with pytest.raises(OfficersNotQualified, match="辅助人员"):
        check_case_officers([a, b, helper], None, ON)


def test_ap12_out_of_scope_field_in_team_is_refused() -> None:
    body = demo_body()
    item = make_item(body, field="transport")
    a = make_officer(body, valid_from=D(2024, 1, 1), scope=["transport"])
    b = make_officer(body, valid_from=D(2024, 1, 1), scope=["city_appearance"])
    with pytest.raises(OfficersNotQualified, match="执法证范围不含该事项领域「交通运输」"):
        check_case_officers([a, b], item, ON)


# --- AP-24 hearing right (C-34) ---------------------------------------------------------------------


@pytest.mark.parametrize(("case", "penalty_type", "expected"), [
    ("a 吊销律师执业证书", PenaltyType.REVOKE_LICENCE, True),
    ("b 警告", PenaltyType.WARNING, False),
    ("c 责令停业", PenaltyType.ORDER_SUSPENSION, True),
])
def test_c34_hearing_right(case: str, penalty_type: str, expected: bool) -> None:
    # C-34 · AP-24: 《行政处罚法》第六十三条第一款第三项、第四项
    assert hearing_required(penalty_type, None, "organisation", demo_body()) is expected


@pytest.mark.parametrize("penalty_type", ["lower_qualification", "order_closure", "restrict_practice"])
def test_ap24_always_heard_types(penalty_type: str) -> None:
    assert hearing_required(penalty_type, None, "citizen", None)


def test_ap24_fine_thresholds_per_party_type_and_issuer() -> None:
    # given: the example thresholds (config, [INT]): 33 → 10,000 citizen / 100,000 organisation
    body = demo_body()
    # then
    assert not hearing_required("fine", Decimal("9999.99"), "citizen", body)
    assert hearing_required("fine", 10000, "citizen", body)
    assert not hearing_required("fine", 50000, "organisation", body)
    assert hearing_required("fine", 100000, "organisation", body)
    assert hearing_required("confiscate_illegal_gains", 20000, "citizen", body)
    assert not hearing_required("fine", None, "citizen", body)
    # a field-specific issuer wins over the regional one
    assert not hearing_required("fine", 20000, "citizen", body, field="ecology_environment")
    assert "生态环境" in hearing_threshold_issuer(body, field="ecology_environment")


def test_ap24_thresholds_are_configuration() -> None:
    thresholds = [{"issuer": "本省规定", "region": "", "field": "", "citizen": 5000, "organisation": 50000}]
    with override_config(hearing={"threshold": thresholds, "heavier": ["administrative_detention"]}):
        assert hearing_required("fine", 5000, "citizen", None)
        assert hearing_required("administrative_detention", None, "citizen", None)
    assert not hearing_required("administrative_detention", None, "citizen", None)


def test_ap24_unknown_type_is_an_error() -> None:
    with pytest.raises(ValueError, match="未知的处罚种类"):
        hearing_required("shaming", None, "citizen", None)


def test_ap01_penalty_types_are_exactly_article_nine() -> None:
    # AP-01: 《行政处罚法》第九条 (一)…(六)
    from pathlib import Path

    text = (Path("/work/shared/laws") / "行政处罚法.md").read_text(encoding="utf-8")
    article = text[text.index("第九条"):text.index("第十条")]
    for label in PenaltyType.labels:
        assert label in article
    assert len(PenaltyType.values) == 14


# --- discretion ranges ------------------------------------------------------------------------------


def test_discretion_range_prefers_the_exact_party_type() -> None:
    item = make_item(demo_body())
    make_rule(item, "ordinary", min_amount=500, max_amount=5000, party_type="citizen")
    make_rule(item, "ordinary", min_amount=2000, max_amount=10000, party_type="organisation")
    make_rule(item, "serious", min_amount=10000, max_amount=20000, party_type="any")
    make_rule(item, "slight", penalty_type="warning", min_amount=None, max_amount=None)
    make_rule(item, "severe", min_amount=1, max_amount=2, active=False)
    assert discretion_range(item, "ordinary", "citizen") == (Decimal(500), Decimal(5000))
    assert discretion_range(item, "ordinary", "organisation") == (Decimal(2000), Decimal(10000))
    assert discretion_range(item, "serious", "citizen") == (Decimal(10000), Decimal(20000))
    assert discretion_range(item, "slight", "citizen", penalty_type="warning") is None
    assert discretion_range(item, "severe", "citizen") is None
    assert discretion_range(item, "ordinary", "any") is None
