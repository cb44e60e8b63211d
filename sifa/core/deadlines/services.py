"""Writes of the deadlines engine: loading a year's rest-day arrangement (GEN-10)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.deadlines.calendar import parse_day_entries
from sifa.core.deadlines.errors import CalendarYearExists
from sifa.core.deadlines.models import CalendarYear
from sifa.core.deadlines.shipped import shipped_years
from sifa.core.errors import ValidationFailed
from sifa.core.services import service

MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class CheckedYear:
    year: int
    notice: str
    rest_days: list[str]
    makeup_days: list[str]


def check_calendar_year(*, year: int | None, notice: str, rest_days: Sequence[str],
                        makeup_days: Sequence[str]) -> CheckedYear:
    """Validate a year's arrangement; every bad input is named (field and line), nothing is guessed."""
    errors: list[dict[str, str]] = []
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        errors.append({"field": "year", "message": f"年份应在 {MIN_YEAR}～{MAX_YEAR} 之间"})
        year = None
    notice = notice.strip()
    if not notice:
        errors.append({"field": "notice", "message": "请填写国务院办公厅通知的文号或标题"})
    elif len(notice) > 200:
        errors.append({"field": "notice", "message": "通知文号不能超过 200 个字符"})
    rest, rest_errors = parse_day_entries(rest_days, year=year)
    makeup, makeup_errors = parse_day_entries(makeup_days, year=year)
    errors += [{"field": "rest_days", "message": f"法定节假日{e}"} for e in rest_errors]
    errors += [{"field": "makeup_days", "message": f"调休上班日{e}"} for e in makeup_errors]
    rest_set = {d for entry in rest for d in entry.days}
    if not rest and not rest_errors:
        errors.append({"field": "rest_days", "message": "法定节假日不能为空：请按通知逐段填写放假日期"})
    for entry in makeup:
        weekdays = [d for d in entry.days if d.weekday() < 5]
        if weekdays:
            errors.append({"field": "makeup_days", "message": f"调休上班日第 {entry.line} 行「{entry.text}」："
                           f"{weekdays[0].isoformat()} 本是工作日，调休上班日应为星期六或星期日"})
        clash = [d for d in entry.days if d in rest_set]
        if clash:
            errors.append({"field": "makeup_days", "message": f"调休上班日第 {entry.line} 行「{entry.text}」："
                           f"{clash[0].isoformat()} 同时填为法定节假日"})
    if errors:
        shown = "；".join(e["message"] for e in errors[:3]) + (f"（共 {len(errors)} 处）" if len(errors) > 3 else "")
        raise ValidationFailed(shown, errors=errors)
    assert year is not None
    return CheckedYear(year=year, notice=notice, rest_days=sorted(d.isoformat() for d in rest_set),
                       makeup_days=sorted({d.isoformat() for e in makeup for d in e.days}))


@service("deadlines.calendar.loaded")
def load_calendar_year(*, actor: Actor, year: int | None, notice: str, rest_days: Sequence[str],
                       makeup_days: Sequence[str], source: str = "", replace: bool = False) -> CalendarYear:
    """Load (or, with ``replace``, correct) one year's rest days and make-up working days (GEN-10).

    The text lines are those of the State Council notice: ``2027-01-01`` or ``2027-02-06~2027-02-12``.
    All-or-nothing: any bad line refuses the whole year, naming every bad line.
    """
    actor.require("deadlines.calendar.manage")
    checked = check_calendar_year(year=year, notice=notice, rest_days=rest_days, makeup_days=makeup_days)
    existing = CalendarYear.objects.select_for_update().filter(year=checked.year).first()
    if existing is not None and not replace:
        raise CalendarYearExists(checked.year)
    values = {"rest_days": checked.rest_days, "makeup_days": checked.makeup_days, "notice": checked.notice,
              "source": source.strip()[:2000], "loaded_at": timezone.now(), "loaded_by": actor.name[:150]}
    before = None
    if existing is None:
        row = CalendarYear.objects.create(year=checked.year, **values)
    else:
        before = {"notice": existing.notice, "rest_days": len(existing.rest_days), "makeup_days": len(existing.makeup_days)}
        for key, value in values.items():
            setattr(existing, key, value)
        existing.save(update_fields=list(values))
        row = existing
    recomputed = {hook.label: hook.run(checked.year) for hook in registry.calendar_hooks.values()}
    record(actor=actor, action="deadlines.calendar.loaded", obj=row, changes={
        "year": checked.year, "notice": checked.notice, "rest_days": len(checked.rest_days),
        "makeup_days": len(checked.makeup_days), "replaced": before, "recomputed": recomputed})
    return row


def sync_shipped_calendar() -> int:
    """Create the shipped years that are missing (after migrate; like the built-in roles).

    A year already in the database is left alone, so a year an administrator corrected stays as
    corrected. Returns the number of years created.
    """
    have = set(CalendarYear.objects.values_list("year", flat=True))
    created = 0
    for shipped in shipped_years():
        if shipped.year in have:
            continue
        arrangement = shipped.arrangement()
        CalendarYear.objects.create(
            year=shipped.year, notice=shipped.notice, source=shipped.source,
            rest_days=sorted(d.isoformat() for d in arrangement.rest_days),
            makeup_days=sorted(d.isoformat() for d in arrangement.makeup_days),
            loaded_at=timezone.now(), loaded_by="系统:内置数据（RULES.md 附录A）")
        created += 1
    return created
