"""Shared helpers for the accounts security tests (等保2.0 三级 / OWASP ASVS L2)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.utils import timezone

from sifa.core.audit.models import AuditEvent

PASSWORD = "Sifa#2026"
GOOD_PASSWORD = "Xy7#mnbvcq"
LOGIN_URL = "/accounts/login/"


def audit_rows(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def audit_count() -> int:
    return AuditEvent.objects.count()


def sign_in(client: Client, username: str, password: str = PASSWORD, *, ip: str = "10.0.0.1", next_url: str = "",
            **extra: str):  # type: ignore[no-untyped-def]
    url = LOGIN_URL + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[datetime.timedelta], None]]:
    """Moves ``django.utils.timezone.now`` forward by the given offset (0 at start)."""
    real_now = timezone.now

    def advance(offset: datetime.timedelta) -> None:
        monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)

    yield advance
