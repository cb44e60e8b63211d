"""Every public service writes exactly one registered audit event (CONVENTIONS §4.3, §4.16).

Every function decorated with ``@service`` is listed in ``registry.services``. This test drives
each one through a recipe below and checks the audit log grew by exactly one row of the
service's declared action, carrying the actor. A new service without a recipe fails
``test_every_service_has_a_recipe``; the @service decorator itself raises at run time when a
service records zero or several events.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from sifa.core import registry
from sifa.core.accounts import services as accounts
from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import AccessToken, Role, User
from sifa.core.audit import services as audit
from sifa.core.audit.models import AuditEvent
from sifa.core.deadlines import services as deadlines
from sifa.core.orgs import services as orgs
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org, Region
from sifa.core.orgs.regions import RegionRow
from sifa.core.persons import services as persons
from sifa.core.persons.idnumbers import credit_check_char
from sifa.core.persons.models import Person
from sifa.core.testing import actor_for, make_id_number, membership_of


def _org(name: str) -> Org:
    return Org.objects.get(name=name)


def _new_user(actor: Actor) -> User:
    return accounts.create_user(actor=actor, username="cover_user", display_name="覆盖", password="Cover#2026",
                                org=_org("杭州市富阳区司法局"), role=Role.objects.get(code="grid_worker"))


def _fuyang_person() -> Person:
    return Person.objects.filter(org__path__startswith=_org("杭州市富阳区司法局").path).first()  # type: ignore[return-value]


def _totp(actor: Actor) -> None:
    user = actor.user
    assert user is not None
    secret = accounts.new_totp_secret()
    accounts.enable_totp(actor=actor, user=user, secret=secret, code=pyotp.TOTP(secret).now())


def _old_audit_rows() -> None:
    AuditEvent.objects.bulk_create([AuditEvent(action="accounts.logout", operation_id="00000000-0000-0000-0000-000000000000",
                                               actor_name="x", created_at=timezone.now() - datetime.timedelta(days=400))])


def _succeed_regions(actor: Actor) -> None:
    regions = list(Region.objects.current().filter(code__in=["330111206", "330111207"]))
    orgs.succeed_regions(actor=actor, regions=regions, code="330111299", name="合并乡", on_date=datetime.date(2026, 1, 1))


def _open_test_case(actor: Actor) -> Any:
    from sifa.core.cases.services import open_case

    return open_case(actor=actor, case_type="test_case", title="覆盖测试案件")


def _transition_test_case(actor: Actor) -> Any:
    from sifa.core.cases.models import Case
    from sifa.core.cases.services import transition_case

    case = Case.objects.create(case_type="test_case", number="覆盖案号1", year=2026, sequence=1, case_code="cover-1",
                               org=actor.org, state="registered", title="覆盖")
    return transition_case(actor=actor, case=case, transition="withdraw", data={"reason": "测试"})


def _alert(actor: Actor) -> Any:
    from sifa.core.alerts.models import Alert

    return Alert.objects.create(rule_code="deadline.overdue", level="red", org=actor.org, object_type="test",
                                object_id="1", title="覆盖预警", dedup_key="cover:1",
                                step_due_at=timezone.now() - datetime.timedelta(hours=1))


def _act_on_alert(actor: Actor) -> Any:
    from sifa.core.alerts.services import act_on_alert

    return act_on_alert(actor=actor, alert=_alert(actor), action="sign", note="")


def _escalate(actor: Actor) -> Any:
    from sifa.core.alerts.services import escalate_overdue_alerts

    _alert(actor_for("office1"))
    return escalate_overdue_alerts(actor=actor)


def _evaluate(actor: Actor) -> Any:
    from sifa.core.alerts.services import evaluate_alert_rules

    return evaluate_alert_rules(actor=actor)


def _retry_failed_task(actor: Actor) -> Any:
    from django_tasks_db.models import DBTaskResult

    from sifa.core.tasks.jobs import cleanup
    from sifa.core.tasks.services import retry_task

    result = cleanup.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(status="FAILED", traceback="RuntimeError: 覆盖")
    return retry_task(actor=actor, task_run=DBTaskResult.objects.get(pk=result.id))


def _case_with_deadline(actor: Actor) -> Any:
    """A case with a running AR-29 deadline, made without services (so without audit rows)."""
    from sifa.core.cases.models import Case, CaseDeadline

    case = Case.objects.create(case_type="test_case", number="覆盖案号2", year=2026, sequence=2, case_code="cover-2",
                               org=actor.org, state="accepted", title="期限覆盖")
    CaseDeadline.objects.create(case=case, key="decision", rule_id="AR-29", label="复议决定", article="《行政复议法》",
                                start_date=datetime.date(2025, 10, 11), due_date=datetime.date(2025, 12, 10))
    return case


def _suspend(actor: Actor) -> Any:
    from sifa.core.cases.services import suspend_case_deadline

    return suspend_case_deadline(actor=actor, case=_case_with_deadline(actor), key="decision",
                                 stopped_on="2025-11-01", resumed_on="2025-11-10", reason="不可抗力")


def _extend(actor: Actor) -> Any:
    from sifa.core.cases.services import extend_case_deadline

    return extend_case_deadline(actor=actor, case=_case_with_deadline(actor), key="decision", period="三十日",
                                reason="案情复杂", approver="局长")


def _make_checkpoint(actor: Actor) -> Any:
    from django.db import transaction

    from sifa.core.ledger.entries import Entry
    from sifa.core.ledger.services import make_checkpoint
    from sifa.core.ledger.store import append_entry

    with transaction.atomic():
        append_entry(Entry(type="test.coverage", case_id=None, object_hash="", metadata={}, time=timezone.now()))
    return make_checkpoint(actor=actor)


def _generate_document(actor: Actor) -> Any:
    from sifa.core.cases.models import Case
    from sifa.core.documents.services import generate_document

    case = Case.objects.create(case_type="test_case", number="覆盖案号3", year=2026, sequence=3, case_code="cover-3",
                               org=actor.org, state="registered", title="文书覆盖")
    return generate_document(actor=actor, case=case, doc_type="case_summary")


def _generate_org_document(actor: Actor) -> Any:
    from sifa.core.documents.services import generate_org_document

    return generate_org_document(actor=actor, org=actor.org, doc_type="test_org_table", params={"period": "2026-10"})


def _upload_template(actor: Actor) -> Any:
    from sifa.core.documents.layout import LayoutSpec, build_docx
    from sifa.core.documents.services import upload_template

    return upload_template(actor=actor, doc_type="case_summary", content=build_docx(LayoutSpec(title=("覆盖",))))


def _activate_template(actor: Actor) -> Any:
    from sifa.core.documents.services import activate_template

    return activate_template(actor=actor, doc_type="case_summary", version=0)


def _upload_attachment(actor: Actor) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sifa.core.attachments.services import upload_attachment
    from sifa.core.cases.models import Case

    case = Case.objects.create(case_type="test_case", number="覆盖案号4", year=2026, sequence=4, case_code="cover-4",
                               org=actor.org, state="registered", title="附件覆盖")
    return upload_attachment(actor=actor, case=case, file=SimpleUploadedFile("覆盖.txt", "覆盖测试".encode()))


def _record_download(actor: Actor) -> Any:
    from sifa.core.attachments.services import record_download
    from sifa.core.attachments.tests.factories import store_for_test

    return record_download(actor=actor, attachment=store_for_test(org=actor.org, content="覆盖下载".encode()))


def _scoring_scheme() -> Any:
    from sifa.core.scoring.tests.factories import example_without_audit

    return example_without_audit().scheme


def _scoring_period() -> Any:
    from sifa.core.scoring import periods

    return periods.containing(periods.MONTH, timezone.localdate())


def _compute_scores(actor: Actor) -> Any:
    from sifa.core.scoring.services import compute_scores

    return compute_scores(actor=actor, scheme=_scoring_scheme(), period=_scoring_period())


def _adjust_score(actor: Actor) -> Any:
    from sifa.core.scoring.services import adjust_score
    from sifa.core.scoring.tests.factories import current_score_without_audit, example_without_audit

    version = example_without_audit()
    score = current_score_without_audit(version, membership_of("office1").org, _scoring_period())
    return adjust_score(actor=actor, score=score, indicator="A.2", points="5", reason="覆盖测试")


def _import_scheme(actor: Actor) -> Any:
    from sifa.core.scoring.services import import_scheme
    from sifa.core.scoring.tests.factories import example_data

    return import_scheme(actor=actor, data=example_data())


def _export_ranking(actor: Actor) -> Any:
    from sifa.core.scoring.services import export_ranking

    return export_ranking(actor=actor, scheme=_scoring_scheme(), period=_scoring_period(), row_count=3)


def _liaison() -> Any:
    """A 法律明白人 of office1's 司法所, written without a service (so without an audit row)."""
    from sifa.modules.liaisons.tests.factories import make_liaison

    return make_liaison(membership_of("office1").org)


