"""Errors of the random draws (CONVENTIONS §4.9)."""

from __future__ import annotations

from sifa.core.errors import Conflict


class DrawStateConflict(Conflict):
    """The draw is not in a state that allows the step (drawn twice, cancelled, …)."""

    code = "draw_state"
