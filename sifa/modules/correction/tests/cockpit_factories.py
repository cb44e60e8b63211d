"""Test helpers of the 矫正驾驶舱 part: a small org subtree of its own (so the demo's rows never mix in),
tasks and alerts written directly, and the audit-coverage recipe of the export."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.models import Alert
from sifa.core.cases.models import Case
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.modules.correction.models import CorrectionCase, SupervisionTask
from sifa.modules.correction.tests.factories import make_correction, make_person


def make_org(parent: Org, name: str, type_: str = OrgType.JUDICIAL_OFFICE) -> Org:
    org = Org.objects.create(name=name, type=type_, region=parent.region, parent=parent, depth=parent.depth + 1,
                             path=f"tmp-{name}")
    org.path = parent.path + Org.path_segment(org.pk)
    org.save(update_fields=["path"])
    return org


def task(detail: CorrectionCase, kind: str, due: datetime.date, status: str = "open",
         done_on: datetime.date | None = None) -> SupervisionTask:
    return SupervisionTask.objects.create(correction_case=detail, org_path=detail.org_path, kind=kind, due_date=due,
                                          status=status, done_on=done_on)


def alert(org: Org, case: Case | None, *, rule: str = "deadline.overdue", level: str = "red", state: str = "pending_sign",
          key: str = "") -> Alert:
    return Alert.objects.create(rule_code=rule, level=level, org=org, object_type="test", object_id=key or rule,
                                case=case, title=f"驾驶舱测试预警{key}", dedup_key=f"cockpit-test:{key}", state=state,
                                step_due_at=timezone.now() + datetime.timedelta(days=1))


@dataclass
class World:
    """A county (K) under 杭州市司法局 with two offices (A, B) and the cases of test_cockpit_figures."""

    county: Org
    a: Org
    b: Org
    today: datetime.date
    minor_name: str
    cases: dict[str, CorrectionCase] = field(default_factory=dict)


def build_world() -> World:
    """The hand-counted world (figures expected in test_cockpit_figures' docstring)."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    city = Org.objects.get(name="杭州市司法局")
    county = make_org(city, "驾驶舱测试县司法局", OrgType.JUSTICE_BUREAU)
    a, b = make_org(county, "驾驶舱测试甲司法所"), make_org(county, "驾驶舱测试乙司法所")
    minor = make_person(b, birth=datetime.date(today.year - 17, 1, 1), name="未成年驾驶舱甲")
    w = World(county, a, b, today, minor.name)
    w.cases = {
        "c1": make_correction(a, state="under_correction", level="strict", received_on=today - 3 * day),
        "c2": make_correction(a, sentence_type="parole", state="under_correction", lost_contact=True),
        "c3": make_correction(a, state="lost_contact", em_active=True),
        "c4": make_correction(a, sentence_type="control", state="discharged", ended_on=today - 5 * day),
        "c5": make_correction(a, sentence_type="temporary_execution", state="decided", received_on=None),
        "c6": make_correction(b, sentence_type="temporary_execution", state="under_correction", level="lenient",
                              em_active=True),
        "c7": make_correction(b, state="revoked", ended_on=today - 40 * day),
        "c8": make_correction(b, state="under_correction", minor=True, person=minor),
    }
    c1, c6 = w.cases["c1"], w.cases["c6"]
    task(c1, "report_in", today - 10 * day, "done", today - 10 * day)  # on time
    task(c1, "report_in", today - 9 * day, "done", today - 7 * day)  # late
    task(c1, "report_in", today - 8 * day, "missed")  # overdue
    task(c1, "report_in", today - 2 * day, "open")  # overdue, still open
    task(c1, "report_in", today, "open")  # due today: neither due yet nor overdue
    task(c1, "report_in", today + 3 * day, "open")  # after the period
    task(c1, "visit", today - 5 * day, "missed")  # overdue
    task(c6, "report_in", today - 4 * day, "done", today - 4 * day)  # on time
    task(c6, "education", today - 6 * day, "open")  # overdue
    task(c6, "report_in", today - 30 * day, "missed")  # before the period
    alert(a, c1.case, key="open-red")
    alert(a, c1.case, key="closed", state="closed")
    alert(b, None, rule="correction.task_missed", level="yellow", key="module-rule")
    other = Case.objects.create(case_type="test_case", number="驾驶舱测试非矫正案", year=today.year, sequence=1,
                                case_code="cockpit-test-other", org=b, state="registered", title="非矫正案件")
    alert(b, other, rule="deadline.due_soon", level="yellow", key="other-case")
    return w


def cover_export(actor: Actor) -> Any:
    """Audit-coverage recipe: one export of the 矫正驾驶舱's children table."""
    from sifa.core.ui.cockpit import period_from
    from sifa.modules.correction.cockpit import export_cockpit_table

    assert actor.org is not None
    return export_cockpit_table(actor=actor, org=actor.org, table="children", period=period_from(), row_count=3)
