"""The tasks page and API: failed runs visible with their error, retry button and endpoint, admins only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from sifa.core.audit.models import AuditEvent
from sifa.core.tasks.compat import TaskResultStatus
from sifa.core.tasks.models import TaskRetry
from sifa.core.tasks.tests import sample_tasks
from sifa.core.testing import DEMO_USERS, client_for
from sifa.core.testing.openapi import assert_matches_openapi

pytestmark = pytest.mark.django_db

LIST_URL = reverse("tasks:list")
RETRY_URL = reverse("tasks:retry")
NON_ADMINS = [u for u in DEMO_USERS if u != "admin"]


def api(client: Client, method: str, path: str, params: dict[str, str] | None = None) -> tuple[int, Any]:
    """Call the API and check the answer against the committed OpenAPI document."""
    response = client.generic(method, path + ("?" + urlencode(params) if params else ""), content_type="application/json")
    body = response.json() if response.content else None
    assert_matches_openapi(method, path, response.status_code, response["Content-Type"], body)
    return response.status_code, body


@pytest.fixture
def failed(run_worker, settings) -> DBTaskResult:  # type: ignore[no-untyped-def]
    """A task that failed on all three attempts, through the real worker."""
    settings.SIFA_TASKS_RETRY_BACKOFF_SECONDS = 0
    result = sample_tasks.always_fails.enqueue()
    run_worker()
    return DBTaskResult.objects.get(pk=result.id)


def test_failed_task_shows_on_the_page_with_its_error_and_a_retry_button(failed) -> None:  # type: ignore[no-untyped-def]
    response = client_for("admin").get(LIST_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-task-id="{failed.pk}" data-state="FAILED"' in html
    assert "RuntimeError: 模拟失败：外部系统无响应" in html
    assert "3/3" in html
    assert f'name="task" value="{failed.pk}"' in html and "重试</button>" in html
    assert 'data-job="tasks.cleanup"' in html  # the periodic jobs table


def test_page_filters_by_state(failed) -> None:  # type: ignore[no-untyped-def]
    ok = sample_tasks.noop.enqueue()
    html = client_for("admin").get(LIST_URL, {"state": "READY"}).content.decode()
    assert str(ok.id) in html and str(failed.pk) not in html
    assert client_for("admin").get(LIST_URL, {"state": "BOGUS"}).status_code == 400


def test_failed_task_shows_in_the_api(failed) -> None:  # type: ignore[no-untyped-def]
    status, body = api(client_for("admin"), "GET", "/api/v1/tasks", {"state": "FAILED"})
    assert status == 200
    (item,) = [i for i in body["items"] if i["id"] == str(failed.pk)]
    assert item["state"] == "FAILED" and item["state_label"] == "失败"
    assert item["attempts"] == 3 and item["max_attempts"] == 3
    assert item["error"] == "RuntimeError: 模拟失败：外部系统无响应"
    assert item["can_retry"] is True and item["retried_as"] is None
    assert item["task"] == sample_tasks.always_fails.module_path


def test_retry_button_re_enqueues(failed) -> None:  # type: ignore[no-untyped-def]
    response = client_for("admin").post(RETRY_URL, {"task": str(failed.pk)})
    assert response.status_code == 302
    retry = TaskRetry.objects.get(original=failed)
    assert DBTaskResult.objects.get(pk=retry.new_task_id).status == TaskResultStatus.READY
    assert any("已重新排队" in str(m) for m in get_messages(response.wsgi_request))
    assert AuditEvent.objects.filter(action="tasks.task.retried", object_id=str(failed.pk)).count() == 1
    # the page now says where it went and offers no second retry
    html = client_for("admin").get(LIST_URL).content.decode()
    assert f"已重试 → <span class=\"text-break\">{retry.new_task_id}</span>" in html
    assert f'name="task" value="{failed.pk}"' not in html


def test_retry_button_without_a_task_says_so() -> None:
    response = client_for("admin").post(RETRY_URL, {"task": "not-a-uuid"})
    assert response.status_code == 302
    assert any("任务编号格式不正确" in str(m) for m in get_messages(response.wsgi_request))


def test_api_retry(failed) -> None:  # type: ignore[no-untyped-def]
    client = client_for("admin")
    status, body = api(client, "POST", f"/api/v1/tasks/{failed.pk}/retry")
    assert status == 201
    assert body["state"] == "READY" and body["task"] == sample_tasks.always_fails.module_path
    status, problem = api(client, "POST", f"/api/v1/tasks/{failed.pk}/retry")
    assert status == 409
    assert problem["code"] == "task_not_retryable" and "重新排队" in problem["detail"]
    listed = api(client, "GET", "/api/v1/tasks", {"state": "FAILED"})[1]["items"]
    assert [i["retried_as"] for i in listed if i["id"] == str(failed.pk)] == [body["id"]]


def test_api_retry_of_a_bad_or_unknown_id() -> None:
    client = client_for("admin")
    status, problem = api(client, "POST", "/api/v1/tasks/nope/retry")
    assert status == 400 and problem["errors"][0]["field"] == "task_id"
    assert api(client, "POST", "/api/v1/tasks/00000000-0000-0000-0000-000000000000/retry")[0] == 404


def test_api_periodic_jobs() -> None:
    status, body = api(client_for("admin"), "GET", "/api/v1/tasks/periodic-jobs")
    assert status == 200
    (cleanup,) = [j for j in body["items"] if j["name"] == "tasks.cleanup"]
    assert cleanup["interval_seconds"] == 3600 and cleanup["label"] == "清理过期任务记录与登录失败记录"


@pytest.mark.parametrize("username", NON_ADMINS)
def test_non_admins_get_403_and_nothing_is_retried(username: str, failed) -> None:  # type: ignore[no-untyped-def]
    client = client_for(username)
    assert client.get(LIST_URL).status_code == 403
    assert client.post(RETRY_URL, {"task": str(failed.pk)}).status_code == 403
    assert client.get("/api/v1/tasks").status_code == 403
    assert client.get("/api/v1/tasks/periodic-jobs").status_code == 403
    assert client.post(f"/api/v1/tasks/{failed.pk}/retry", content_type="application/json").status_code == 403
    assert not TaskRetry.objects.exists()
    assert "后台任务" not in client.get(reverse("ui:home")).content.decode()


def test_menu_entry_for_admins() -> None:
    assert f'href="{LIST_URL}"' in client_for("admin").get(reverse("ui:home")).content.decode()


def test_page_counts_runs_per_state(failed, settings) -> None:  # type: ignore[no-untyped-def]
    # given: one failed, one queued, one waiting for its retry
    sample_tasks.noop.enqueue()
    waiting = sample_tasks.noop.enqueue()
    DBTaskResult.objects.filter(pk=waiting.id).update(traceback="RuntimeError: 上次失败", worker_ids=["w"])
    # when
    html = client_for("admin").get(LIST_URL).content.decode()
    # then
    for state, n in {"FAILED": 1, "READY": 1, "RETRYING": 1, "RUNNING": 0}.items():
        assert f'data-state="{state}">{n}</span>' in html
