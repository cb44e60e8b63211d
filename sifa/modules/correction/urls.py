"""社区矫正 pages: each part keeps its patterns in its own ``*_urls.py``; they share one namespace."""

from __future__ import annotations

from sifa.modules.correction import (
    cockpit_urls,
    liberty_urls,
    lifecycle_urls,
    movement_urls,
    report_urls,
    sanction_urls,
    supervision_urls,
)

app_name = "correction"

urlpatterns = [
    *lifecycle_urls.urlpatterns,
    *supervision_urls.urlpatterns,
    *movement_urls.urlpatterns,
    *report_urls.urlpatterns,
    *sanction_urls.urlpatterns,
    *cockpit_urls.urlpatterns,
    *liberty_urls.urlpatterns,
]