def _liaisons() -> Any:
    from sifa.modules.liaisons import services as liaisons

    return liaisons


def _import_liaisons(actor: Actor) -> Any:
    from sifa.modules.liaisons.tests.factories import new_number, roster

    return _liaisons().import_liaisons(actor=actor, content=roster([["覆盖导入", new_number(), "", "", "覆盖村", "", ""]]))


def _grant_case(actor: Actor, n: int) -> Any:
    from sifa.core.cases.models import Case

    return Case.objects.create(case_type="test_case", number=f"覆盖案号码{n}", year=2026, sequence=100 + n,
                               case_code=f"cover-code-{n}", org=actor.org, state="registered", title="案件码覆盖")


def _grant(case: Any, **fields: Any) -> Any:
    """A grant made without the service (so without an audit row of its own)."""
    from sifa.core.casecodes.models import AccessGrant

    return AccessGrant.objects.create(case=case, issued_by_name="覆盖",
                                      expires_at=timezone.now() + datetime.timedelta(days=1), **fields)


def _issue_grant(actor: Actor) -> Any:
    from sifa.core.casecodes.services import issue_grant

    return issue_grant(actor=actor, case=_grant_case(actor, 1), expires_at=timezone.now() + datetime.timedelta(days=1))


def _revoke_grant(actor: Actor) -> Any:
    from sifa.core.casecodes.services import revoke_grant

    return revoke_grant(actor=actor, grant=_grant(_grant_case(actor, 2), token_hash="0" * 64))


