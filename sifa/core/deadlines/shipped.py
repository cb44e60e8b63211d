"""The calendar years shipped with sifa (RULES.md Appendix A): ``data/calendar-YYYY.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sifa.core.deadlines.calendar import YearArrangement, parse_day_lines

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class ShippedYear:
    year: int
    notice: str
    source: str
    rest_lines: tuple[str, ...]
    makeup_lines: tuple[str, ...]

    def arrangement(self) -> YearArrangement:
        rest, errors = parse_day_lines(self.rest_lines, year=self.year)
        makeup, more = parse_day_lines(self.makeup_lines, year=self.year)
        if errors or more:
            raise ValueError(f"calendar-{self.year}.json: {[str(e) for e in errors + more]}")
        return YearArrangement(self.year, frozenset(rest), frozenset(makeup), self.notice, self.source)


def shipped_years() -> list[ShippedYear]:
    found = []
    for path in sorted(DATA_DIR.glob("calendar-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found.append(ShippedYear(int(data["year"]), str(data["notice"]), str(data["source"]),
                                 tuple(data["rest_days"]), tuple(data["makeup_days"])))
    return found
