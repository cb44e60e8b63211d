"""``sifa deadline``: the due date (ISO) on the first line; ``--explain`` adds steps and citations."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sifa.cli import COMMANDS

pytestmark = pytest.mark.django_db


def _run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue().splitlines()


def test_rule_prints_the_due_date_alone() -> None:
    assert _run("--rule", "AR-11", "--start", "2025-09-28") == ["2025-10-11"]


def test_bare_period_prints_the_due_date() -> None:
    assert _run("--start", "2025-09-28", "--period", "5工作日") == ["2025-10-11"]


def test_explain_adds_steps_and_citations() -> None:
    lines = _run("--rule", "AR-11", "--start", "2025-09-28", "--explain")
    text = "\n".join(lines)
    assert lines[0] == "2025-10-11"
    assert "《行政复议法》第三十条第一款、第八十八条第二款" in text
    assert "GEN-07" in text and "10-11调休上班(5)" in text


def test_flagged_rule_and_variant_and_custody_credit() -> None:
    lines = _run("--rule", "LA-11", "--start", "2025-09-30", "--variant", "工作日", "--explain")
    assert lines[0] == "2025-10-16" and any(line.startswith("注意 [INT]") for line in lines)
    assert _run("--rule", "CC-34.control", "--start", "2025-04-01", "--period", "1年", "--custody-days", "45") == ["2025-12-31"]


def test_extension_and_suspension_options() -> None:
    assert _run("--rule", "AR-29", "--start", "2025-12-01", "--extend", "三十日", "--reason", "复杂",
                "--approver", "负责人") == ["2026-03-02"]
    assert _run("--rule", "AR-04", "--start", "2025-03-15", "--suspend", "2025-04-01~2025-04-10") == ["2025-05-26"]


@pytest.mark.parametrize(("args", "message"), [
    (("--rule", "XX-99", "--start", "2025-09-28"), "未知的期限规则：XX-99"),
    (("--rule", "AR-11", "--start", "2027-03-01"), "缺少 2027 年节假日安排"),
    (("--start", "2025-09-28", "--period", "5周"), "（参数 --period）"),
])
def test_errors_are_chinese_and_name_the_option(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError) as raised:
        _run(*args)
    assert message in str(raised.value)
    assert "（参数 --" in str(raised.value)


def test_list_shows_rules_with_flags() -> None:
    lines = _run("--list")
    assert any(line.startswith("AR-11\t五日\t") for line in lines)
    assert any(line.startswith("CC-17.late") and line.endswith("[NV]") for line in lines)


def test_the_sifa_command_knows_deadline() -> None:
    assert COMMANDS["deadline"] == ("deadline", "期限计算")
