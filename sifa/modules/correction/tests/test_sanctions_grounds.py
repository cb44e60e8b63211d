"""grounds.py: pure detection of revocation / re-commitment / warning grounds and the late-report band."""

from __future__ import annotations

import datetime

import pytest

from sifa.modules.correction import grounds
from sifa.modules.correction.grounds import CaseFacts, SanctionFact, Violation

D = datetime.date


def _warning(i: int, decided: datetime.date) -> SanctionFact:
    return SanctionFact(id=i, kind="warning_sanction", status="decided", ground="CC-17.3",
                        proposed_on=decided - datetime.timedelta(days=5), occurred_on=decided - datetime.timedelta(days=7),
                        decided_on=decided, number=f"浙0111司矫警〔2025〕{i}号")


@pytest.mark.parametrize(("sentence", "code", "action"), [
    ("probation", "CC-25(2)4", "revocation"),      # C-38 (a) 撤销缓刑
    ("parole", "CC-26(2)4", "revocation"),         # C-38 (b) 撤销假释
    ("temporary_execution", "CC-30(4)", "recommitment"),  # C-38 (c) 收监执行
])
def test_c38_two_warnings_and_a_later_violation(sentence: str, code: str, action: str) -> None:
    # given two decided warnings and a missed report after the second
    facts = CaseFacts(case_id=1, sentence_type=sentence,
                      sanctions=[_warning(1, D(2025, 5, 1)), _warning(2, D(2025, 6, 1))],
                      violations=[Violation(D(2025, 6, 20), "逾期未完成报告")])
    # when
    found = grounds.detect(facts, D(2025, 7, 1), warnings_needed=2, admonitions_needed=2)
    # then the ground by sentence type, with the facts that met it
    assert [(g.code, g.action) for g in found] == [(code, action)]
    assert found[0].since == D(2025, 6, 20)
    text = "；".join(found[0].facts)
    assert "浙0111司矫警〔2025〕1号" in text and "浙0111司矫警〔2025〕2号" in text and "2025-06-20" in text


def test_c38_no_ground_without_a_violation_after_the_second_warning() -> None:
    # given two warnings; the only violation predates the second decision
    facts = CaseFacts(case_id=1, sentence_type="probation",
                      sanctions=[_warning(1, D(2025, 5, 1)), _warning(2, D(2025, 6, 1))],
                      violations=[Violation(D(2025, 5, 20), "逾期未完成报告")])
    # then nothing: "仍不改正" needs a breach after the second warning
    assert grounds.detect(facts, D(2025, 7, 1), warnings_needed=2, admonitions_needed=2) == []


def test_warnings_needed_is_configuration() -> None:
    facts = CaseFacts(case_id=1, sentence_type="probation", sanctions=[_warning(1, D(2025, 5, 1))],
                      violations=[Violation(D(2025, 6, 20), "逾期未完成报告")])
    assert grounds.detect(facts, D(2025, 7, 1), warnings_needed=2, admonitions_needed=2) == []
    assert [g.code for g in grounds.detect(facts, D(2025, 7, 1), warnings_needed=1, admonitions_needed=2)] == ["CC-25(2)4"]


def test_control_has_no_revocation_ground() -> None:
    facts = CaseFacts(case_id=1, sentence_type="control",
                      sanctions=[_warning(1, D(2025, 5, 1)), _warning(2, D(2025, 6, 1))],
                      violations=[Violation(D(2025, 6, 20), "逾期未完成报告")])
    assert grounds.detect(facts, D(2025, 7, 1), warnings_needed=2, admonitions_needed=2) == []


def test_c36_absence_ground_from_the_day_after_one_month() -> None:
    # given the report due 2025-03-13 and "超过一个月" from 2025-04-14 (rule CC-25.absence)
    facts = CaseFacts(case_id=1, sentence_type="probation", absence_start=D(2025, 3, 13),
                      absence_label="应当报到期限届满", absence_exceeded_on=D(2025, 4, 14))
    # then not on 04-13 (exactly one month), from 04-14 on
    assert grounds.detect(facts, D(2025, 4, 13), warnings_needed=2, admonitions_needed=2) == []
    found = grounds.detect(facts, D(2025, 4, 14), warnings_needed=2, admonitions_needed=2)
    assert [g.code for g in found] == ["CC-25(2)2"]
    assert "2025-04-14" in found[0].facts[1]


def test_admonitions_then_a_violation_suggest_a_warning_until_one_is_proposed() -> None:
    admonitions = [SanctionFact(i, "admonition", "decided", "CC-16.2", D(2025, i, 1), D(2025, i, 1), D(2025, i, 5))
                   for i in (3, 4)]
    facts = CaseFacts(case_id=1, sentence_type="probation", sanctions=admonitions,
                      violations=[Violation(D(2025, 5, 1), "逾期未完成教育学习")])
    found = grounds.detect(facts, D(2025, 5, 2), warnings_needed=2, admonitions_needed=2)
    assert [(g.code, g.action, g.flag) for g in found] == [("CC-17.5", "warning", "[NV]")]
    # when a warning has been proposed since, the suggestion is met
    proposed = SanctionFact(9, "warning_sanction", "proposed", "CC-17.5", D(2025, 5, 3), D(2025, 5, 1))
    facts = CaseFacts(case_id=1, sentence_type="probation", sanctions=[*admonitions, proposed],
                      violations=facts.violations)
    assert grounds.detect(facts, D(2025, 5, 4), warnings_needed=2, admonitions_needed=2) == []


@pytest.mark.parametrize(("reported", "days", "band"), [
    (D(2025, 3, 13), 0, "on_time"),
    (D(2025, 3, 20), 7, "admonition"),   # C-36: 7 days late
    (D(2025, 3, 23), 10, "admonition"),  # C-03 (a): "未超过十日" includes the tenth
    (D(2025, 3, 24), 11, "warning"),     # C-03 (b): "超过十日" from the eleventh
])
def test_c03_late_band(reported: datetime.date, days: int, band: str) -> None:
    assert grounds.late_band(D(2025, 3, 13), reported, max_days=10) == (days, band)
