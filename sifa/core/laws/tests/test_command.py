import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sifa.core.audit.models import AuditEvent
from sifa.core.laws.models import Article, Law
from sifa.core.laws.tests.factories import LAWS_DIR, small_law

pytestmark = pytest.mark.django_db


def test_import_laws_imports_the_whole_shared_folder_then_finds_nothing_changed() -> None:
    # the one test that imports all 36 files (slow)
    out = io.StringIO()
    call_command("import_laws", str(LAWS_DIR), stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 36 and all("　导入：" in x for x in lines)
    assert Law.objects.count() == 36
    assert Article.objects.filter(version__law__key="行政处罚法").count() == 86
    assert Law.objects.filter(cite_key="民法典").count() == 2
    assert AuditEvent.objects.filter(action="laws.law.imported", actor_name="系统:import-laws").count() == 36
    again = io.StringIO()
    call_command("import_laws", str(LAWS_DIR / "行政处罚法.md"), str(LAWS_DIR / "刑法.md"), stdout=again)
    assert again.getvalue().splitlines() == ["行政处罚法.md　未变化：中华人民共和国行政处罚法", "刑法.md　未变化：中华人民共和国刑法"]


def test_import_laws_reports_a_new_version_and_fails_on_a_bad_file(tmp_path: Path) -> None:
    # given
    good = tmp_path / "测试管理法.md"
    good.write_text(small_law(), encoding="utf-8")
    call_command("import_laws", str(good), stdout=io.StringIO())
    good.write_text(small_law(date="2024年1月1日").replace("本法自公布之日起施行。", "本法自2024年1月1日起施行。"), encoding="utf-8")
    bad = tmp_path / "坏.md"
    bad.write_text("# 某法\n<!-- INFO END -->\n第一条 甲\n第一条 乙\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    # when
    with pytest.raises(CommandError):
        call_command("import_laws", str(tmp_path), stdout=out, stderr=err)
    # then
    assert "测试管理法.md　新版本：中华人民共和国测试管理法，改动 1 条，新增 0 条，删除 0 条" in out.getvalue()
    assert "坏.md 第 4 行：第一条重复" in err.getvalue()
    assert not Law.objects.filter(key="某法").exists()
