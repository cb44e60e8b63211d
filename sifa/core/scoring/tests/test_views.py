"""Scoring pages through the test client: list, tree, ranking, Excel export, score detail, compute, adjust."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sifa.core.audit.models import AuditEvent
from sifa.core.scoring import periods
from sifa.core.scoring.models import Adjustment, SchemeVersion, Score
from sifa.core.scoring.services import compute_scores
from sifa.core.scoring.tests.factories import make_case, other_county_office, withdraw
from sifa.core.testing import actor_for, client_for, membership_of


def month() -> periods.Period:
    return periods.containing(periods.MONTH, timezone.localdate())


@pytest.fixture
def scored(version: SchemeVersion) -> Score:
    """office1 with two cases this month (one withdrawn), computed for every 富阳区 司法所."""
    office = membership_of("office1").org
    today = timezone.localdate()
    make_case(office, today, title="评分页面案件甲")
    withdraw(make_case(office, today, state="accepted", title="评分页面案件乙"), today)
    compute_scores(actor=actor_for("county"), scheme=version.scheme, period=month())
    return Score.objects.get(subject_id=office.pk, is_current=True)


def test_scheme_list_and_tree(version: SchemeVersion) -> None:
    client = client_for("office1")
    page = client.get(reverse("scoring:scheme_list")).content.decode()
    assert "测试司法所月度考核" in page and "第1版" in page
    tree = client.get(reverse("scoring:scheme_detail", args=[version.scheme.pk])).content.decode()
    for text in ("A.1.1", "每件 2 分，上限 30 分", "每件扣 5 分，最多扣 20 分", "人工评分，上限 20 分", "测试案件立案",
                 "负面清单", "由考核组评定"):
        assert text in tree


def test_menu_entry_only_with_the_permission(db: None) -> None:
    assert reverse("scoring:scheme_list") in client_for("office1").get("/").content.decode()
    assert reverse("scoring:scheme_list") not in client_for("officer").get("/").content.decode()


def test_ranking_lists_subjects_in_scope_with_part_breakdown_and_sorts(scored: Score, version: SchemeVersion) -> None:
    xihu = other_county_office()
    compute_scores(actor=actor_for("province"), scheme=version.scheme, period=month(), subjects=[xihu.pk])
    url = reverse("scoring:ranking", args=[version.scheme.pk])
    response = client_for("county").get(url, {"period": month().key})
    page = response.content.decode()
    assert response.status_code == 200
    assert scored.subject_label in page and xihu.name not in page
    assert "基础工作" in page and "负面清单" in page and month().label in page
    by_subject = client_for("county").get(url, {"period": month().key, "sort": "subject"})
    assert by_subject.status_code == 200
    assert client_for("county").get(url, {"period": "2026-13"}).status_code == 400


def test_ranking_defaults_to_the_latest_computed_period(scored: Score) -> None:
    page = client_for("county").get(reverse("scoring:ranking", args=[scored.scheme_id])).content.decode()
    assert month().label in page and scored.subject_label in page


def test_excel_export_is_audited_and_scoped(scored: Score) -> None:
    office = membership_of("office1").org
    response = client_for("office1").get(reverse("scoring:ranking_export", args=[scored.scheme_id]),
                                         {"period": month().key})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("名次", "考核对象", "所属机构", "总分")
    assert [r[1] for r in rows[2:]] == [office.name]  # office1 sees only its own office
    assert Decimal(str(rows[2][3])) == scored.total
    event = AuditEvent.objects.filter(action="scoring.ranking.exported").latest("id")
    assert event.changes == {"period": month().key, "period_label": month().label, "rows": 1}


def test_score_detail_explains_each_point_with_links_to_the_records(scored: Score) -> None:
    page = client_for("office1").get(reverse("scoring:score_detail", args=[scored.pk])).content.decode()
    assert "评分页面案件甲" in page and "评分页面案件乙" in page
    case_id = scored.lines.get(code="A.1.1").facts[0]["ref"]["id"]
    assert f'href="/cases/{case_id}/"' in page
    assert "当前结果" in page and "计算历史" in page
    assert 'id="recompute"' not in page and "人工调整" not in page  # office staff: view only


def test_recompute_button_keeps_history_and_redirects_to_the_new_result(scored: Score) -> None:
    client = client_for("county")
    response = client.post(reverse("scoring:compute", args=[scored.scheme_id]),
                           {"period": month().key, "subject": scored.subject_id})
    new = Score.objects.get(subject_id=scored.subject_id, is_current=True)
    assert response.status_code == 302 and response["Location"] == reverse("scoring:score_detail", args=[new.pk])
    assert new.pk != scored.pk
    old_page = client.get(reverse("scoring:score_detail", args=[scored.pk])).content.decode()
    assert "历史结果" in old_page and reverse("scoring:score_detail", args=[new.pk]) in old_page


def test_compute_for_the_whole_scope_from_the_ranking(version: SchemeVersion) -> None:
    response = client_for("county").post(reverse("scoring:compute", args=[version.scheme.pk]), {"period": month().key})
    assert response.status_code == 302 and f"period={month().key}" in response["Location"]
    assert Score.objects.filter(scheme=version.scheme, is_current=True).exists()
    bad = client_for("county").post(reverse("scoring:compute", args=[version.scheme.pk]), {"period": "x"})
    assert bad.status_code == 302  # back to the ranking with the message


def test_adjust_form(scored: Score) -> None:
    client = client_for("county")
    url = reverse("scoring:adjust", args=[scored.pk])
    refused = client.post(url, {"indicator": "A.2", "points": "30", "reason": "很好"})
    assert refused.status_code == 400 and "超过上限 20 分" in refused.content.decode()
    assert not Adjustment.objects.exists()
    done = client.post(url, {"indicator": "A.2", "points": "12", "reason": "台账规范"})
    new = Score.objects.get(subject_id=scored.subject_id, is_current=True)
    assert done.status_code == 302 and new.total == scored.total + 12
    page = client.get(reverse("scoring:score_detail", args=[new.pk])).content.decode()
    assert "台账规范" in page and "+12" in page


def test_pages_out_of_scope_are_not_found(scored: Score, version: SchemeVersion) -> None:
    xihu = other_county_office()
    [foreign] = compute_scores(actor=actor_for("province"), scheme=version.scheme, period=month(), subjects=[xihu.pk])
    client = client_for("county")
    assert client.get(reverse("scoring:score_detail", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("scoring:adjust", args=[foreign.pk]),
                       {"indicator": "A.2", "points": "1", "reason": "x"}).status_code == 404