def _use_grant(actor: Actor) -> Any:
    from sifa.core.casecodes.services import record_grant_use

    case = _grant_case(actor_for("office1"), 3)
    return record_grant_use(actor=actor, grant=_grant(case, grantee=actor.user), what="review_page")


def _enter_code(actor: Actor) -> Any:
    from django.contrib.auth.hashers import make_password

    from sifa.core.casecodes.services import enter_access_code

    case = _grant_case(actor, 4)
    _grant(case, token_hash="1" * 64, code_hash=make_password("ABCDEFGH"))
    return enter_access_code(actor=Actor.anonymous(ip="10.0.0.2"), case=case, code="abcd-efgh")


def _export_package(actor: Actor) -> Any:
    from sifa.core.casecodes.services import record_package_export

    return record_package_export(actor=actor, case=_grant_case(actor, 5), items=1, tree_size=1)


def _place(actor: Actor, **fields: Any) -> Any:
    from sifa.modules.legal_services.tests.factories import make_place

    return make_place(actor.org, **fields)


def _create_place(actor: Actor) -> Any:
    from sifa.modules.legal_services.services import create_place
    from sifa.modules.legal_services.tests.factories import place_values

    return create_place(actor=actor, values=place_values(actor.org))


def _update_place(actor: Actor) -> Any:
    from sifa.modules.legal_services.services import update_place

    return update_place(actor=actor, place=_place(actor), values={"opening_hours": "全天"})


def _publish_place(actor: Actor) -> Any:
    from sifa.modules.legal_services.services import publish_place

    return publish_place(actor=actor, place=_place(actor, published=False))


def _unpublish_place(actor: Actor) -> Any:
    from sifa.modules.legal_services.services import unpublish_place

    return unpublish_place(actor=actor, place=_place(actor))


def _add_place_photo(actor: Actor) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sifa.core.attachments.tests.factories import png_bytes
    from sifa.modules.legal_services.services import add_place_photo

    return add_place_photo(actor=actor, place=_place(actor), file=SimpleUploadedFile("覆盖.png", png_bytes()))


def _remove_place_photo(actor: Actor) -> Any:
    from sifa.modules.legal_services.services import remove_place_photo
    from sifa.modules.legal_services.tests.factories import make_photo

    return remove_place_photo(actor=actor, photo=make_photo(_place(actor)))


def _import_places(actor: Actor) -> Any:
    from sifa.modules.legal_services.services import import_places
    from sifa.modules.legal_services.tests.factories import sheet_row, workbook

    return import_places(actor=actor, content=workbook([sheet_row(type="律师事务所", name="覆盖律师事务所", address="覆盖路 1 号",
                                                                  longitude="119.95", latitude="30.05")]))


def _export_places(actor: Actor) -> Any:
    from sifa.modules.legal_services.services import export_places

    return export_places(actor=actor, description="all", row_count=3)


def _worklog(name: str) -> Callable[[Actor], Any]:
    """A recipe of the work log (数字司法所), kept beside its tests."""
    from sifa.modules.judicial_office.tests import worklog_factories

    return getattr(worklog_factories, name)  # type: ignore[no-any-return]


def _plan_task(actor: Actor) -> Any:
    """A manual task of a plan of the actor's org, at the actor's org, made without services (no audit rows)."""
    from sifa.modules.judicial_office.tests.plan_factories import (
        manual_task_without_audit,
        plan_without_audit,
    )

    return manual_task_without_audit(plan_without_audit(actor.org), actor.org)


def _create_plan(actor: Actor) -> Any:
    from sifa.modules.judicial_office.plans import create_plan
    from sifa.modules.judicial_office.tests.plan_factories import next_year

    return create_plan(actor=actor, title="覆盖规划", year=next_year())


