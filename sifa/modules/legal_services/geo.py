"""Coordinates, distances and the map's tile configuration.

Coordinate system: every place is stored in **WGS-84 / CGCS2000** longitude and latitude (decimal
degrees, 6 decimals ≈ 0.1 m). 天地图 uses CGCS2000, which differs from WGS-84 by centimetres, so
the stored values sit right on 天地图 tiles and on GPS readings (a phone's ``navigator.geolocation``
answers in WGS-84). Coordinates copied from 高德/腾讯 (GCJ-02) or 百度 (BD-09) are offset by
hundreds of metres and must be converted before they are entered (docs/modules/legal_services.md).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.conf import settings

from sifa.core.errors import ValidationFailed

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG), metres

#: A generous bounding box of China (incl. 南海诸岛 up to 3.8°N): coordinates outside it are refused.
CHINA_LNG = (Decimal("73.4"), Decimal("135.1"))
CHINA_LAT = (Decimal("3.8"), Decimal("53.6"))


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (haversine on a sphere; < 0.5 % error)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def distance_label(metres: float) -> str:
    """``850 米``, ``3.2 公里``, ``27 公里``."""
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f} 米"
    km = metres / 1000
    return f"{km:.1f} 公里" if km < 10 else f"{km:.0f} 公里"


def _decimal(raw: object, label: str, field: str) -> Decimal:
    text = str(raw).strip() if raw is not None else ""
    if not text:
        raise ValidationFailed(f"请填写{label}", field=field)
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationFailed(f"{label}应为十进制度数，如 119.960123（当前为「{text}」）", field=field) from exc
    if not value.is_finite():
        raise ValidationFailed(f"{label}应为十进制度数，如 119.960123", field=field)
    return value.quantize(Decimal("0.000001"))


def clean_coordinates(longitude: object, latitude: object) -> tuple[Decimal, Decimal]:
    """Longitude and latitude as 6-decimal ``Decimal``s inside China's bounding box, or ``ValidationFailed``
    naming the field (and saying when the two look swapped)."""
    lng = _decimal(longitude, "经度", "longitude")
    lat = _decimal(latitude, "纬度", "latitude")
    lng_ok = CHINA_LNG[0] <= lng <= CHINA_LNG[1]
    lat_ok = CHINA_LAT[0] <= lat <= CHINA_LAT[1]
    if not (lng_ok and lat_ok):
        swapped = CHINA_LNG[0] <= lat <= CHINA_LNG[1] and CHINA_LAT[0] <= lng <= CHINA_LAT[1]
        hint = "，经度与纬度似乎填反了" if swapped else ""
        field = "longitude" if not lng_ok else "latitude"
        raise ValidationFailed(
            f"坐标（经度 {lng}，纬度 {lat}）不在中国范围内（经度 {CHINA_LNG[0]}–{CHINA_LNG[1]}，"
            f"纬度 {CHINA_LAT[0]}–{CHINA_LAT[1]}）{hint}", field=field)
    return lng, lat


_NEAR = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def parse_near(text: str) -> tuple[float, float]:
    """``"30.05,119.95"`` (latitude, longitude: the order of ``geo:`` URIs) → ``(lat, lng)``."""
    m = _NEAR.match(text or "")
    if m is None:
        raise ValidationFailed("near 应为「纬度,经度」，如 30.05,119.95", field="near")
    lat, lng = float(m.group(1)), float(m.group(2))
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationFailed("near 的纬度应在 -90 到 90 之间，经度在 -180 到 180 之间", field="near")
    return lat, lng


# --- tiles ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TileLayer:
    url: str  # Leaflet URL template, {key} already filled in
    subdomains: tuple[str, ...]


@dataclass(frozen=True)
class MapConfig:
    """What the map page needs from settings: tile layers (base, optional label overlay) and attribution."""

    layers: tuple[TileLayer, ...]
    attribution_html: str

    @property
    def enabled(self) -> bool:
        return bool(self.layers)

    def as_json(self) -> dict[str, object]:
        return {"layers": [{"url": layer.url, "subdomains": list(layer.subdomains)} for layer in self.layers],
                "attribution": self.attribution_html}

    def origins(self) -> list[str]:
        """Every ``scheme://host[:port]`` the tiles are fetched from, ``{s}`` expanded per subdomain."""
        found: list[str] = []
        for layer in self.layers:
            parts = urlsplit(layer.url)
            hosts = [parts.netloc.replace("{s}", s) for s in layer.subdomains] if "{s}" in parts.netloc \
                else [parts.netloc]
            for host in hosts:
                origin = f"{parts.scheme}://{host}"
                if origin not in found:
                    found.append(origin)
        return found


def _layer(template: str) -> TileLayer | None:
    template = template.strip()
    if not template:
        return None
    parts = urlsplit(template)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"地图瓦片地址须以 http:// 或 https:// 开头：{template}")
    key = str(getattr(settings, "SIFA_MAP_TILE_KEY", ""))
    subdomains = tuple(getattr(settings, "SIFA_MAP_TILE_SUBDOMAINS", ()) or ("a", "b", "c"))
    return TileLayer(url=template.replace("{key}", key), subdomains=subdomains)


def map_config() -> MapConfig:
    """The tile layers from ``SIFA_MAP_TILE_URL`` (+ ``SIFA_MAP_TILE_LABEL_URL``); none when it is empty."""
    base = _layer(str(getattr(settings, "SIFA_MAP_TILE_URL", "")))
    if base is None:
        return MapConfig(layers=(), attribution_html="")
    label = _layer(str(getattr(settings, "SIFA_MAP_TILE_LABEL_URL", "")))
    layers = (base,) if label is None else (base, label)
    return MapConfig(layers=layers, attribution_html=html.escape(str(getattr(settings, "SIFA_MAP_TILE_ATTRIBUTION", ""))))


def csp_with_tiles(policy: str, config: MapConfig) -> str:
    """``policy`` with the tile origins added to ``img-src`` (and nothing else widened)."""
    origins = config.origins()
    if not origins:
        return policy
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    for i, directive in enumerate(directives):
        name, _, value = directive.partition(" ")
        if name.lower() == "img-src":
            present = value.split()
            directives[i] = " ".join([name, *present, *[o for o in origins if o not in present]])
            break
    else:  # no img-src: images fall back to default-src, so start from it
        fallback = next((d.partition(" ")[2] for d in directives if d.lower().startswith("default-src ")), "'self'")
        directives.append(" ".join(["img-src", *fallback.split(), *origins]))
    return "; ".join(directives)
