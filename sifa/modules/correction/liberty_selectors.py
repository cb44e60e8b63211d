"""Reads of 被依法限制人身自由 (CC-22, 《社区矫正法》第三十二条): the restrictions of a case, the days the
supervision tasks pause, and how late the agency learned of a restriction.

Every read starts from ``LibertyRestriction.objects.visible_to(actor)`` (the case's office path in the
actor's subtree, minors only for ``correction.minor_files``): out of scope answers 404 like a missing row.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db.models import QuerySet

from sifa.core.errors import NotFound
from sifa.modules.correction import config
from sifa.modules.correction.choices import CUSTODIAL_KINDS
from sifa.modules.correction.models import CorrectionCase, LibertyRestriction

if TYPE_CHECKING:
    from sifa.core.accounts.actor import Actor

# What the page and the API say about the term (CC-34): nothing in 《社区矫正法》 or 《刑法》 suspends the
# correction term while the subject is detained, so it runs on.
TERM_NOTE = ("《社区矫正法》第三十二条只规定有关机关应当及时通知社区矫正机构，未规定矫正期限中止；"
             "被限制人身自由期间矫正期限继续计算，期满日不变（CC-34）。羁押期间监管任务暂停，"
             "取保候审、监视居住期间监管任务照常。")


def restrictions() -> QuerySet[LibertyRestriction]:
    return cast("QuerySet[LibertyRestriction]", LibertyRestriction._default_manager.all())


def visible_restrictions(actor: Actor) -> QuerySet[LibertyRestriction]:
    rows: Any = LibertyRestriction._default_manager.all()
    return cast("QuerySet[LibertyRestriction]", rows.visible_to(actor))


def restrictions_visible_to(actor: Actor) -> QuerySet[LibertyRestriction]:
    actor.require("correction.view")
    return (visible_restrictions(actor)
            .select_related("correction_case__case", "correction_case__subject__person"))


def restriction_for(actor: Actor, pk: int) -> LibertyRestriction:
    row = restrictions_visible_to(actor).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def restrictions_of(detail: CorrectionCase) -> list[LibertyRestriction]:
    return list(restrictions().filter(correction_case=detail))


def is_custodial(row: LibertyRestriction) -> bool:
    return row.kind in CUSTODIAL_KINDS


def late_days_limit() -> int:
    """Platform default (config ``reminders.liberty_notice_late_days``): the law says only 及时 (CC-22)."""
    return int(config.section("reminders").get("liberty_notice_late_days", 3))


def notice_lag(row: LibertyRestriction) -> int:
    """Days between the decision and the day the agency learned of it."""
    return (row.notified_on - row.decided_on).days


def notice_late(row: LibertyRestriction) -> bool:
    """A notice later than ``late_days_limit()`` days after the decision is marked 通知滞后 (a hint, not a
    statutory limit: 《社区矫正法》第三十二条 says 及时)."""
    return notice_lag(row) > late_days_limit()


def paused_windows(detail: CorrectionCase) -> list[tuple[datetime.date, datetime.date | None]]:
    """The days the subject is held in custody as far as the agency knows: (start, ended_on or None) of each
    active custodial restriction. Read only when the overlay flag is set, so a case without a restriction
    costs no query; ended restrictions end before today and so never touch task generation."""
    if not detail.liberty_restricted:
        return []
    return [(r.start_date, r.ended_on) for r in restrictions().filter(correction_case=detail, ended_on__isnull=True,
                                                                     kind__in=list(CUSTODIAL_KINDS))]


def in_windows(day: datetime.date, windows: list[tuple[datetime.date, datetime.date | None]]) -> bool:
    return any(start <= day and (end is None or day <= end) for start, end in windows)


def panel(detail: CorrectionCase) -> dict[str, Any]:
    rows = restrictions_of(detail)
    return {
        "detail": detail, "rows": [(r, notice_lag(r), notice_late(r), is_custodial(r)) for r in rows],
        "active": [r for r in rows if r.ended_on is None], "term_note": TERM_NOTE, "late_limit": late_days_limit(),
    }
