"""Excel export of a ranking (the export itself is audited by ``export_ranking``)."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook

from sifa.core.scoring.selectors import Ranking


def ranking_workbook(ranking: Ranking) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("排名")
    ws.append([f"{ranking.scheme.name} {ranking.period.label}"])
    ws.append(["名次", "考核对象", "所属机构", "总分", *[f"{c.code} {c.label}" for c in ranking.columns],
               "方案版本", "计算时间"])
    for row in ranking.rows:
        s = row.score
        ws.append([row.rank, s.subject_label, s.org.name, s.total,
                   *[row.parts[c.code] if c.code in row.parts else None for c in ranking.columns],
                   f"第{s.version.number}版", timezone.localtime(s.computed_at).strftime("%Y-%m-%d %H:%M")])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

