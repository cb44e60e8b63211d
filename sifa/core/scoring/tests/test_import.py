"""Importing schemes: the service, the `sifa import-scheme` command, versions, adaptations."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sifa.core.accounts.actor import Actor
from sifa.core.audit.models import AuditEvent
from sifa.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from sifa.core.scoring.models import Scheme, SchemeVersion
from sifa.core.scoring.schemefile import read_scheme_text
from sifa.core.scoring.services import import_scheme
from sifa.core.scoring.tests.factories import (
    example_data,
    fuyang,
    import_example,
    other_county_office,
    province,
)
from sifa.core.testing import actor_for
from tests.testapp.scoring import EXAMPLE_SCHEME

SYSTEM = Actor.system("test")

TOML_SCHEME = """
code = "testapp.toml"
name = "TOML 方案"
subject_kind = "org"
subject_type = "judicial_office"
valid_from = 2026-01-01
total = 10.5

[[indicators]]
code = "A"
label = "基础"
full_marks = 10.5

  [[indicators.children]]
  code = "A.1"
  label = "立案"
  source = "testapp.cases_opened"
  points_per_unit = 0.5
  cap = 10.5

[[indicators]]
code = "N"
label = "负面清单"
deduction = true

  [[indicators.children]]
  code = "N.1"
  label = "撤回"
  source = "testapp.cases_withdrawn"
  points_per_unit = -1
"""


def test_import_creates_the_scheme_and_its_first_version(db: Any) -> None:
    version = import_example()
    scheme = version.scheme
    assert (scheme.code, scheme.owner, scheme.subject_kind, scheme.subject_type) == (
        "testapp.office", province(), "org", "judicial_office")
    assert (version.number, str(version.valid_from), version.valid_to, version.total) == (1, "2020-01-01", None, 100)
    assert [p.code for p in version.tree.parts] == ["A", "B", "N"]
    event = AuditEvent.objects.filter(action="scoring.scheme.imported").latest("id")
    assert event.changes["scheme"] == "testapp.office" and event.changes["indicators"] == 10


def test_an_invalid_scheme_writes_nothing_and_every_error_names_its_code(db: Any) -> None:
    data = example_data()
    data["indicators"][0]["children"][0]["children"][0]["source"] = "testapp.nope"
    data["indicators"][2]["children"][0]["points_per_unit"] = 5
    before = (Scheme.objects.count(), SchemeVersion.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as info:
        import_scheme(actor=SYSTEM, data=data, owner=province())
    assert [e["field"] for e in info.value.errors] == ["A.1.1", "N.1"]
    assert all(e["field"] in e["message"] for e in info.value.errors)
    assert "2 处错误" in info.value.message
    assert (Scheme.objects.count(), SchemeVersion.objects.count(), AuditEvent.objects.count()) == before


def test_a_new_version_must_start_later_and_closes_the_previous_one(db: Any) -> None:
    v1 = import_example()
    with pytest.raises(ValidationFailed) as info:
        import_scheme(actor=SYSTEM, data=example_data(valid_from="2020-01-01"))
    assert info.value.field == "valid_from"
    v2 = import_scheme(actor=SYSTEM, data=example_data(valid_from="2026-01-01", name="新名称"))
    v1.refresh_from_db()
    assert (v1.valid_to, v2.number, v2.valid_to, v2.scheme, v2.scheme.name) == (v2.valid_from, 2, None, v1.scheme, "新名称")


def test_a_new_version_cannot_change_what_the_scheme_scores(db: Any) -> None:
    import_example()
    with pytest.raises(ValidationFailed) as info:
        import_scheme(actor=SYSTEM, data=example_data(valid_from="2026-01-01", subject_type="justice_bureau"))
    assert info.value.field == "subject_type"
    with pytest.raises(Conflict):
        import_scheme(actor=SYSTEM, data=example_data(valid_from="2026-01-01"), owner=fuyang())


def test_an_adaptation_belongs_below_its_base(db: Any) -> None:
    import_example()
    adapted = import_scheme(actor=SYSTEM, owner=fuyang(), data=example_data(code="fy", base="testapp.office"))
    assert adapted.scheme.base is not None and adapted.scheme.base.code == "testapp.office"
    with pytest.raises(ValidationFailed) as info:
        import_scheme(actor=SYSTEM, owner=province(), data=example_data(code="bad", base="testapp.office"))
    assert info.value.field == "owner"
    with pytest.raises(ValidationFailed) as missing:
        import_scheme(actor=SYSTEM, owner=fuyang(), data=example_data(code="bad2", base="nope"))
    assert missing.value.field == "base"


def test_importing_needs_the_manage_permission_and_stays_in_scope(db: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        import_scheme(actor=actor_for("county"), data=example_data())
    admin = actor_for("admin")
    version = import_scheme(actor=admin, data=example_data())
    assert version.scheme.owner == admin.org


def test_another_orgs_scheme_code_cannot_be_taken_over(db: Any) -> None:
    xihu = other_county_office().parent
    assert xihu is not None
    import_example(owner=xihu, code="xihu.only")
    county = actor_for("county")
    manager = Actor(user=county.user, membership=county.membership, permissions=frozenset({"scoring.manage"}))
    with pytest.raises(Conflict) as info:
        import_scheme(actor=manager, data=example_data(code="xihu.only", valid_from="2026-01-01"))
    assert info.value.field == "code"
    assert SchemeVersion.objects.filter(scheme__code="xihu.only").count() == 1


def test_toml_reads_decimals_exactly_and_imports(db: Any) -> None:
    data = read_scheme_text(TOML_SCHEME, suffix=".toml")
    version = import_scheme(actor=SYSTEM, data=data, owner=fuyang())
    assert version.total == 10.5 and str(version.tree.find("A.1").points_per_unit) == "0.5"  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "suffix", "fragment"), [
    ("{", ".json", "不是有效的 JSON"),
    ("code = ", ".toml", "不是有效的 TOML"),
    ("[]", ".json", "应为对象"),
    ("x", ".yaml", ".json 或 .toml"),
])
def test_unreadable_files_are_refused(text: str, suffix: str, fragment: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        read_scheme_text(text, suffix=suffix)
    assert fragment in info.value.message and info.value.field == "file"


def test_command_imports_json_and_toml(db: Any, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("import_scheme", str(EXAMPLE_SCHEME), stdout=out)
    assert "testapp.office" in out.getvalue() and "浙江省司法厅" in out.getvalue()
    toml_file = tmp_path / "scheme.toml"
    toml_file.write_text(TOML_SCHEME, encoding="utf-8")
    call_command("import_scheme", str(toml_file), "--org", "杭州市富阳区司法局", stdout=io.StringIO())
    assert Scheme.objects.get(code="testapp.toml").owner == fuyang()


def test_command_reports_each_error_and_writes_nothing(db: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(EXAMPLE_SCHEME.read_text(encoding="utf-8").replace('"cap": 30', '"cap": -30'), encoding="utf-8")
    err = io.StringIO()
    before = Scheme.objects.count()  # the demo world may hold modules' schemes
    with pytest.raises(CommandError):
        call_command("import_scheme", str(bad), stderr=err)
    assert "指标 A.1.1：上限 cap 须为正数" in err.getvalue()
    assert Scheme.objects.count() == before
