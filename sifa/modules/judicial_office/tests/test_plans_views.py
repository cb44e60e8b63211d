"""Work-plan pages: make and assign a plan, add items, the progress matrix, the Excel export, 我的任务 and 确认完成."""

from __future__ import annotations

import datetime
import io
from typing import Any

from openpyxl import load_workbook

from sifa.core.audit.models import AuditEvent
from sifa.core.testing import actor_for, client_for
from sifa.modules.judicial_office import plans
from sifa.modules.judicial_office.choices import OccurrenceStatus
from sifa.modules.judicial_office.models import PlanItem, PlanOccurrence, WorkPlan
from sifa.modules.judicial_office.tests.plan_factories import (
    fuyang_offices,
    next_year,
    org_of,
    other_county_office,
    plan_without_audit,
)

D = datetime.date


def _county_plan_with_monthly_item() -> tuple[WorkPlan, PlanItem]:
    county = actor_for("county")
    plan = plans.create_plan(actor=county, title="富阳区年度工作要点", year=next_year())
    item = plans.add_plan_item(actor=county, plan=plan, title="每月报送排查情况", recurrence="monthly",
                               due_date=D(next_year(), 10, 25))
    return plan, item


def test_the_county_makes_and_assigns_a_plan_on_the_page(db: Any) -> None:
    # given
    client = client_for("county")
    assert "下的 " in client.get("/office/plans/new/").content.decode()
    # when
    response = client.post("/office/plans/new/", {"title": "全区司法所专项行动", "year": next_year(), "description": ""})
    plan = WorkPlan.objects.get(title="全区司法所专项行动")
    added = client.post(f"/office/plans/{plan.pk}/items/", {
        "title": "开展专项排查", "target": 1, "recurrence": "quarterly", "due_date": f"{next_year()}-03-31",
        "remind_days": 5})
    # then
    assert response.status_code == 302 and plan.assigned and plan.org == org_of("county")
    assert added.status_code == 302
    item = plan.items.get()
    assert item.occurrences.count() == 4 * len(fuyang_offices())
    page = client.get(added["Location"]).content.decode()
    assert 'id="progress-matrix"' in page and "第四季度" in page
    assert page.count('data-status="open"') == 4 * len(fuyang_offices())


def test_a_bad_item_is_shown_beside_its_field_and_nothing_is_written(db: Any) -> None:
    # given
    client = client_for("office1")
    plan = plans.create_plan(actor=actor_for("office1"), title="本所规划", year=next_year())
    before = (PlanItem.objects.count(), AuditEvent.objects.filter(action="judicial_office.plan_item.added").count())
    # when
    response = client.post(f"/office/plans/{plan.pk}/items/", {
        "title": "跨年事项", "target": 1, "recurrence": "once", "due_date": f"{next_year() + 1}-01-10",
        "remind_days": 3})
    # then
    assert response.status_code == 400
    assert "完成期限须在规划年度" in response.content.decode()
    assert (PlanItem.objects.count(),
            AuditEvent.objects.filter(action="judicial_office.plan_item.added").count()) == before


def test_an_office_is_not_offered_to_assign(db: Any) -> None:
    page = client_for("office1").get("/office/plans/new/").content.decode()
    assert "自己的工作规划" in page


def test_the_office_sees_only_its_own_row_of_an_assigned_plan(db: Any) -> None:
    # given
    plan, _ = _county_plan_with_monthly_item()
    # when
    page = client_for("office1").get(f"/office/plans/{plan.pk}/").content.decode()
    county_page = client_for("county").get(f"/office/plans/{plan.pk}/").content.decode()
    # then
    assert page.count("data-office=") == 1 and org_of("office1").name in page
    assert org_of("office2").name not in page
    assert county_page.count("data-office=") == len(fuyang_offices())
    assert "添加规划事项" in county_page and "添加规划事项" not in page


def test_another_countys_plan_is_not_found(db: Any) -> None:
    # given
    foreign = plan_without_audit(other_county_office(), title="西湖区规划")
    # when / then
    assert client_for("county").get(f"/office/plans/{foreign.pk}/").status_code == 404
    assert client_for("county").get(f"/office/plans/{foreign.pk}/progress.xlsx").status_code == 404
    assert "西湖区规划" not in client_for("county").get("/office/plans/").content.decode()
    assert "西湖区规划" in client_for("city").get("/office/plans/").content.decode()


