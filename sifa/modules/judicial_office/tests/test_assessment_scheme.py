"""The shipped default 千分制 scheme: it imports, totals 1000, has the six parts, says what it is."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from sifa.core.accounts.actor import Actor
from sifa.core.audit.models import AuditEvent
from sifa.core.scoring.engine import max_points, parse_scheme
from sifa.core.scoring.models import Scheme, SchemeVersion
from sifa.core.scoring.services import import_scheme, known_sources
from sifa.modules.judicial_office.assessment import (
    DEFAULT_SCHEME_CODE,
    SCHEME_FILE,
    catalogue,
    default_scheme_data,
)
from sifa.modules.judicial_office.tests.assessment_factories import default_scheme

PARTS = ["基础性工作", "制度性工作", "重点性工作", "日常性工作", "业绩突出工作", "负面清单"]
NOTE = "默认方案，依据《全国司法所工作规范》章节结构编制，供各地结合实际调整，非官方标准"


def test_the_shipped_scheme_has_six_parts_totalling_1000(db: Any) -> None:
    # given the shipped file, validated as the import validates it
    spec = parse_scheme(default_scheme_data(), sources=known_sources())
    # then
    parts = spec.tree.parts
    assert [p.label for p in parts] == PARTS
    assert spec.tree.total == Decimal(1000)
    assert sum((p.full_marks or Decimal(0) for p in parts), Decimal(0)) == Decimal(1000)
    assert sum((max_points(p) or Decimal(0) for p in parts), Decimal(0)) == Decimal(1000)
    negative = parts[-1]
    assert negative.deduction and negative.cap == Decimal(200) and negative.full_marks == Decimal(0)
    assert NOTE in spec.note


def test_parts_without_automatic_data_are_scored_by_hand_and_say_so(db: Any) -> None:
    tree = parse_scheme(default_scheme_data(), sources=known_sources()).tree
    by_code = {n.indicator.code: n.indicator for n in tree.walk()}
    for part in ("B", "E"):
        leaves = [n.indicator for n in tree.walk() if n.indicator.code.startswith(part + ".") and n.indicator.is_leaf]
        assert leaves and all(leaf.is_manual for leaf in leaves)
        assert all("人工评分" in leaf.note for leaf in leaves)
        assert "人工" in by_code[part].note
    # every automatic leaf counts a registered source of this module, per quantity
    sourced = [n.indicator for n in tree.walk() if n.indicator.source]
    assert sourced and all(i.per == "quantity" for i in sourced)
    assert {i.source.split(".")[0] for i in sourced} <= {"worklog", "plans", "office"}


def test_every_catalogue_code_has_a_source(db: Any) -> None:
    assert {f"worklog.{code}" for code in catalogue()} <= set(known_sources())


def test_the_demo_installed_the_scheme_for_the_province(db: Any) -> None:
    scheme = default_scheme()
    assert scheme.owner.name == "浙江省司法厅" and scheme.owner.parent is None
    assert scheme.subject_type == "judicial_office,justice_bureau"
    [version] = scheme.versions.all()
    assert version.total == Decimal(1000) and str(version.valid_from) == "2025-01-01"
    assert NOTE in version.note


def test_the_file_imports_through_the_engine_service_with_one_audit_event(db: Any) -> None:
    # given the shipped file under another code (the demo holds the default code already)
    data = default_scheme_data() | {"code": "judicial_office.assessment.copy"}
    before = AuditEvent.objects.filter(action="scoring.scheme.imported").count()
    # when
    version = import_scheme(actor=Actor.system("test"), data=data, owner=default_scheme().owner,
                            source_name=SCHEME_FILE.name)
    # then
    assert version.total == Decimal(1000) and version.number == 1
    assert [p["label"] for p in version.indicators] == PARTS
    assert AuditEvent.objects.filter(action="scoring.scheme.imported").count() == before + 1


def test_sifa_import_scheme_installs_a_new_version_from_the_file(db: Any, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # given the shipped file with a later valid_from (the way an operator installs a revised default)
    data = json.loads(SCHEME_FILE.read_text(encoding="utf-8")) | {"valid_from": "2026-07-01"}
    path = tmp_path / "assessment_scheme.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    # when
    call_command("import_scheme", str(path))
    # then
    scheme = Scheme.objects.get(code=DEFAULT_SCHEME_CODE)
    v1, v2 = SchemeVersion.objects.filter(scheme=scheme).order_by("number")
    assert (v2.number, str(v2.valid_from), v2.total) == (2, "2026-07-01", Decimal(1000))
    assert str(v1.valid_to) == "2026-07-01"
    assert "第 2 版" in capsys.readouterr().out
