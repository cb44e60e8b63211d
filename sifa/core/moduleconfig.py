"""A module's configuration as data: a shipped TOML file, overridden key by key by the installation's
own file (named by a setting), and by tests for the length of a block.

Modules keep [NV]/[INT] values and local policy here instead of literals (docs/configuration.md);
every section carries a ``flag`` the pages show where they apply a value.
"""

from __future__ import annotations

import contextlib
import functools
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``, tables merged key by key."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class ModuleConfig:
    """``default_file`` merged with the file the setting ``setting`` names (if any), checked by ``check``
    (which raises ImproperlyConfigured naming the section), read once per process."""

    def __init__(self, default_file: Path, setting: str, check: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.default_file = default_file
        self.setting = setting
        self.check = check
        self._override: dict[str, Any] = {}
        self._files = functools.cache(self._read)

    def _read(self) -> dict[str, Any]:
        data = tomllib.loads(self.default_file.read_text(encoding="utf-8"))
        extra = getattr(settings, self.setting, "")
        if extra:
            path = Path(extra)
            if not path.is_file():
                raise ImproperlyConfigured(f"{self.setting} 指向的文件不存在：{path}")
            data = merge(data, tomllib.loads(path.read_text(encoding="utf-8")))
        if self.check is not None:
            self.check(data)
        return data

    def load(self) -> dict[str, Any]:
        """The effective configuration (defaults, the installation's file, then a test override)."""
        data = self._files()
        return merge(data, self._override) if self._override else data

    def clear_cache(self) -> None:
        """Read the files again on the next ``load`` (after a settings change in a test)."""
        self._files.cache_clear()

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.load()[name])

    def flag(self, name: str) -> str:
        return str(self.load()[name]["flag"])

    @contextlib.contextmanager
    def override(self, **sections: dict[str, Any]) -> Iterator[None]:
        """Tests: merge ``sections`` over the configuration for the duration of the block."""
        saved = self._override
        self._override = merge(saved, sections)
        try:
            yield
        finally:
            self._override = saved
