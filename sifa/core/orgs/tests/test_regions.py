"""Region codes and the all-or-nothing region import (shipped CSV: all of 浙江省 plus 赤峰市)."""

from __future__ import annotations

import pytest

from sifa.core.accounts.actor import Actor
from sifa.core.audit.models import AuditEvent
from sifa.core.errors import PermissionDeniedError, ValidationFailed
from sifa.core.orgs.choices import RegionLevel
from sifa.core.orgs.models import Region
from sifa.core.orgs.regions import (
    DATA_FILE,
    RegionCodeError,
    RegionRow,
    level_of,
    parent_code,
    read_region_rows,
)
from sifa.core.orgs.services import import_regions
from sifa.core.testing import actor_for

SYSTEM = Actor.system("pytest")


def shipped_rows() -> list[RegionRow]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return list(read_region_rows(fh))


def rows_from(text: str) -> list[RegionRow]:
    return list(read_region_rows(text.splitlines(keepends=True)))


# --- codes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "level", "parent"), [
    ("33", RegionLevel.PROVINCE, None),
    ("3301", RegionLevel.CITY, "33"),
    ("330111", RegionLevel.COUNTY, "3301"),
    ("330111001", RegionLevel.TOWNSHIP, "330111"),
    ("150402001", RegionLevel.TOWNSHIP, "150402"),
])
def test_level_and_parent_follow_from_the_code(code, level, parent):
    # when / then
    assert level_of(code) == level
    assert parent_code(code) == parent


@pytest.mark.parametrize("code", ["", "3", "330", "33011", "3301110", "33011100", "3301110011", "33a1", "33 01",
                                  "３３０１", "330\n", "-3301"])
def test_malformed_code_is_refused(code):
    # when / then
    with pytest.raises(RegionCodeError) as exc:
        level_of(code)
    assert "格式错误" in str(exc.value)
    with pytest.raises(RegionCodeError):
        parent_code(code)


# --- reading the CSV --------------------------------------------------------------------------------


def test_shipped_file_has_1700_rows_with_real_line_numbers():
    # given
    lines = DATA_FILE.read_text(encoding="utf-8").splitlines()

    # when
    rows = shipped_rows()

    # then
    assert len(rows) == 1700
    assert rows[0] == RegionRow(line=9, code="15", name="内蒙古自治区")
    for row in rows:
        assert lines[row.line - 1] == f"{row.code},{row.name}"
    assert len({r.code for r in rows}) == 1700


def test_shipped_file_covers_zhejiang_and_chifeng():
    # when
    by_code = {r.code: r for r in shipped_rows()}

    # then
    assert by_code["33"].name == "浙江省"
    assert by_code["3301"].name == "杭州市"
    assert by_code["330111"].name == "富阳区"
    assert by_code["330111001"].name == "富春街道"
    assert by_code["1504"].name == "赤峰市"
    assert "331199" not in by_code
    assert all(parent_code(code) in by_code for code in by_code if parent_code(code) is not None)
    assert {c[:2] for c in by_code} == {"15", "33"}


def test_comments_blank_lines_and_header_are_skipped_but_counted():
    # given
    text = "# comment\n\ncode,name\n33,浙江省\n  \n3301, 杭州市 \n330111003,\"甲,乙街道\"\n330111004\n"

    # when
    rows = rows_from(text)

    # then
    assert rows == [
        RegionRow(line=4, code="33", name="浙江省"),
        RegionRow(line=6, code="3301", name="杭州市"),
        RegionRow(line=7, code="330111003", name="甲,乙街道"),
        RegionRow(line=8, code="330111004", name=""),
    ]


# --- import -----------------------------------------------------------------------------------------


def test_reimporting_the_shipped_file_changes_nothing(db):
    # given
    regions_before = list(Region.objects.order_by("pk").values_list("pk", "code", "name", "parent_id"))
    imports_before = AuditEvent.objects.filter(action="orgs.regions.imported").count()

    # when
    result = import_regions(actor=SYSTEM, rows=shipped_rows(), source="regions.csv")

    # then
    assert result == {"rows": 1700, "created": 0, "renamed": 0, "historical": 0}
    assert list(Region.objects.order_by("pk").values_list("pk", "code", "name", "parent_id")) == regions_before
    assert AuditEvent.objects.filter(action="orgs.regions.imported").count() == imports_before + 1
    event = AuditEvent.objects.filter(action="orgs.regions.imported").order_by("-id").first()
    assert event.changes == result
    assert event.object_repr == "regions.csv"


def test_import_renames_and_creates_with_parents(db):
    # given: one renamed township, a new county with a new township
    text = "code,name\n330111001,富春新街道\n330199,新区\n330199001,新区街道\n"

    # when
    result = import_regions(actor=SYSTEM, rows=rows_from(text), source="changes.csv")

    # then
    assert result == {"rows": 3, "created": 2, "renamed": 1, "historical": 0}
    assert Region.objects.current().get(code="330111001").name == "富春新街道"
    county = Region.objects.current().get(code="330199")
    township = Region.objects.current().get(code="330199001")
    assert (county.level, county.parent.code) == (RegionLevel.COUNTY, "3301")
    assert (township.level, township.parent) == (RegionLevel.TOWNSHIP, county)