def _refresh_plan_progress(actor: Actor) -> Any:
    from sifa.modules.judicial_office.plans import refresh_plan_progress

    _plan_task(actor_for("office1"))
    return refresh_plan_progress(actor=actor)


def _add_plan_item(actor: Actor) -> Any:
    from sifa.modules.judicial_office.plans import add_plan_item
    from sifa.modules.judicial_office.tests.plan_factories import next_year, plan_without_audit

    return add_plan_item(actor=actor, plan=plan_without_audit(actor.org), title="覆盖事项",
                         due_date=datetime.date(next_year(), 6, 30))


def _update_plan_item(actor: Actor) -> Any:
    from sifa.modules.judicial_office.plans import update_plan_item

    item = _plan_task(actor).item
    return update_plan_item(actor=actor, item=item, title="覆盖改名", due_date=item.due_date, recurrence=item.recurrence,
                            target=1, catalogue_item=None, remind_days=5)


def _remove_plan_item(actor: Actor) -> Any:
    from sifa.modules.judicial_office.plans import remove_plan_item

    return remove_plan_item(actor=actor, item=_plan_task(actor).item)


def _mark_plan_task_done(actor: Actor) -> Any:
    from sifa.modules.judicial_office.plans import mark_occurrence_done

    return mark_occurrence_done(actor=actor, occurrence=_plan_task(actor))


def _export_plan_progress(actor: Actor) -> Any:
    from sifa.modules.judicial_office.plans import export_plan_progress

    return export_plan_progress(actor=actor, plan=_plan_task(actor).item.plan, row_count=1)


def _export_cockpit_table(actor: Actor) -> Any:
    from sifa.modules.judicial_office.cockpit import export_cockpit_table, period_from

    return export_cockpit_table(actor=actor, org=actor.org, table="items", period=period_from(), row_count=3)


def _supervision(name: str) -> Callable[[Actor], Any]:
    """A recipe of 社区矫正 · 监督管理 (矫正小组、等级、方案、任务), kept beside its tests."""
    from sifa.modules.correction.tests import supervision_factories

    return getattr(supervision_factories, name)  # type: ignore[no-any-return]


def _movement_recipes() -> dict[str, tuple[str, Callable[[Actor], Any]]]:
    """社区矫正 · 外出、执行地变更、电子定位、月度考核: recipes kept beside their tests."""
    from sifa.modules.correction.tests import movement_factories

    return {name: (user, getattr(movement_factories, fn)) for name, (user, fn) in movement_factories.RECIPES.items()}


def _liberty_recipes() -> dict[str, tuple[str, Callable[[Actor], Any]]]:
    """社区矫正 · 被依法限制人身自由 (CC-22): recipes kept beside their tests (liberty_factories.RECIPES)."""
    from sifa.modules.correction.tests import liberty_factories

    return {name: (user, getattr(liberty_factories, fn)) for name, (user, fn) in liberty_factories.RECIPES.items()}


def _field_report(name: str) -> Callable[[Actor], Any]:
    """A recipe of 社区矫正 · 现场报告（富春微矫正）, kept beside its tests."""
    from sifa.modules.correction.tests import report_factories

    return getattr(report_factories, name)  # type: ignore[no-any-return]


def _sanction_recipes() -> dict[str, tuple[str, Callable[[Actor], Any]]]:
    """社区矫正 · 奖惩与提请: recipes kept beside their tests (sanction_factories.RECIPES)."""
    from sifa.modules.correction.tests import sanction_factories

    return dict(sanction_factories.RECIPES)


def _law_recipes() -> dict[str, tuple[str, Callable[[Actor], Any]]]:
    """法规库: recipes kept beside their tests (sifa/core/laws/tests/factories.RECIPES)."""
    from sifa.core.laws.tests import factories as law_factories

    return dict(law_factories.RECIPES)


def _lifecycle(name: str) -> Callable[[Actor], Any]:
    """A recipe of 社区矫正 · 接收、档案、调查评估、解除, kept beside its tests."""
    from sifa.modules.correction.tests import lifecycle_factories

    return getattr(lifecycle_factories, name)  # type: ignore[no-any-return]


def _draw_recipes() -> dict[str, tuple[str, Callable[[Actor], Any]]]:
    """随机抽取 (sifa/core/draws): recipes kept beside their tests (draws/tests/factories.RECIPES)."""
    from sifa.core.draws.tests import factories as draw_factories

    return dict(draw_factories.RECIPES)


def _cockpit(name: str) -> Callable[[Actor], Any]:
    """A recipe of 社区矫正 · 矫正驾驶舱, kept beside its tests."""
    from sifa.modules.correction.tests import cockpit_factories

    return getattr(cockpit_factories, name)  # type: ignore[no-any-return]


