"""Shared helpers for the ledger's Django-side tests (not a test module)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import connection, transaction
from django.test import Client

from sifa.core.ledger.entries import Entry
from sifa.core.ledger.models import LedgerEntry
from sifa.core.ledger.store import append_entry
from sifa.core.testing.openapi import assert_matches_openapi

T0 = datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC)


def sample_entry(n: int) -> Entry:
    return Entry(type="test.evidence", case_id=n, object_hash=f"{n:064x}", metadata={"n": n, "名称": f"证据{n}"},
                 time=T0 + datetime.timedelta(seconds=n))


def append_many(count: int) -> list[LedgerEntry]:
    with transaction.atomic():
        return [append_entry(sample_entry(n)) for n in range(count)]


def call(client: Client, path: str) -> tuple[int, Any]:
    response = client.get(path)
    body = response.json()
    assert_matches_openapi("GET", path, response.status_code, response["Content-Type"], body)
    return response.status_code, body


def flip_byte(table: str, column: str, pk: int, offset: int = 0) -> None:
    """Change one stored byte directly in the database, bypassing the application (and, on
    PostgreSQL, the append-only trigger, disabled for this statement inside the test transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        value = bytearray(bytes(cursor.fetchone()[0]))
        value[offset] ^= 0x01
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [bytes(value), pk])
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
