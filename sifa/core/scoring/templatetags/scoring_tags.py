"""Template filters for score pages: points as people write them, signed adjustments, tree indentation."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from sifa.core.scoring.engine import fmt

register = template.Library()


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def points(value: object) -> str:
    """20.00 → "20", 1.50 → "1.5"; empty for None."""
    number = _decimal(value)
    return "" if number is None else fmt(number)


@register.filter
def signed(value: object) -> str:
    """An adjustment: 5 → "+5", -2.5 → "-2.5"."""
    number = _decimal(value)
    if number is None:
        return ""
    return f"+{fmt(number)}" if number > 0 else fmt(number)


@register.filter
def indent(depth: int) -> str:
    """Bootstrap padding for a tree level (parts flush, items and sub-items indented)."""
    return {0: "", 1: "ps-3", 2: "ps-5"}.get(int(depth), "ps-5")