def test_import_twice_is_idempotent(db):
    # given
    text = "code,name\n330199,新区\n330199001,新区街道\n"
    import_regions(actor=SYSTEM, rows=rows_from(text), source="a.csv")
    count = Region.objects.count()

    # when
    result = import_regions(actor=SYSTEM, rows=rows_from(text), source="a.csv")

    # then
    assert result == {"rows": 2, "created": 0, "renamed": 0, "historical": 0}
    assert Region.objects.count() == count


@pytest.mark.parametrize(("bad_line", "message"), [
    ("3301119,坏代码", "第 4 行：区划代码 '3301119' 格式错误"),
    ("３３０１１１９０２,全角", "第 4 行：区划代码 '３３０１１１９０２' 格式错误"),
    ("339901001,无上级街道", "第 4 行：上级区划 339901 不存在"),
    ("330111901,重复街道", "第 4 行：区划代码 330111901 重复（首次出现在第 3 行）"),
    ("330111902,", "第 4 行：名称不能为空"),
    ("330111902", "第 4 行：名称不能为空"),
])
def test_one_bad_row_aborts_the_whole_import(db, bad_line, message):
    # given: a good new row on line 3, then one bad row on line 4
    text = f"code,name\n# new townships\n330111901,新街道\n{bad_line}\n330111903,另一新街道\n"
    regions_before = Region.objects.count()
    audit_before = AuditEvent.objects.count()

    # when
    with pytest.raises(ValidationFailed) as exc:
        import_regions(actor=SYSTEM, rows=rows_from(text), source="bad.csv")

    # then
    assert exc.value.message.startswith("导入失败，共 1 处错误，未写入任何数据；")
    assert message in exc.value.message
    assert exc.value.errors[0]["field"] == "row 4"
    assert Region.objects.count() == regions_before
    assert not Region.objects.filter(code__in=["330111901", "330111903"]).exists()
    assert AuditEvent.objects.count() == audit_before


def test_all_errors_are_listed_by_line(db):
    # given
    text = "code,name\n3301119,坏代码\n330111001,\n339901001,无上级\n"

    # when
    with pytest.raises(ValidationFailed) as exc:
        import_regions(actor=SYSTEM, rows=rows_from(text), source="bad.csv")

    # then
    assert exc.value.message.startswith("导入失败，共 3 处错误")
    assert [e["field"] for e in exc.value.errors] == ["row 2", "row 3", "row 4"]


def test_bad_row_leaves_existing_names_untouched(db):
    # given: a rename that would apply, plus a bad row
    text = "code,name\n330111001,改名街道\n330111902,\n"

    # when
    with pytest.raises(ValidationFailed):
        import_regions(actor=SYSTEM, rows=rows_from(text), source="bad.csv")

    # then
    assert Region.objects.current().get(code="330111001").name == "富春街道"


def test_import_needs_orgs_manage(db):
    # given
    audit_before = AuditEvent.objects.count()

    # when / then
    with pytest.raises(PermissionDeniedError):
        import_regions(actor=actor_for("county"), rows=rows_from("code,name\n330199,新区\n"), source="x.csv")
    assert not Region.objects.filter(code="330199").exists()
    assert AuditEvent.objects.count() == audit_before


def test_historical_region_row_is_imported_closed_and_accepts_old_identity_numbers(db):
    # given: 富阳市 (330183) became 富阳区 in 2014; numbers issued before keep 330183
    from sifa.core.accounts.actor import Actor
    from sifa.core.orgs.models import Region
    from sifa.core.orgs.regions import read_region_rows
    from sifa.core.orgs.services import import_regions
    from sifa.core.persons.services import region_code_exists

    assert not region_code_exists("330183")
    rows = list(read_region_rows(["code,name,valid_to", "330183,富阳市,2014-12-13"]))
    # when
    result = import_regions(actor=Actor.system("test"), rows=rows, source="historical.csv")
    # then
    closed = Region.objects.get(code="330183")
    assert result["historical"] == 1
    assert closed.valid_to is not None and closed.parent.code == "3301"
    assert region_code_exists("330183")


def test_historical_row_with_bad_date_names_the_line(db):
    import pytest

    from sifa.core.accounts.actor import Actor
    from sifa.core.errors import ValidationFailed
    from sifa.core.orgs.regions import read_region_rows
    from sifa.core.orgs.services import import_regions

    rows = list(read_region_rows(["code,name,valid_to", "330183,富阳市,2014/12/13"]))
    with pytest.raises(ValidationFailed) as exc:
        import_regions(actor=Actor.system("test"), rows=rows, source="bad.csv")
    assert "第 2 行" in exc.value.message and "YYYY-MM-DD" in exc.value.message
