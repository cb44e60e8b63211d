"""Concurrent generation on PostgreSQL: the counter row lock hands out each number once, with no gap."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from sifa.core.documents.models import GeneratedDocument
from sifa.core.documents.services import generate_document
from sifa.core.documents.tests.conftest import open_test_case
from sifa.core.testing import actor_for

THREADS = 4
PER_THREAD = 3


@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                    reason="SQLite serialises writers itself; the counter's row lock is tested on PostgreSQL")
def test_parallel_generation_never_shares_a_number(demo_world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # given one case per thread, all with the same number prefix (浙0111)
    cases = [open_test_case(title=f"并发文书{k}") for k in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            actor = actor_for("office1")
            barrier.wait()
            for _ in range(PER_THREAD):
                generate_document(actor=actor, case=cases[k], doc_type="test_acceptance_notice")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then every number is used once: 1 … n
    assert errors == []
    sequences = sorted(GeneratedDocument.objects.filter(doc_type="test_acceptance_notice").values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS * PER_THREAD + 1))
