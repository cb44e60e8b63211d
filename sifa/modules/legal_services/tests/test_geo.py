"""Distances, coordinates, the near parameter and the map pages' CSP (pure functions, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from sifa.core.errors import ValidationFailed
from sifa.modules.legal_services.geo import (
    clean_coordinates,
    csp_with_tiles,
    distance_label,
    haversine_m,
    map_config,
    parse_near,
)

POLICY = "default-src 'self'; img-src 'self' data: blob:; connect-src 'self'"


def test_haversine_matches_known_distances() -> None:
    # 北京天安门 → 上海人民广场 is about 1,067 km along the great circle
    assert haversine_m(39.9087, 116.3975, 31.2304, 121.4737) == pytest.approx(1_067_000, rel=0.01)
    # one degree of latitude is about 111.2 km
    assert haversine_m(30.0, 120.0, 31.0, 120.0) == pytest.approx(111_195, rel=0.001)
    assert haversine_m(30.05, 119.95, 30.05, 119.95) == 0


def test_distance_label() -> None:
    assert distance_label(847) == "850 米"
    assert distance_label(3_240) == "3.2 公里"
    assert distance_label(27_400) == "27 公里"


def test_clean_coordinates_rounds_to_six_decimals() -> None:
    assert clean_coordinates("119.9601234", " 30.05 ") == (Decimal("119.960123"), Decimal("30.050000"))


@pytest.mark.parametrize(("lng", "lat", "field", "text"), [
    ("", "30.05", "longitude", "请填写经度"),
    ("119.95", "abc", "latitude", "纬度应为十进制度数"),
    ("19.95", "30.05", "longitude", "不在中国范围内"),
    ("119.95", "60.1", "latitude", "不在中国范围内"),
    ("30.05", "119.95", "longitude", "经度与纬度似乎填反了"),
])
def test_clean_coordinates_refuses(lng: str, lat: str, field: str, text: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        clean_coordinates(lng, lat)
    assert caught.value.field == field
    assert text in caught.value.message


def test_parse_near() -> None:
    assert parse_near("30.05,119.95") == (30.05, 119.95)
    assert parse_near(" 30.05 , 119.95 ") == (30.05, 119.95)
    for bad in ("", "30.05", "abc,def", "95,119", "30,190"):
        with pytest.raises(ValidationFailed) as caught:
            parse_near(bad)
        assert caught.value.field == "near"


def test_no_tiles_leaves_the_policy_alone() -> None:
    with override_settings(SIFA_MAP_TILE_URL=""):
        config = map_config()
    assert not config.enabled
    assert csp_with_tiles(POLICY, config) == POLICY


@override_settings(SIFA_MAP_TILE_URL="https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={key}",
                   SIFA_MAP_TILE_LABEL_URL="https://t{s}.tianditu.gov.cn/DataServer?T=cva_w&x={x}&y={y}&l={z}&tk={key}",
                   SIFA_MAP_TILE_SUBDOMAINS=["0", "1"], SIFA_MAP_TILE_KEY="abc123",
                   SIFA_MAP_TILE_ATTRIBUTION="© 天地图 <审图号>")
def test_tiles_add_exactly_their_hosts_to_img_src() -> None:
    config = map_config()
    assert [layer.url for layer in config.layers][0].endswith("&tk=abc123")
    assert config.attribution_html == "© 天地图 &lt;审图号&gt;"
    policy = csp_with_tiles(POLICY, config)
    assert "img-src 'self' data: blob: https://t0.tianditu.gov.cn https://t1.tianditu.gov.cn;" in policy
    assert "*" not in policy
    assert "connect-src 'self'" in policy and policy.startswith("default-src 'self';")


@override_settings(SIFA_MAP_TILE_URL="http://127.0.0.1:9/{z}/{x}/{y}.png", SIFA_MAP_TILE_LABEL_URL="")
def test_tiles_without_img_src_start_from_default_src() -> None:
    policy = csp_with_tiles("default-src 'self'; script-src 'self'", map_config())
    assert policy == "default-src 'self'; script-src 'self'; img-src 'self' http://127.0.0.1:9"


@override_settings(SIFA_MAP_TILE_URL="ftp://tiles.example/{z}/{x}/{y}.png")
def test_a_tile_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="http"):
        map_config()