def _enforcement_recipes() -> dict[str, tuple[str, Callable[[Actor], Any]]]:
    """行政执法监督 · 执法主体、执法人员、执法事项: recipes kept beside their tests (factories.RECIPES)."""
    from sifa.modules.enforcement.tests import factories as enforcement_factories

    return dict(enforcement_factories.RECIPES)


def _penalty_recipes() -> dict[str, tuple[str, Callable[[Actor], Any]]]:
    """行政处罚案件: recipes kept beside their tests (penalty_factories.RECIPES)."""
    from sifa.modules.enforcement.tests import penalty_factories

    return {name: (user, getattr(penalty_factories, fn)) for name, (user, fn) in penalty_factories.RECIPES.items()}


def _similar_recipes() -> dict[str, tuple[str, Callable[[Actor], Any]]]:
    """类案检索、裁量预警、复议诉讼结果: recipes kept beside their tests (similar_factories.RECIPES)."""
    from sifa.modules.enforcement.tests import similar_factories

    return {name: (user, getattr(similar_factories, fn)) for name, (user, fn) in similar_factories.RECIPES.items()}


def _dispute_recipes() -> dict[str, tuple[str, Callable[[Actor], Any]]]:
    """行政争议 (非诉执行、AP-29 撤回): recipes kept beside their tests (dispute_factories.RECIPES)."""
    from sifa.modules.enforcement.tests import dispute_factories

    return {name: (user, getattr(dispute_factories, fn)) for name, (user, fn) in dispute_factories.RECIPES.items()}


def _review_recipes() -> dict[str, tuple[str, Callable[[Actor], Any]]]:
    """案卷评查: recipes kept beside their tests (review_factories.RECIPES)."""
    from sifa.modules.enforcement.tests import review_factories

    return dict(review_factories.RECIPES)


def _inspection_recipes() -> dict[str, tuple[str, Callable[[Actor], Any]]]:
    """双随机一公开: recipes kept beside their tests (inspection_factories.RECIPES)."""
    from sifa.modules.enforcement.tests import inspection_factories

    return dict(inspection_factories.RECIPES)


def _dashboard_recipes() -> dict[str, tuple[str, Callable[[Actor], Any]]]:
    """执法监督驾驶舱: recipes kept beside their tests (dashboard_factories.RECIPES)."""
    from sifa.modules.enforcement.tests import dashboard_factories

    return {name: (user, getattr(dashboard_factories, fn)) for name, (user, fn) in dashboard_factories.RECIPES.items()}


