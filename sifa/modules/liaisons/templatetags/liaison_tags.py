"""Template filters of the liaison pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from sifa.modules.liaisons.rules import fmt

register = template.Library()


@register.filter
def liaison_points(value: Decimal | None) -> str:
    """Points for people: 20.00 → "20", 1.50 → "1.5", None → "—"."""
    return "—" if value is None else fmt(Decimal(value))
