"""Correction cases are handled on the module's pages only (CaseType.page): the core case pages and API
leave them out, redirect to the subject page and refuse to open or move them (their steps would skip
the module's own writes: received_on, the term, the minor flag)."""

from __future__ import annotations

import json
from typing import Any

from sifa.core.testing import client_for
from sifa.modules.correction.tests.factories import make_correction


def test_core_case_list_leaves_correction_cases_out(db: Any) -> None:
    # given
    detail = make_correction(state="under_correction")
    client = client_for("office1")
    # when
    page = client.get("/cases/").content.decode()
    api = client.get("/api/v1/cases?page_size=200").json()
    # then
    assert detail.case.number not in page
    assert all(row["id"] != detail.pk for row in api["items"])


def test_core_case_page_redirects_to_the_subject_page(db: Any) -> None:
    # given
    detail = make_correction(state="under_correction")
    # when
    response = client_for("office1").get(f"/cases/{detail.pk}/")
    outside = client_for("office2").get(f"/cases/{detail.pk}/")
    # then
    assert response.status_code == 302 and response["Location"] == f"/correction/{detail.pk}/"
    assert outside.status_code == 404


def test_core_api_refuses_to_open_or_move_a_correction_case(db: Any) -> None:
    # given
    detail = make_correction(state="under_correction")
    client = client_for("corr")
    # when
    moved = client.post(f"/api/v1/cases/{detail.pk}/transitions", data=json.dumps({"name": "discharge", "data": {}}),
                        content_type="application/json")
    opened = client.post("/api/v1/cases", data=json.dumps({"type": "correction", "title": "绕过模块立案"}),
                         content_type="application/json")
    read = client.get(f"/api/v1/cases/{detail.pk}")
    # then
    assert moved.status_code == 404 and read.status_code == 404
    assert opened.status_code == 400 and "社区矫正" in opened.json()["detail"]
    detail.case.refresh_from_db()
    assert detail.case.state == "under_correction"
