"""Test helpers of the field-report part: reporters, reports written without services, matrix objects,
and the recipes of tests/test_audit_coverage.py (``cover_*``, each drives one service once)."""

from __future__ import annotations

import itertools
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Membership, Role, User
from sifa.core.attachments.tests.factories import png_bytes
from sifa.core.orgs.models import Org
from sifa.core.testing import membership_of
from sifa.modules.correction.models import CorrectionCase, CorrectionSuggestion, FieldReport, KeywordRule
from sifa.modules.correction.tests.factories import make_correction, office_of

_seq = itertools.count(1)


def new_member(org: Org, *, role: str = "grid_worker") -> Actor:
    """A new user with one membership at ``org`` (a grid worker by default), as an actor."""
    n = next(_seq)
    user = User.objects.create(username=f"fr_{role}_{n}_{timezone.now().timestamp():.0f}", display_name=f"报告员{n}号")
    membership = Membership.objects.create(user=user, org=org, role=Role.objects.get(code=role))
    membership = Membership.objects.select_related("user", "org", "role").get(pk=membership.pk)
    return Actor.for_membership(membership, ip="127.0.0.1", user_agent="pytest")


def photo(tag: str = "") -> ContentFile[bytes]:
    return ContentFile(png_bytes(tag=tag or f"field-report-{next(_seq)}-{timezone.now().timestamp()}"),
                       name="现场.png")


def report_without_service(detail: CorrectionCase, *, reporter: User | None = None, note: str = "走访正常",
                           categories: tuple[str, ...] = ()) -> FieldReport:
    """A report straight in the tables (no photo, no ledger entry, no audit), with one pending suggestion
    per category."""
    reporter = reporter or membership_of("grid1").user
    report = FieldReport.objects.create(
        correction_case=detail, reporter=reporter, reporter_name=reporter.display_name or reporter.username, note=note,
        categories=list(categories),
        classification=[{"category": c, "keywords": [c], "rules": ["test"], "alert_level": "", "suggestion": f"关注{c}",
                         "explanation": f"因包含关键词「{c}」归入「{c}」"} for c in categories])
    for c in categories:
        CorrectionSuggestion.objects.create(correction_case=detail, field_report=report, category=c, text=f"关注{c}")
    return report


# --- the authorization matrix's objects (tests/test_authz_matrix.py) --------------------------------

def _matrix_report(org: Org) -> FieldReport:
    found = FieldReport.objects.filter(correction_case__org_path=org.path, note=f"矩阵报告{org.pk}").first()
    if found is not None:
        return found
    detail = make_correction(org)
    return report_without_service(detail, note=f"矩阵报告{org.pk}", categories=("矩阵类别",))


def _matrix_rule() -> KeywordRule:
    rule, _ = KeywordRule.objects.get_or_create(code="matrix-rule", defaults={
        "category": "矩阵", "keywords": ["矩阵"], "alert_level": "", "suggestion": "矩阵建议"})
    return rule


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[int], list[int]]:
    """(inside ids, outside ids) for "field_report", "correction_suggestion" or "keyword_rule".

    Reports and suggestions: one per org of the matrix world, on a subject of that org. Keyword rules
    are platform data (not scoped): the one rule is inside for everyone, and a missing id is outside.
    """
    if kind == "keyword_rule":
        return [_matrix_rule().pk], [999_999_999]
    reports = {o.pk: _matrix_report(o) for o in orgs}
    below = [o for o in orgs if not o.path.startswith(actor_org.path)]
    if kind == "field_report":
        return [reports[actor_org.pk].pk], [reports[o.pk].pk for o in below]
    suggestion = {pk: r.suggestions.order_by("id").first() for pk, r in reports.items()}
    return ([suggestion[actor_org.pk].pk],  # type: ignore[union-attr]
            [suggestion[o.pk].pk for o in below])  # type: ignore[union-attr]


# --- recipes of tests/test_audit_coverage.py ---------------------------------------------------------

def cover_submit(actor: Actor) -> Any:
    from sifa.modules.correction.report_services import submit_field_report

    detail = make_correction(actor.org or office_of("office1"))
    return submit_field_report(actor=actor, correction_case=detail, note="对象昨晚喝酒，酒后与家人吵架", photo=photo(),
                               latitude="30.049", longitude="119.961", accuracy_m="12")


def cover_decide(actor: Actor) -> Any:
    from sifa.modules.correction.report_services import decide_suggestion

    report = report_without_service(make_correction(actor.org), categories=("饮酒",))
    return decide_suggestion(actor=actor, suggestion=report.suggestions.get(), accept=False, reason="经核实未饮酒")


def cover_reviewed(actor: Actor) -> Any:
    from sifa.modules.correction.report_services import mark_report_reviewed

    return mark_report_reviewed(actor=actor, report=report_without_service(make_correction(actor.org)))


def cover_rule_saved(actor: Actor) -> Any:
    from sifa.modules.correction.report_services import RuleInput, save_keyword_rule

    return save_keyword_rule(actor=actor, data=RuleInput(code="cover-rule", category="覆盖", keywords=["覆盖"],
                                                         alert_level="blue"))


def cover_rule_deactivated(actor: Actor) -> Any:
    from sifa.modules.correction.report_services import deactivate_keyword_rule

    rule = KeywordRule.objects.create(code="cover-off", category="覆盖", keywords=["覆盖"])
    return deactivate_keyword_rule(actor=actor, rule=rule)


def cover_export(actor: Actor) -> Any:
    from sifa.modules.correction.report_services import export_field_reports

    return export_field_reports(actor=actor, description="现场报告 全部", row_count=2)
