"""Pages: lists, details, forms (errors beside the field, nothing written), scope (another county → 404)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from sifa.core.testing import client_for
from sifa.modules.enforcement.models import DiscretionRule, EnforcementOfficer, PowerItem
from sifa.modules.enforcement.tests.factories import (
    demo_body,
    make_body,
    make_item,
    make_officer,
    make_rule,
    new_number,
    other_county_org,
)

pytestmark = pytest.mark.django_db


def test_lists_show_the_demo_roster_and_filters() -> None:
    client = client_for("county")
    html = client.get(reverse("enforcement:officer_list")).content.decode()
    assert "杭州市富阳区综合行政执法局" in html and "不可执法" in html
    expiring = client.get(reverse("enforcement:officer_list") + "?expiring=true")
    assert expiring.status_code == 200 and len(expiring.context["rows"]) == 2  # 20 days left + expired (demo)
    assert client.get(reverse("enforcement:officer_list") + "?status=bad").context["filter_error"]
    assert client.get(reverse("enforcement:body_list")).context["page"].paginator.count >= 1
    items = client.get(reverse("enforcement:item_list") + "?kind=penalty")
    assert items.context["page"].paginator.count == 7


def test_item_detail_shows_articles_and_discretion_rules() -> None:
    item = PowerItem.objects.get(body=demo_body(), code__endswith="CF-003")
    html = client_for("officer").get(reverse("enforcement:item_detail", args=[item.pk])).content.decode()
    assert "《城市道路管理条例》第42条" in html and "处罚依据" in html
    assert "2,000.00 至 10,000.00 元" in html
    assert "新增裁量基准" not in html  # officer: view only


def test_officer_detail_masks_the_number_and_lists_problems() -> None:
    officer = make_officer(demo_body(), is_auxiliary=True)
    html = client_for("county").get(reverse("enforcement:officer_detail", args=[officer.pk])).content.decode()
    assert officer.person.id_number_masked in html and "辅助人员不得从事执法" in html


def test_another_countys_records_are_404_on_every_page() -> None:
    body = make_body(other_county_org())
    officer = make_officer(body)
    item = make_item(body)
    rule = make_rule(item)
    client = client_for("county")
    for name, pk in [("body_detail", body.pk), ("body_edit", body.pk), ("officer_detail", officer.pk),
                     ("officer_edit", officer.pk), ("item_detail", item.pk), ("item_edit", item.pk),
                     ("rule_create", item.pk), ("rule_edit", rule.pk)]:
        assert client.get(reverse(f"enforcement:{name}", args=[pk])).status_code == 404, name


def test_officer_create_page_creates_and_shows_errors_beside_the_field() -> None:
    client = client_for("county")
    data = {"name": "页面执法员", "id_number": new_number(), "body": demo_body().pk, "certificate_number": "bad",
            "certificate_scope": ["comprehensive"], "valid_from": "2025-01-01"}
    before = EnforcementOfficer.objects.count()
    response = client.post(reverse("enforcement:officer_create"), data)
    assert response.status_code == 400 and "执法证号格式不正确" in response.content.decode()
    assert EnforcementOfficer.objects.count() == before
    data["certificate_number"] = "YM20250001"
    response = client.post(reverse("enforcement:officer_create"), data)
    officer = EnforcementOfficer.objects.get(certificate_number="YM20250001")
    assert response.status_code == 302 and officer.valid_until == datetime.date(2029, 12, 31)


def test_item_and_rule_forms() -> None:
    client = client_for("county")
    response = client.post(reverse("enforcement:item_create"), {
        "body": demo_body().pk, "code": "PG-1", "name": "页面事项", "kind": "penalty", "field": "city_appearance",
        "penalty_types": ["fine"], "basis_text": "《城市市容和环境卫生管理条例》第三十八条"})
    item = PowerItem.objects.get(code="PG-1")
    assert response.status_code == 302
    response = client.post(reverse("enforcement:rule_create", args=[item.pk]), {
        "rule-circumstance": "ordinary", "rule-penalty_type": "fine", "rule-party_type": "any",
        "rule-min_amount": "300", "rule-max_amount": "100", "rule-order": "0"})
    assert response.status_code == 400 and "下限不能高于上限" in response.content.decode()
    response = client.post(reverse("enforcement:rule_create", args=[item.pk]), {
        "rule-circumstance": "ordinary", "rule-penalty_type": "fine", "rule-party_type": "any",
        "rule-min_amount": "100", "rule-max_amount": "300", "rule-order": "0"})
    assert response.status_code == 302 and DiscretionRule.objects.filter(item=item).count() == 1
    rule = DiscretionRule.objects.get(item=item)
    assert client.get(reverse("enforcement:rule_edit", args=[rule.pk])).status_code == 200
    assert client.get(reverse("enforcement:item_edit", args=[item.pk])).status_code == 200


def test_body_pages() -> None:
    client = client_for("county")
    body = demo_body()
    assert client.get(reverse("enforcement:body_create")).status_code == 200
    html = client.get(reverse("enforcement:body_detail", args=[body.pk])).content.decode()
    assert "《浙江省综合行政执法条例》第七条" in html
    response = client.post(reverse("enforcement:body_edit", args=[body.pk]), {
        "name": body.name, "kind": "entrusted_organisation", "legal_basis": "x", "active": "on"})
    assert response.status_code == 400 and "受委托组织须写明委托机关" in response.content.decode()


def test_basis_citations_render_through_the_law_library_filter() -> None:
    item = PowerItem.objects.get(body=demo_body(), code__endswith="JC-001")
    html = client_for("county").get(reverse("enforcement:item_detail", args=[item.pk])).content.decode()
    start = html.index('id="item-basis"')
    basis = html[start:html.index("</div>", start)]
    assert "浙江省综合行政执法条例" in basis and ("<a " in basis or "法规库未收录" in basis)
