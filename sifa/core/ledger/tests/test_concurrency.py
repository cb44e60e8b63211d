"""Concurrent appends on PostgreSQL: the head-row lock gives indexes 0 … n−1 with no gap."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction

from sifa.core.accounts.actor import Actor
from sifa.core.ledger import store
from sifa.core.ledger.models import LedgerEntry
from sifa.core.ledger.tests.ledger_helpers import sample_entry
from sifa.core.ledger.verifier import verify_ledger

THREADS = 8
PER_THREAD = 10


@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                    reason="SQLite serialises writers itself; row locks are tested on PostgreSQL")
def test_parallel_appends_leave_no_gap(demo_world: Any) -> None:
    # given
    from sifa.core.ledger.services import make_checkpoint

    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            barrier.wait()
            for n in range(PER_THREAD):
                with transaction.atomic():
                    store.append_entry(sample_entry(k * PER_THREAD + n))
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
    # then
    assert errors == []
    total = THREADS * PER_THREAD
    assert list(LedgerEntry.objects.order_by("index").values_list("index", flat=True)) == list(range(total))
    assert store.ledger_size() == total
    make_checkpoint(actor=Actor.system("test"))
    report = verify_ledger(store.stored_entries(), store.stored_checkpoints(), nodes=store.stored_nodes(),
                           hash_alg=store.ledger_hash_alg(),
                           public_key=store.signing_key().public_key())
    assert report.entries == total
    assert report.nodes == total // 16
