"""Work-log forms: the day grid (one stepper per catalogue item), and the catalogue item form.

The day grid is plain HTML form fields named per item code (``count-<code>``, ``note-<code>``,
``photos-<code>`` files, ``keep-<code>`` kept photo ids, ``cases-<code>`` case ids), so it works with
and without JavaScript; ``parse_day_post`` turns a POST into the items the services take, and
``item_errors`` puts the services' row errors back beside their item.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from sifa.core.errors import SifaError
from sifa.modules.judicial_office.models import WorkCatalogueItem, WorkLog

_ROW = re.compile(r"^items\[(\d+)\]\.(\w+)$")


def parse_day_post(post: QueryDict, files: MultiValueDict | None, codes: Sequence[str]) -> list[dict[str, Any]]:
    """The items of a day-grid POST, in catalogue order. An item is taken when its count is not empty or 0,
    or when it carries a note, photos or cases (so that a missing count is reported, not dropped)."""
    items = []
    for code in codes:
        count = post.get(f"count-{code}", "").strip()
        note = post.get(f"note-{code}", "").strip()
        uploads = [f for f in (files.getlist(f"photos-{code}") if files else []) if f and f.size]
        keep = [v for v in post.getlist(f"keep-{code}") if v.strip()]
        cases = [v for v in post.getlist(f"cases-{code}") if v.strip()]
        if count in ("", "0") and not (note or uploads or keep or cases):
            continue
        items.append({"code": code, "count": count, "note": note, "photos": keep, "cases": cases, "uploads": uploads})
    return items


def item_errors(exc: SifaError, items: Sequence[Mapping[str, Any]]) -> tuple[dict[str, list[str]], list[str]]:
    """Split an error's messages into {item code: [messages]} and the messages about the whole log."""
    by_code: dict[str, list[str]] = {}
    general: list[str] = []
    errors = exc.errors or [{"field": exc.field or "", "message": exc.message}]
    for e in errors:
        match = _ROW.match(e.get("field", ""))
        if match and int(match.group(1)) < len(items):
            by_code.setdefault(str(items[int(match.group(1))]["code"]), []).append(e["message"])
        else:
            general.append(e["message"])
    return by_code, general


def posted_values(post: QueryDict, codes: Sequence[str]) -> dict[str, dict[str, Any]]:
    """What the user typed, per code, to show the grid again after an error."""
    return {code: {"count": post.get(f"count-{code}", ""), "note": post.get(f"note-{code}", ""),
                   "keep": {int(v) for v in post.getlist(f"keep-{code}") if v.isdigit()},
                   "cases": {int(v) for v in post.getlist(f"cases-{code}") if v.isdigit()}} for code in codes}


def log_values(log: WorkLog | None) -> dict[str, dict[str, Any]]:
    """A saved log's content per code, to fill the grid."""
    if log is None:
        return {}
    return {i.catalogue_item.code: {"count": str(i.count), "note": i.note, "keep": {p.pk for p in i.photos.all()},
                                    "cases": {c.pk for c in i.cases.all()}} for i in log.items.all()}


def proposed_values(proposed: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(i.get("code")): {"count": str(i.get("count", "")), "note": i.get("note", ""),
                                 "keep": set(i.get("photos", [])), "cases": set(i.get("cases", []))}
            for i in proposed.get("items", [])}


class CatalogueItemForm(forms.Form):
    code = forms.CharField(label="编码", max_length=64, required=False,
                           help_text="英文字母、数字、- 或 _；保存后不能修改（考核、规划按编码引用）")
    name = forms.CharField(label="名称", max_length=64)
    category = forms.CharField(label="类别", max_length=32, required=False)
    unit = forms.CharField(label="单位", max_length=8, initial="件")
    daily_ceiling = forms.IntegerField(label="单日合理上限", min_value=1, initial=20,
                                       help_text="一人一日超过此数量即向县（区）司法局发出核查预警")
    order = forms.IntegerField(label="排序", min_value=0, max_value=32767, initial=100)
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, item: WorkCatalogueItem | None = None, **kwargs: Any) -> None:
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(item, f) for f in ("code", "name", "category", "unit", "daily_ceiling",
                                                                "order", "active")}
        super().__init__(*args, **kwargs)
        if item is not None:
            self.fields["code"].disabled = True

    def add_service_error(self, exc: SifaError) -> None:
        for e in exc.errors or [{"field": exc.field or "", "message": exc.message}]:
            field = e.get("field", "")
            self.add_error(field if field in self.fields else None, e["message"])
