"""Storage, checkpoints and the /api/v1/ledger API, checked against the core and the OpenAPI document."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.db import transaction

from sifa.core.accounts.actor import Actor
from sifa.core.audit.models import AuditEvent
from sifa.core.ledger import store
from sifa.core.ledger.entries import decode_entry
from sifa.core.ledger.errors import LedgerIsAppendOnly
from sifa.core.ledger.hashing import get_hasher
from sifa.core.ledger.jobs import checkpoint_new_entries
from sifa.core.ledger.merkle import MerkleTree, verify_consistency, verify_inclusion
from sifa.core.ledger.models import LedgerCheckpoint, LedgerEntry
from sifa.core.ledger.services import make_checkpoint
from sifa.core.ledger.signing import checkpoint_message, load_public_key_pem, verify_signature
from sifa.core.ledger.tests.ledger_helpers import append_many, call, sample_entry
from sifa.core.testing import actor_for, client_for
from sifa.core.testing.openapi import assert_matches_openapi

pytestmark = pytest.mark.django_db


def test_appends_get_consecutive_indexes_and_core_leaf_hashes() -> None:
    # when
    rows = append_many(5)
    # then
    hasher = get_hasher(store.ledger_hash_alg())
    assert [r.index for r in rows] == [0, 1, 2, 3, 4]
    assert all(bytes(r.leaf_hash) == hasher.leaf_hash(bytes(r.entry)) for r in rows)
    assert decode_entry(bytes(rows[3].entry)) == sample_entry(3)
    assert store.ledger_size() == 5


def test_append_outside_a_transaction_is_refused(transactional_db: Any, demo_world: None) -> None:
    with pytest.raises(RuntimeError, match="transaction"):
        store.append_entry(sample_entry(0))
    assert LedgerEntry.objects.count() == 0


def test_rows_are_append_only() -> None:
    # given
    row = append_many(1)[0]
    checkpoint = make_checkpoint(actor=Actor.system("test"))
    # then
    for obj in (row, checkpoint):
        with pytest.raises(LedgerIsAppendOnly):
            obj.save()
        with pytest.raises(LedgerIsAppendOnly):
            obj.delete()
        with pytest.raises(LedgerIsAppendOnly):
            type(obj).objects.all().update(pk=99)
        with pytest.raises(LedgerIsAppendOnly):
            type(obj).objects.all().delete()


def test_checkpoint_is_signed_and_audited() -> None:
    # given
    append_many(7)
    before = AuditEvent.objects.count()
    # when
    checkpoint = make_checkpoint(actor=actor_for("admin"))
    # then
    assert checkpoint.tree_size == 7
    assert bytes(checkpoint.root_hash) == MerkleTree(store.hasher(), [store.leaf_hash(i) for i in range(7)]).root()
    public_key = store.signing_key().public_key()
    message = checkpoint_message(tree_size=7, root_hash=bytes(checkpoint.root_hash), timestamp=checkpoint.timestamp,
                                 hash_alg=checkpoint.hash_alg)
    assert message.startswith(b"sifa-ledger-checkpoint/v1\n7\n")
    assert verify_signature(public_key, message, bytes(checkpoint.signature))
    assert not verify_signature(public_key, message.replace(b"\n7\n", b"\n8\n"), bytes(checkpoint.signature))
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)[before:]) == ["ledger.checkpoint.made"]


def test_periodic_job_checkpoints_only_when_entries_arrived() -> None:
    # given nothing appended since the last checkpoint
    append_many(2)
    make_checkpoint(actor=Actor.system("test"))
    # then
    assert checkpoint_new_entries.call() is None
    assert LedgerCheckpoint.objects.count() == 1
    # when one more entry arrives
    with transaction.atomic():
        store.append_entry(sample_entry(9))
    # then
    assert checkpoint_new_entries.call() == 3
    assert LedgerCheckpoint.objects.count() == 2


def test_inclusion_proof_from_the_api_verifies_against_the_signed_checkpoint() -> None:
    # given
    append_many(11)
    make_checkpoint(actor=Actor.system("test"))
    client = client_for("officer")
    # when
    _, checkpoint = call(client, "/api/v1/ledger/checkpoint")
    _, key = call(client, "/api/v1/ledger/public-key")
    _, page = call(client, "/api/v1/ledger/entries?start=3&end=8")
    _, proof = call(client, f"/api/v1/ledger/proofs/inclusion?index=5&tree_size={checkpoint['tree_size']}")
    # then the checkpoint's signature holds with the published key ...
    public_key = load_public_key_pem(key["public_key_pem"])
    assert key["key_id"] == checkpoint["key_id"] and key["algorithm"] == "ed25519"
    timestamp = LedgerCheckpoint.objects.get().timestamp
    message = checkpoint_message(tree_size=checkpoint["tree_size"], root_hash=bytes.fromhex(checkpoint["root_hash"]),
                                 timestamp=timestamp, hash_alg=checkpoint["hash_alg"])
    assert verify_signature(public_key, message, bytes.fromhex(checkpoint["signature"]))
    # ... and entry 5, hashed from its bytes, is in the signed tree
    hasher = get_hasher(checkpoint["hash_alg"])
    assert [e["index"] for e in page["entries"]] == [3, 4, 5, 6, 7] and page["tree_size"] == 11
    entry_bytes = base64.b64decode(page["entries"][2]["entry"])
    assert decode_entry(entry_bytes) == sample_entry(5)
    leaf = hasher.leaf_hash(entry_bytes)
    assert proof["leaf_hash"] == leaf.hex()
    assert verify_inclusion(leaf, 5, 11, [bytes.fromhex(h) for h in proof["audit_path"]],
                            bytes.fromhex(checkpoint["root_hash"]), hasher=hasher)


def test_consistency_proof_from_the_api_links_two_checkpoints() -> None:
    # given
    append_many(3)
    first = make_checkpoint(actor=Actor.system("test"))
    with transaction.atomic():
        for n in range(3, 7):
            store.append_entry(sample_entry(n))
    second = make_checkpoint(actor=Actor.system("test"))
    # when
    status, proof = call(client_for("county"), "/api/v1/ledger/proofs/consistency?first=3&second=7")
    # then
    assert status == 200 and len(proof["consistency_path"]) == 4
    assert verify_consistency(3, 7, bytes(first.root_hash), bytes(second.root_hash),
                              [bytes.fromhex(h) for h in proof["consistency_path"]], hasher=store.hasher())


@pytest.mark.parametrize(("path", "field"), [
    ("/api/v1/ledger/proofs/inclusion?index=4&tree_size=4", "index"),
    ("/api/v1/ledger/proofs/inclusion?index=0&tree_size=5", "tree_size"),
    ("/api/v1/ledger/proofs/inclusion?index=-1&tree_size=2", "index"),
    ("/api/v1/ledger/proofs/consistency?first=3&second=2", "first"),
    ("/api/v1/ledger/proofs/consistency?first=1&second=9", "second"),
    ("/api/v1/ledger/entries?start=2&end=9", "end"),
    ("/api/v1/ledger/entries?start=5", "start"),
])
def test_out_of_range_arguments_are_problem_json_naming_the_field(path: str, field: str) -> None:
    # given
    append_many(4)
    # when
    status, body = call(client_for("county"), path)
    # then
    assert status == 400
    assert body["errors"][0]["field"] == field and field in body["detail"]


def test_entries_default_page_and_page_size_limit() -> None:
    # given
    append_many(3)
    client = client_for("county")
    # then
    assert call(client, "/api/v1/ledger/entries")[1]["end"] == 3
    assert call(client, "/api/v1/ledger/entries?start=0&end=1001")[0] == 400


def test_no_checkpoint_yet_is_a_409_problem() -> None:
    status, body = call(client_for("county"), "/api/v1/ledger/checkpoint")
    assert status == 409 and body["code"] == "ledger_no_checkpoint"


def test_anonymous_gets_401() -> None:
    from django.test import Client

    assert Client().get("/api/v1/ledger/public-key").status_code == 401


def test_checkpoint_on_demand_needs_the_permission_and_is_audited() -> None:
    # given
    append_many(3)
    # when a county clerk asks, then no
    denied = client_for("county").post("/api/v1/ledger/checkpoint")
    assert denied.status_code == 403
    # when the administrator asks
    response = client_for("admin").post("/api/v1/ledger/checkpoint")
    # then a checkpoint over the three entries, audited as the administrator
    assert response.status_code == 201
    body = response.json()
    assert_matches_openapi("POST", "/api/v1/ledger/checkpoint", 201, response["Content-Type"], body)
    assert body["tree_size"] == 3
    event = AuditEvent.objects.filter(action="ledger.checkpoint.made").latest("id")
    assert event.actor_username == "admin"