def test_progress_export_is_audited_and_holds_the_scope(db: Any) -> None:
    # given
    plan, item = _county_plan_with_monthly_item()
    offices = len(fuyang_offices())
    # when
    response = client_for("county").get(f"/office/plans/{plan.pk}/progress.xlsx")
    office_response = client_for("office1").get(f"/office/plans/{plan.pk}/progress.xlsx")
    # then
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb["完成进度"].iter_rows(min_row=3, values_only=True))
    assert len(rows) == offices * 3 and rows[0][1] == "每月报送排查情况"
    assert {r[0] for r in wb["各所汇总"].iter_rows(min_row=2, values_only=True)} == {o.name for o in fuyang_offices()}
    office_rows = list(load_workbook(io.BytesIO(office_response.content))["完成进度"].iter_rows(min_row=3,
                                                                                                values_only=True))
    assert {r[0] for r in office_rows} == {org_of("office1").name}
    events = AuditEvent.objects.filter(action="judicial_office.plan_progress.exported", object_id=str(plan.pk))
    assert sorted(e.changes["rows"] for e in events) == [3, offices * 3]


def test_my_tasks_lists_the_soonest_first_and_the_office_confirms_one(db: Any) -> None:
    # given
    _, item = _county_plan_with_monthly_item()
    county = actor_for("county")
    manual = plans.add_plan_item(actor=county, plan=item.plan, title="签订责任书", due_date=D(next_year(), 5, 31))
    task = manual.occurrences.get(org=org_of("office1"))
    client = client_for("office1")
    # when
    page = client.get("/office/plans/tasks/").content.decode()
    done = client.post(f"/office/plans/tasks/{task.pk}/done/")
    # then
    assert page.index("签订责任书") < page.index("每月报送排查情况")
    assert page.count("data-occurrence=") == 4 and "确认完成" in page
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == OccurrenceStatus.DONE
    assert f'data-occurrence="{task.pk}"' not in client.get("/office/plans/tasks/").content.decode()
    assert f'data-occurrence="{task.pk}"' in client.get("/office/plans/tasks/?status=done").content.decode()


def test_a_second_confirmation_is_a_message_and_another_office_gets_404(db: Any) -> None:
    # given
    plan = plans.create_plan(actor=actor_for("county"), title="下达", year=next_year())
    item = plans.add_plan_item(actor=actor_for("county"), plan=plan, title="签订责任书", due_date=D(next_year(), 5, 31))
    task = item.occurrences.get(org=org_of("office1"))
    client_for("office1").post(f"/office/plans/tasks/{task.pk}/done/")
    # when
    again = client_for("office1").post(f"/office/plans/tasks/{task.pk}/done/", follow=True)
    other = client_for("office2").post(f"/office/plans/tasks/{task.pk}/done/")
    # then
    assert "该事项已确认完成" in again.content.decode()
    assert other.status_code == 404
    assert AuditEvent.objects.filter(action="judicial_office.plan_occurrence.completed",
                                     object_id=str(task.pk)).count() == 1


def test_item_edit_and_delete_pages(db: Any) -> None:
    # given
    plan, item = _county_plan_with_monthly_item()
    client = client_for("county")
    # when
    form = client.get(f"/office/plans/items/{item.pk}/edit/")
    saved = client.post(f"/office/plans/items/{item.pk}/edit/", {
        "title": "每季度报送排查情况", "target": 1, "recurrence": "quarterly", "due_date": f"{next_year()}-12-25",
        "remind_days": 3})
    office_edit = client_for("office1").get(f"/office/plans/items/{item.pk}/edit/")
    # then
    assert form.status_code == 200 and "每月报送排查情况" in form.content.decode()
    assert saved.status_code == 302
    assert PlanOccurrence.objects.filter(item=item).count() == len(fuyang_offices())
    assert office_edit.status_code == 404  # the county's plan is not in office1's subtree to change
    # when
    deleted = client.post(f"/office/plans/items/{item.pk}/delete/")
    # then
    assert deleted.status_code == 302 and not PlanItem.objects.filter(pk=item.pk).exists()


def test_the_menu_and_pages_fit_a_phone(db: Any) -> None:
    # given
    _county_plan_with_monthly_item()
    # when
    home = client_for("office1").get("/").content.decode()
    tasks = client_for("office1").get("/office/plans/tasks/").content.decode()
    # then: the menu entry, a list (not a wide table) for tasks, a scrolling matrix with a sticky first column
    assert 'href="/office/plans/"' in home and "工作规划" in home
    assert 'class="list-group list-group-flush" id="task-list"' in tasks and "<table" not in tasks
    detail = client_for("county").get(f"/office/plans/{WorkPlan.objects.get(title='富阳区年度工作要点').pk}/")
    assert 'class="table-responsive"' in detail.content.decode() and "position:sticky" in detail.content.decode()