RECIPES: dict[str, tuple[str, Callable[[Actor], Any]]] = {
    # 社区矫正 · 接收、档案、调查评估、解除 (sifa/modules/correction/services.py)
    "sifa.modules.correction.services.open_correction": ("corr", lambda a: _lifecycle("cover_open")(a)),
    "sifa.modules.correction.services.move_correction": ("office1", lambda a: _lifecycle("cover_move")(a)),
    "sifa.modules.correction.services.record_subject_view": ("office1", lambda a: _lifecycle("cover_view")(a)),
    "sifa.modules.correction.services.open_minor_file": ("corr", lambda a: _lifecycle("cover_minor")(a)),
    "sifa.modules.correction.services.export_subjects": ("office1", lambda a: _lifecycle("cover_export")(a)),
    "sifa.modules.correction.services.open_assessment": ("corr", lambda a: _lifecycle("cover_assessment_open")(a)),
    "sifa.modules.correction.services.move_assessment": ("corr", lambda a: _lifecycle("cover_assessment_move")(a)),
    # 社区矫正 · 现场报告 (sifa/modules/correction/report_services.py)
    "sifa.modules.correction.report_services.submit_field_report": ("grid1", lambda a: _field_report("cover_submit")(a)),
    "sifa.modules.correction.report_services.decide_suggestion": ("office1", lambda a: _field_report("cover_decide")(a)),
    "sifa.modules.correction.report_services.mark_report_reviewed": ("office1", lambda a: _field_report("cover_reviewed")(a)),
    "sifa.modules.correction.report_services.save_keyword_rule": ("corr", lambda a: _field_report("cover_rule_saved")(a)),
    "sifa.modules.correction.report_services.deactivate_keyword_rule": ("corr", lambda a: _field_report("cover_rule_deactivated")(a)),
    "sifa.modules.correction.report_services.export_field_reports": ("office1", lambda a: _field_report("cover_export")(a)),
    # 社区矫正 · 监督管理 (sifa/modules/correction/supervision_services.py)
    "sifa.modules.correction.supervision_services.add_team_member": ("office1", lambda a: _supervision("cover_add_member")(a)),
    "sifa.modules.correction.supervision_services.remove_team_member": ("office1", lambda a: _supervision("cover_remove_member")(a)),
    "sifa.modules.correction.supervision_services.update_subject_attributes": ("office1", lambda a: _supervision("cover_attributes")(a)),
    "sifa.modules.correction.supervision_services.assess_level": ("office1", lambda a: _supervision("cover_assess")(a)),
    "sifa.modules.correction.supervision_services.draft_plan": ("office1", lambda a: _supervision("cover_draft")(a)),
    "sifa.modules.correction.supervision_services.adjust_plan": ("office1", lambda a: _supervision("cover_adjust")(a)),
    "sifa.modules.correction.supervision_services.edit_plan": ("office1", lambda a: _supervision("cover_edit")(a)),
    "sifa.modules.correction.supervision_services.approve_plan": ("office1", lambda a: _supervision("cover_approve")(a)),
    "sifa.modules.correction.supervision_services.save_plan_rule": ("corr", lambda a: _supervision("cover_save_rule")(a)),
    "sifa.modules.correction.supervision_services.deactivate_plan_rule": ("corr", lambda a: _supervision("cover_deactivate_rule")(a)),
    "sifa.modules.correction.supervision_services.complete_task": ("office1", lambda a: _supervision("cover_complete")(a)),
    "sifa.modules.correction.supervision_services.generate_supervision_tasks": ("admin", lambda a: _supervision("cover_generate")(a)),
    "sifa.modules.correction.supervision_services.mark_missed_tasks": ("admin", lambda a: _supervision("cover_missed")(a)),
    "sifa.modules.correction.supervision_services.export_tasks": ("office1", lambda a: _supervision("cover_export")(a)),
    "sifa.modules.judicial_office.services.save_work_log": ("office1", lambda a: _worklog("cover_save")(a)),
    "sifa.modules.judicial_office.services.upload_work_photo": ("office1", lambda a: _worklog("cover_photo")(a)),
    "sifa.modules.judicial_office.services.request_correction": ("office1", lambda a: _worklog("cover_request")(a)),
    "sifa.modules.judicial_office.services.decide_correction": ("county", lambda a: _worklog("cover_decide")(a)),
    "sifa.modules.judicial_office.services.pull_auto_items": ("admin", lambda a: _worklog("cover_pull")(a)),
    "sifa.modules.judicial_office.services.save_catalogue_item": ("county", lambda a: _worklog("cover_catalogue")(a)),
    "sifa.modules.judicial_office.services.export_work_logs": ("county", lambda a: _worklog("cover_export")(a)),
    "sifa.core.casecodes.services.issue_grant": ("office1", _issue_grant),
    "sifa.core.casecodes.services.revoke_grant": ("office1", _revoke_grant),
    "sifa.core.casecodes.services.record_grant_use": ("reviewer", _use_grant),
    "sifa.core.casecodes.services.enter_access_code": ("county", _enter_code),
    "sifa.core.casecodes.services.record_package_export": ("county", _export_package),
    "sifa.core.ledger.services.make_checkpoint": ("admin", _make_checkpoint),
    "sifa.core.attachments.services.upload_attachment": ("office1", _upload_attachment),
    "sifa.core.attachments.services.record_download": ("office1", _record_download),
    "sifa.core.documents.services.generate_document": ("office1", _generate_document),
    "sifa.core.documents.services.generate_org_document": ("county", _generate_org_document),
    "sifa.core.documents.services.upload_template": ("admin", _upload_template),
    "sifa.core.documents.services.activate_template": ("admin", _activate_template),
    "sifa.core.tasks.services.retry_task": ("admin", _retry_failed_task),
    "sifa.core.alerts.services.evaluate_alert_rules": ("admin", _evaluate),
    "sifa.core.alerts.services.act_on_alert": ("county", _act_on_alert),
    "sifa.core.alerts.services.escalate_overdue_alerts": ("admin", _escalate),
    "sifa.core.cases.services.open_case": ("county", _open_test_case),
    "sifa.core.cases.services.suspend_case_deadline": ("county", _suspend),
    "sifa.core.cases.services.extend_case_deadline": ("county", _extend),
    "sifa.core.cases.services.transition_case": ("county", _transition_test_case),
    "sifa.core.orgs.services.import_regions": ("admin", lambda a: orgs.import_regions(
        actor=a, rows=[RegionRow(1, "330111999", "测试镇")], source="test")),
    "sifa.core.orgs.services.create_org": ("county", lambda a: orgs.create_org(
        actor=Actor.for_membership(membership_of("admin")), name="测试调委会", org_type=OrgType.MEDIATION_COMMITTEE,
        region=Region.objects.get(code="330111001"), parent=_org("杭州市富阳区司法局"))),
    "sifa.core.orgs.services.update_org": ("admin", lambda a: orgs.update_org(
        actor=a, org=_org("杭州市富阳区司法局"), name="杭州市富阳区司法局", address="富阳区金桥北路", phone="0571-1")),
    "sifa.core.orgs.services.succeed_org": ("admin", lambda a: orgs.succeed_org(
        actor=a, org=_org("渔山乡司法所"), name="新渔山司法所", region=Region.objects.get(code="330111207"),
        on_date=datetime.date(2026, 1, 1))),
    "sifa.core.orgs.services.succeed_regions": ("admin", _succeed_regions),
    "sifa.core.accounts.services.create_user": ("admin", _new_user),
    "sifa.core.accounts.services.update_user": ("admin", lambda a: accounts.update_user(
        actor=a, user=User.objects.get(username="office1"), display_name="新名字", phone="", is_active=True)),
    "sifa.core.accounts.services.change_password": ("county", lambda a: accounts.change_password(
        actor=a, user=a.user, password="Changed#2026", old_password="Sifa#2026")),
    "sifa.core.accounts.services.add_membership": ("admin", lambda a: accounts.add_membership(
        actor=a, user=User.objects.get(username="office1"), org=_org("杭州市富阳区司法局"), role=Role.objects.get(code="grid_worker"))),
    "sifa.core.accounts.services.deactivate_membership": ("admin", lambda a: accounts.deactivate_membership(
        actor=a, membership=membership_of("office2"))),
    "sifa.core.accounts.services.enable_totp": ("county", _totp),
    "sifa.core.accounts.services.create_access_token": ("county", lambda a: accounts.create_access_token(
        actor=a, membership=a.membership, name="t")),
    "sifa.core.accounts.services.revoke_access_token": ("county", lambda a: accounts.revoke_access_token(
        actor=a, token=AccessToken.objects.create(user=a.user, membership=a.membership, name="t", prefix="p",
                                                  token_hash=accounts.hash_token("coverage")))),
    "sifa.core.accounts.services.record_login_failure": ("county", lambda a: accounts.record_login_failure(
        actor=Actor.anonymous(ip="10.0.0.1"), username="county", reason="bad_credentials")),
    "sifa.core.accounts.services.record_lockout": ("county", lambda a: accounts.record_lockout(
        actor=Actor.anonymous(ip="10.0.0.1"), username="county", until=timezone.now())),
    "sifa.core.accounts.services.record_login": ("county", lambda a: accounts.record_login(actor=a, two_factor=False)),
    "sifa.core.accounts.services.record_logout": ("county", lambda a: accounts.record_logout(actor=a)),
    "sifa.core.accounts.services.record_session_expired": ("county", lambda a: accounts.record_session_expired(
        actor=a, idle_minutes=30)),
    "sifa.core.audit.services.export_audit_events": ("admin", lambda a: audit.export_audit_events(
        actor=a, queryset_description="all", row_count=1)),
    "sifa.core.audit.services.purge_audit_events": ("admin", lambda a: (_old_audit_rows(), audit.purge_audit_events(
        actor=a, before=timezone.now() - datetime.timedelta(days=365)))),
    "sifa.core.persons.services.register_person": ("county", lambda a: persons.register_person(
        actor=a, name="覆盖测试", id_number=make_id_number(seq=777))),
    "sifa.core.persons.services.update_person": ("county", lambda a: persons.update_person(
        actor=a, person=_fuyang_person(), name="改名", phone="13900000000", address="", region=None)),
    "sifa.core.persons.services.reveal_person_id_number": ("county", lambda a: persons.reveal_person_id_number(
        actor=a, person=_fuyang_person())),
    "sifa.core.persons.services.export_persons": ("county", lambda a: persons.export_persons(
        actor=a, description="all", row_count=3)),
    "sifa.core.persons.services.register_entity": ("county", lambda a: persons.register_entity(
        actor=a, name="覆盖公司", credit_code="91330111MA2AAAAAA" + credit_check_char("91330111MA2AAAAAA"))),
    "sifa.core.deadlines.services.load_calendar_year": ("admin", lambda a: deadlines.load_calendar_year(
        actor=a, year=2027, notice="覆盖测试", rest_days=["2027-01-01"], makeup_days=[])),
    "sifa.core.scoring.services.import_scheme": ("admin", _import_scheme),
    "sifa.core.scoring.services.compute_scores": ("county", _compute_scores),
    "sifa.core.scoring.services.adjust_score": ("county", _adjust_score),
    "sifa.core.scoring.services.export_ranking": ("county", _export_ranking),
    "sifa.modules.liaisons.services.register_liaison": ("office1", lambda a: _liaisons().register_liaison(
        actor=a, name="覆盖明白人", id_number=make_id_number(seq=778), community="覆盖村")),
    "sifa.modules.liaisons.services.update_liaison": ("office1", lambda a: _liaisons().update_liaison(
        actor=a, liaison=(x := _liaison()), org=x.org, community="覆盖村", phone="", appointed_on=x.appointed_on, notes="")),
    "sifa.modules.liaisons.services.record_training": ("office1", lambda a: _liaisons().record_training(
        actor=a, liaison=_liaison(), trained_on=datetime.date(2025, 6, 1), title="覆盖培训", hours="2")),
    "sifa.modules.liaisons.services.record_activity": ("office1", lambda a: _liaisons().record_activity(
        actor=a, liaison=_liaison(), kind="publicity", done_on=datetime.date(2025, 6, 1))),
    "sifa.modules.liaisons.services.grant_reward": ("county", lambda a: _liaisons().grant_reward(
        actor=a, liaison=_liaison(), granted_on=datetime.date(2025, 6, 1), title="覆盖奖励", reason="覆盖", level="county")),
    "sifa.modules.liaisons.services.remove_liaison": ("office1", lambda a: _liaisons().remove_liaison(
        actor=a, liaison=_liaison(), reason="覆盖测试")),
    "sifa.modules.liaisons.services.import_liaisons": ("office1", _import_liaisons),
    "sifa.modules.liaisons.services.export_liaisons": ("county", lambda a: _liaisons().export_liaisons(
        actor=a, description="覆盖", row_count=1)),
    "sifa.modules.legal_services.services.create_place": ("county", _create_place),
    "sifa.modules.legal_services.services.update_place": ("county", _update_place),
    "sifa.modules.legal_services.services.publish_place": ("county", _publish_place),
    "sifa.modules.legal_services.services.unpublish_place": ("office1", _unpublish_place),
    "sifa.modules.legal_services.services.add_place_photo": ("office1", _add_place_photo),
    "sifa.modules.legal_services.services.remove_place_photo": ("county", _remove_place_photo),
    "sifa.modules.legal_services.services.import_places": ("county", _import_places),
    "sifa.modules.legal_services.services.export_places": ("county", _export_places),
    "sifa.modules.judicial_office.plans.create_plan": ("county", _create_plan),
    "sifa.modules.judicial_office.plans.add_plan_item": ("county", _add_plan_item),
    "sifa.modules.judicial_office.plans.update_plan_item": ("county", _update_plan_item),
    "sifa.modules.judicial_office.plans.remove_plan_item": ("county", _remove_plan_item),
    "sifa.modules.judicial_office.plans.mark_occurrence_done": ("office1", _mark_plan_task_done),
    "sifa.modules.judicial_office.plans.refresh_plan_progress": ("admin", _refresh_plan_progress),
    "sifa.modules.judicial_office.plans.export_plan_progress": ("county", _export_plan_progress),
    "sifa.modules.judicial_office.cockpit.export_cockpit_table": ("county", _export_cockpit_table),
    # 社区矫正 · 外出、执行地变更、电子定位、月度考核 (movement_factories.RECIPES)
    **_movement_recipes(),
    # 社区矫正 · 被依法限制人身自由 (liberty_factories.RECIPES)
    **_liberty_recipes(),
    # 社区矫正 · 奖惩与提请 (sanction_factories.RECIPES)
    **_sanction_recipes(),
    **_penalty_recipes(),
    **_inspection_recipes(),
    **_review_recipes(),
    **_dashboard_recipes(),
    **_similar_recipes(),
    **_dispute_recipes(),
    # 行政执法监督 · 执法主体、执法人员、执法事项 (enforcement/tests/factories.RECIPES)
    **_enforcement_recipes(),
    # 法规库 (sifa/core/laws/tests/factories.RECIPES)
    **_law_recipes(),
    # 随机抽取 (sifa/core/draws: factories.RECIPES)
    **_draw_recipes(),
    # 社区矫正 · 矫正驾驶舱 (cockpit_factories.cover_export)
    "sifa.modules.correction.cockpit.export_cockpit_table": ("corr", lambda a: _cockpit("cover_export")(a)),
}

EXEMPT = {
    "sifa.core.demo.generator.load_demo": "runs when the test database is built (conftest); test_demo_load_was_audited checks its row",
}


def test_every_service_has_a_recipe() -> None:
    assert set(registry.services) - set(RECIPES) - set(EXEMPT) == set()
    assert set(RECIPES) | set(EXEMPT) <= set(registry.services)


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_service_writes_exactly_one_audit_event(name: str, db: Any) -> None:
    # given
    username, recipe = RECIPES[name]
    actor = actor_for(username)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    # when
    recipe(actor)
    # then
    new = list(AuditEvent.objects.exclude(pk__in=before))
    assert [e.action for e in new] == [registry.services[name].audit_action]
    assert new[0].action in registry.audit_actions
    assert new[0].actor_name


def test_demo_load_was_audited(db: Any) -> None:
    rows = AuditEvent.objects.filter(action="demo.loaded")
    assert rows.count() == 1
    assert rows.get().changes["persons"] == Person.objects.count()
