"""Evidence ledger (证据存证账本) — the verifier core.

This package is the part of the ledger a court can read: pure Python, standard library only, with
no Django import anywhere, so it can be copied out of sifa and run on its own.

- :mod:`.hashing` — the hash function (SM3 by default, SHA-256 selectable) and the RFC 9162 leaf /
  node hashes built on it.
- :mod:`.merkle` — the Merkle tree hash of RFC 9162 §2.1, inclusion and consistency proofs, and
  their verification algorithms (§2.1.3.2, §2.1.4.2).
- :mod:`.entries` — the canonical byte encoding of a ledger entry (the bytes that are hashed into
  a leaf).

Storage, signed checkpoints, the API and ``sifa verify`` build on these functions and live
elsewhere. See docs/engines/ledger.md.
"""

from __future__ import annotations

from .entries import ENTRY_FORMAT_VERSION, Entry, EntryFormatError, decode_entry, encode_entry
from .hashing import (
    ALGORITHMS,
    DEFAULT_ALGORITHM,
    HashAlgorithmUnavailable,
    Hasher,
    UnknownHashAlgorithm,
    get_hasher,
)
from .merkle import (
    MerkleTree,
    ProofError,
    consistency_proof,
    inclusion_proof,
    merkle_tree_hash,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "ENTRY_FORMAT_VERSION",
    "Entry",
    "EntryFormatError",
    "HashAlgorithmUnavailable",
    "Hasher",
    "MerkleTree",
    "ProofError",
    "UnknownHashAlgorithm",
    "consistency_proof",
    "decode_entry",
    "encode_entry",
    "get_hasher",
    "inclusion_proof",
    "merkle_tree_hash",
    "verify_consistency",
    "verify_inclusion",
]
