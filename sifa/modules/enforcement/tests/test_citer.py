"""The 执法事项 citer: power items and discretion rules citing changed, removed or repealed articles."""

from __future__ import annotations

import pytest

from sifa.core.laws.citations import citers
from sifa.modules.enforcement.tests.factories import (
    demo_body,
    make_body,
    make_item,
    make_rule,
    other_county_org,
)

pytestmark = pytest.mark.django_db
BASIS = "设定依据：《测试市容条例》第十七条；处罚依据：《测试市容条例》第三十六条第一款"


def _find(changed: set[tuple[int, int]], removed: set[tuple[int, int]] = set(), repealed: bool = False) -> list:  # noqa: B006
    return list(citers["enforcement.power_item"].find("测试市容条例", changed, removed, repealed))


def test_find_items_and_rules_citing_changed_articles() -> None:
    # given
    item = make_item(demo_body(), basis_text=BASIS)
    other = make_item(make_body(other_county_org()), basis_text="《测试市容条例》第十七条")
    untouched = make_item(demo_body(), basis_text="《测试市容条例》第五条")
    make_item(demo_body(), basis_text=BASIS, active=False)
    make_rule(untouched, basis_text="《中华人民共和国测试市容条例》第三十六条")
    # when
    found = _find({(36, 0)})
    # then
    labels = [f.label for f in found]
    assert len(found) == 2
    assert found[0].org == item.body.org and found[0].articles == [(36, 0)]
    assert f"/enforcement/items/{item.pk}/" in found[0].url
    assert "裁量基准" in labels[1] and found[1].articles == [(36, 0)]
    assert other.body.org not in [f.org for f in _find({(36, 0)})]
    assert {f.org for f in _find(set(), {(17, 0)})} == {item.body.org, other.body.org}


def test_repealed_law_finds_every_citing_item() -> None:
    make_item(demo_body(), basis_text="《测试市容条例》第五条")
    assert len(_find(set(), set(), repealed=True)) >= 1
    assert _find({(99, 0)}) == []
