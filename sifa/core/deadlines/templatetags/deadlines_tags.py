"""Badges for rule status tags (RULES.md §0.1) and step tags."""

from __future__ import annotations

from django import template

register = template.Library()

_BADGES = {
    "V": ("bg-green-lt", "已核对"),
    "V-local": ("bg-azure-lt", "地方性规定"),
    "NV": ("bg-red-lt", "未经核对"),
    "INT": ("bg-yellow-lt", "实施约定"),
}


@register.filter
def status_class(tag: str) -> str:
    return _BADGES.get(tag, ("bg-secondary-lt", ""))[0]


@register.filter
def status_label(tag: str) -> str:
    return _BADGES.get(tag, ("", tag))[1]
