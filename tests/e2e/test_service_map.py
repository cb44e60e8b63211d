"""数字法务地图 on a phone with a tile server that never answers: the list filters, Leaflet still draws
the markers, 离我最近 sorts by the browser's position (and says so clearly when it is refused), and a
place's page shows its position and a tel: link. Done-when of issue 5: "the map works without tiles"."""

from __future__ import annotations

from typing import Any

import pytest

from sifa.modules.legal_services.models import ServicePlace
from tests.e2e.conftest import E2E

DEAD_TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # port 9 (discard): nothing listens, every tile fails


@pytest.fixture
def dead_tiles(settings: Any) -> None:
    settings.SIFA_MAP_TILE_URL = DEAD_TILES
    settings.SIFA_MAP_TILE_LABEL_URL = ""
    settings.SIFA_MAP_TILE_ATTRIBUTION = "测试底图（不可达）"


def _forget_dead_tiles(e2e: E2E) -> None:
    """The tile requests fail on purpose; every other browser problem still fails the test."""
    p = e2e.problems
    assert any("127.0.0.1:9/" in f for f in p.failed_requests), "the page never asked the tile server"
    p.failed_requests[:] = [f for f in p.failed_requests if "http://127.0.0.1:9/" not in f]
    p.console[:] = [(text, url) for text, url in p.console if not url.startswith("http://127.0.0.1:9/")]


def _listed(page: Any) -> list[int]:
    return [int(i) for i in page.locator("#place-list .place-item").evaluate_all("els => els.map(e => e.dataset.id)")]


def test_map_without_tiles_filters_sorts_by_distance_and_opens_a_place(e2e_phone: E2E, dead_tiles: None) -> None:
    e2e, page = e2e_phone, e2e_phone.page
    published = ServicePlace.objects.filter(published=True)

    # The whole list, and one marker per place although no tile loads.
    e2e.goto("/map/")
    markers = page.locator("#place-map path.sifa-place-marker")
    markers.first.wait_for()
    assert len(_listed(page)) == published.count() > 20
    assert markers.count() == published.count()
    assert page.locator(".leaflet-tile-loaded").count() == 0
    assert page.locator(".leaflet-control-attribution").inner_text().strip().endswith("测试底图（不可达）")
    e2e.no_horizontal_overflow()
    e2e.shot("service-map-390")

    # Filter by type: the page reloads with ?type=, the list shrinks and the markers follow it.
    with page.expect_navigation():
        page.select_option("#f-type", "judicial_office")
    offices = published.filter(type="judicial_office")
    assert "type=judicial_office" in page.url
    markers.first.wait_for()
    assert sorted(_listed(page)) == sorted(offices.values_list("pk", flat=True))
    assert 0 < len(_listed(page)) < published.count()
    assert markers.count() == offices.count()
    assert page.locator("#place-count").inner_text().strip() == f"筛选出 {offices.count()} 处"

    # 离我最近: standing next to the last office in the list, it comes first and the list is in distance order.
    target = ServicePlace.objects.get(pk=_listed(page)[-1])
    page.context.grant_permissions(["geolocation"], origin=e2e.base_url)
    page.context.set_geolocation({"latitude": float(target.latitude) + 0.0005, "longitude": float(target.longitude)})
    page.click("#nearest-button")
    page.locator("#place-list.sorted-by-distance").wait_for()
    assert _listed(page)[0] == target.pk
    distances = [int(d) for d in page.locator("#place-list .place-item").evaluate_all(
        "els => els.map(e => e.dataset.distance)")]
    assert distances == sorted(distances) and 40 < distances[0] < 70
    assert page.locator("#place-list .place-item").first.locator(".place-distance").inner_text().strip() == "60 米"
    assert "已按与您的距离由近到远排序" in page.locator("#geo-message").inner_text()
    assert page.locator("#place-map path.sifa-me-marker").count() == 1
    e2e.no_horizontal_overflow()
    e2e.shot("service-map-nearest-390")

    # A place's page: everything, a still map with its one marker, a tel: link.
    with page.expect_navigation():
        page.locator("#place-list .place-item").first.locator("a.place-name").click()
    assert page.url.endswith(f"/map/places/{target.pk}/")
    assert page.locator(".page-title").inner_text().strip() == target.name
    page.locator("#place-map path.sifa-place-marker").wait_for()
    assert page.locator("#place-map path.sifa-place-marker").count() == 1
    assert page.locator("#place-tel").get_attribute("href") == "tel:" + target.phone.replace("-", "")
    assert target.address in page.locator("#place-address").inner_text()
    e2e.no_horizontal_overflow()
    e2e.shot("service-place-390")
    _forget_dead_tiles(e2e)


def test_refused_location_says_so(e2e_phone: E2E, dead_tiles: None) -> None:
    e2e, page = e2e_phone, e2e_phone.page
    e2e.goto("/map/?type=law_firm")
    before = _listed(page)
    page.context.clear_permissions()
    page.click("#nearest-button")
    message = page.locator("#geo-message")
    message.wait_for()
    page.wait_for_function("!document.getElementById('geo-message').textContent.includes('正在获取')")
    assert "您未允许本网站获取位置，无法按距离排序" in message.inner_text()
    assert _listed(page) == before  # the order is left alone
    e2e.shot("service-map-denied-390")
    _forget_dead_tiles(e2e)
