"""Org tree pages: the actor lands on its own org and can drill down, never up or sideways."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from sifa.core.accounts.actor import Actor
from sifa.core.orgs.models import Org
from sifa.core.orgs.services import succeed_org
from sifa.core.testing import client_for, membership_of

pytestmark = pytest.mark.django_db


def page_body(html: str) -> str:
    """The page's own content, without the header that shows the actor's own org path."""
    return html[html.index('<div class="page-header'):]


def without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


@pytest.mark.parametrize("username", ["county", "office1", "city", "admin"])
def test_tree_redirects_to_the_actor_org(username):
    # when
    response = client_for(username).get(reverse("orgs:tree"))

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:detail", args=[membership_of(username).org.pk])


def test_county_page_lists_its_children_with_counts(county_org):
    # when
    response = client_for("county").get(reverse("orgs:detail", args=[county_org.pk]))

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "下级机构（33）" in html
    office = membership_of("office1").org
    row = re.search(rf'<a href="{reverse("orgs:detail", args=[office.pk])}">{office.name}</a>.*?</tr>', html, re.S)
    assert row is not None
    counts = re.findall(r'<td class="text-end sifa-count[^"]*">(\d+)</td>', row.group(0))
    assert counts == ["2", "1", str(office.persons.count()), "4"]


def test_breadcrumb_stops_at_the_actor_org(county_org):
    # given
    office = membership_of("office1").org

    # when
    html = client_for("county").get(reverse("orgs:detail", args=[office.pk])).content.decode()

    # then
    crumbs = html[html.index('aria-label="机构层级"'):]
    crumbs = crumbs[:crumbs.index("</ol>")]
    assert county_org.name in crumbs
    assert "杭州市司法局" not in crumbs
    assert "浙江省司法厅" not in crumbs


@pytest.mark.parametrize(("username", "target"), [
    ("county", lambda: membership_of("city").org),  # its own parent
    ("county", lambda: Org.objects.get(region__code="3302", type="justice_bureau")),  # 宁波, sideways
    ("office1", lambda: membership_of("office2").org),  # the neighbouring 司法所
    ("office1", lambda: membership_of("county").org),
])
def test_org_outside_scope_is_not_found(username, target):
    # when
    response = client_for(username).get(reverse("orgs:detail", args=[target().pk]))

    # then
    assert response.status_code == 404
    body = page_body(response.content.decode())
    assert "未找到" in body
    assert target().name not in body


def test_org_outside_scope_answers_like_a_missing_org():
    # given
    client = client_for("office1")
    missing = Org.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000

    # when
    other = client.get(reverse("orgs:detail", args=[membership_of("office2").org.pk]))
    absent = client.get(reverse("orgs:detail", args=[missing]))

    # then
    assert other.status_code == absent.status_code == 404
    assert without_tokens(other.content.decode()) == without_tokens(absent.content.decode())


def test_tree_without_orgs_view_is_forbidden():
    # when: the court's external reviewer has no permissions at all
    response = client_for("reviewer").get(reverse("orgs:tree"))

    # then
    assert response.status_code == 403


def test_closed_org_page_links_to_its_successor(county_org):
    # given
    office = membership_of("office2").org
    new = succeed_org(actor=Actor.system("pytest"), org=office, name="春江街道司法所（新）", region=office.region,
                      on_date=datetime.date(2024, 1, 1))

    # when
    old_page = client_for("county").get(reverse("orgs:detail", args=[office.pk])).content.decode()
    county_page = client_for("county").get(reverse("orgs:detail", args=[county_org.pk])).content.decode()

    # then
    assert "已撤销" in old_page
    assert f'<a href="{reverse("orgs:detail", args=[new.pk])}">春江街道司法所（新）</a>' in old_page
    assert "春江街道司法所（新）" in county_page
    assert f'href="{reverse("orgs:detail", args=[office.pk])}"' not in county_page
