"""URL patterns of this part (being built); composed in urls.py."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
