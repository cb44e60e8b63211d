"""Typed readers for environment settings. Every setting sifa reads is documented in docs/configuration.md."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"环境变量 {name} 必须是整数，当前值为 {raw!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def file_secret(path: Path, nbytes: int) -> str:
    """Return a base64 secret kept in ``path``, creating it (mode 0600) the first time.

    Used so that the demo runs with no configuration while keys stay outside the database
    and outside the repository. Production installs set the environment variable instead.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        value = base64.b64encode(secrets.token_bytes(nbytes)).decode()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process won the race; read its key below
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(value)
    return path.read_text().strip()
