"""The rule table (data/rules.toml): every entry loads, cites its article, and flags [NV]/[INT]."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sifa.core.deadlines import rules
from sifa.core.deadlines.periods import Kind, Unit
from sifa.core.deadlines.rules import UnknownRule, UnknownVariant, get_rule, load_rules

RULE_ID = re.compile(r"^(GEN|CC|CP|AP|AR|LA|PM|LR|FR)-\d{2}(\.[a-z0-9-]+)?$")

# The rules whose periods CASES.md computes (the cases are in test_cases.py).
USED_BY_CASES = {
    "AR-04", "AR-04.cap", "AR-05", "AR-11", "AR-12.reply", "AR-13", "AR-19", "AR-19.reply", "AR-20", "AR-20.reply",
    "AR-23", "AR-27", "AR-29", "AR-29.simple", "AR-31", "AR-31.notice", "AR-31.transfer", "AR-31.reply", "AR-38",
    "AR-38.direct", "AP-07", "AP-07.serious", "AP-19", "AP-20", "AP-20.transfer", "AP-25", "AP-25.notice", "AP-27",
    "AP-29", "AP-31", "AP-37", "AP-37.window", "CC-05", "CC-05.documents", "CC-06", "CC-17.late", "CC-19", "CC-23",
    "CC-25.absence", "CC-28.decision", "CC-28.custody", "CC-29", "CC-30", "CC-34.control", "CC-34.probation",
    "CP-03.5to10", "CP-05.under10", "CP-05.over10", "CP-15", "CP-15.life", "CP-21", "CP-24", "CP-25", "CP-26",
    "CP-26.duration", "CP-31", "CP-31.reheard", "CP-36", "LA-08", "LA-08.appoint", "LA-10", "LA-11", "LA-11.assign",
    "LA-18", "PM-12", "LR-04", "LR-05", "LR-09", "FR-02", "FR-04", "FR-06", "FR-11", "FR-12", "FR-17",
}


def test_every_rule_of_the_cases_is_in_the_table() -> None:
    assert USED_BY_CASES - set(rules.rules()) == set()


@pytest.mark.parametrize("rule_id", sorted(rules.rules()))
def test_rule_entry_is_complete(rule_id: str) -> None:
    rule = get_rule(rule_id)
    assert RULE_ID.match(rule.id)
    assert rule.article.startswith("《") and rule.title and rule.start_label
    if rule.status in ("NV", "INT", "V-local"):
        assert rule.flag, "a [NV]/[INT]/[V-local] rule must carry the flag shown to users"
    for variant in rule.variants.values():
        if variant.status in ("NV", "INT"):
            assert variant.flag
    if rule.stated is not None:
        # GEN-11: units as the law states them; no month is ever 30 days
        assert rule.stated.unit in (Unit.DAY, Unit.WORKING_DAY, Unit.MONTH, Unit.YEAR, Unit.HOUR)
    if rule.kind in (Kind.TERM, Kind.ELIGIBLE):
        assert rule.statute.criminal


def test_gen06_07_08_rules_count_working_days() -> None:
    for rule_id in ("AR-11", "AR-19.reply", "AP-19", "AP-25", "AP-37", "AP-35.freeze"):
        from sifa.core.deadlines.periods import converts_to_working_days

        rule = get_rule(rule_id)
        assert rule.stated is not None and converts_to_working_days(rule.stated, rule.statute), rule_id
    for rule_id in ("AR-29", "AP-31", "AP-27", "AP-35", "LA-11", "CC-06"):
        rule = get_rule(rule_id)
        assert rule.stated is not None and rule.stated.unit is Unit.DAY


def test_unknown_rule_and_variant_name_the_field() -> None:
    with pytest.raises(UnknownRule) as raised:
        get_rule("XX-99")
    assert raised.value.field == "rule" and "XX-99" in raised.value.message
    with pytest.raises(UnknownVariant) as variant:
        get_rule("AR-11").variant("工作日")
    assert variant.value.field == "variant"
    assert get_rule("ar-11").id == "AR-11"


def test_malformed_table_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text('[[rule]]\nid = "LA-11"\ndomain = "法律援助"\ntitle = "x"\nperiod = "七日"\nstatute = "法律援助法"\n'
                   'start = "收到之日"\narticle = "《法律援助法》第四十三条"\nstatus = "INT"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="needs a flag"):
        load_rules(bad)
