"""Writes of the evidence ledger (CONVENTIONS §4.3). Entries are appended by ``store.append_entry``
inside other services' transactions; the one public service here makes a signed checkpoint."""

from __future__ import annotations

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.ledger import store
from sifa.core.ledger.hashing import get_hasher
from sifa.core.ledger.models import LedgerCheckpoint
from sifa.core.ledger.signing import checkpoint_message, key_id, sign
from sifa.core.services import service


@service("ledger.checkpoint.made")
def make_checkpoint(*, actor: Actor) -> LedgerCheckpoint:
    """Sign and store a checkpoint over every entry appended so far (issue #4 "Evidence ledger").

    Locks the head row so no append slips between reading the size and reading the tree; the
    root is the RFC 9162 Merkle tree hash, read from the stored subtree hashes; the Ed25519 signature covers
    ``signing.checkpoint_message`` (tree size ‖ root ‖ timestamp ‖ hash algorithm).
    """
    head = store.lock_head()
    hasher = get_hasher(head.hash_alg)
    root = store.root(head.size)
    timestamp = timezone.now()
    private_key = store.signing_key()
    message = checkpoint_message(tree_size=head.size, root_hash=root, timestamp=timestamp, hash_alg=hasher.name)
    checkpoint = LedgerCheckpoint.objects.create(
        tree_size=head.size, root_hash=root, hash_alg=hasher.name, timestamp=timestamp,
        signature=sign(private_key, message), key_id=key_id(private_key.public_key()))
    record(actor=actor, action="ledger.checkpoint.made", obj=checkpoint,
           changes={"tree_size": head.size, "root_hash": root.hex(), "hash_alg": hasher.name})
    return checkpoint
