"""The ledger's hash function and the RFC 9162 leaf and node hashes.

Two algorithms, chosen once per installation (the choice is recorded next to every checkpoint as
``hash_alg``, and a ledger never mixes them):

``"sm3"`` (default)
    SM3, GB/T 32905-2016 (GM/T 0004-2012), 256-bit digest. Computed by OpenSSL through Python's
    ``hashlib.new("sm3")``; OpenSSL 1.1.1 and 3.x ship it unless it was disabled at build time
    (``no-sm3``). Test vector: SM3("abc") =
    ``66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 297da02b 8f4ba8e0``.
``"sha256"``
    SHA-256, FIPS 180-4, 256-bit digest; the hash of RFC 6962 and most transparency logs.

On top of the hash ``H`` the Merkle tree uses (RFC 9162 §2.1.1)::

    leaf hash   = H(0x00 ‖ entry bytes)
    node hash   = H(0x01 ‖ left child hash ‖ right child hash)
    empty tree  = H("")            (the hash of zero bytes)

The one-byte prefixes keep a leaf from ever being mistaken for an inner node (second-preimage
protection). This module imports nothing outside the Python standard library.
"""

from __future__ import annotations

import functools
import hashlib
import ssl
from typing import Protocol

SM3 = "sm3"
SHA256 = "sha256"
#: The algorithms a ledger may use, by the name written in checkpoints (``hash_alg``).
ALGORITHMS: tuple[str, ...] = (SM3, SHA256)
DEFAULT_ALGORITHM = SM3

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


class UnknownHashAlgorithm(ValueError):
    """The name is not one of :data:`ALGORITHMS`."""


class HashAlgorithmUnavailable(RuntimeError):
    """The algorithm is known but this Python's OpenSSL cannot compute it (typically SM3)."""


class _HashObject(Protocol):
    """What we use of a :mod:`hashlib` hash object."""

    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...

    def copy(self) -> _HashObject: ...


class Hasher:
    """One hash algorithm with the RFC 9162 leaf and node hashes.

    Obtain one with :func:`get_hasher`. Instances are immutable and safe to share between threads
    (every call works on a fresh copy of a pre-initialised hash object).
    """

    __slots__ = ("_empty", "_leaf", "_node", "digest_size", "name")

    name: str
    digest_size: int

    def __init__(self, name: str, prototype: _HashObject) -> None:
        self.name = name
        self._empty = prototype.copy()
        self.digest_size = len(self._empty.digest())
        self._leaf = prototype.copy()
        self._leaf.update(LEAF_PREFIX)
        self._node = prototype.copy()
        self._node.update(NODE_PREFIX)

    def __repr__(self) -> str:
        return f"Hasher({self.name!r})"

    def hash(self, data: bytes) -> bytes:
        """``H(data)``: the plain digest of ``data``."""
        h = self._empty.copy()
        h.update(data)
        return h.digest()

    def empty_root(self) -> bytes:
        """The root hash of the empty tree: ``H("")`` (RFC 9162 §2.1.1)."""
        return self._empty.digest()

    def leaf_hash(self, entry: bytes) -> bytes:
        """``H(0x00 ‖ entry)``: the hash of a leaf whose entry bytes are ``entry``."""
        h = self._leaf.copy()
        h.update(entry)
        return h.digest()

    def node_hash(self, left: bytes, right: bytes) -> bytes:
        """``H(0x01 ‖ left ‖ right)``: the hash of an inner node from its children's hashes."""
        h = self._node.copy()
        h.update(left)
        h.update(right)
        return h.digest()


def _new(name: str) -> _HashObject:
    if name == SHA256:
        return hashlib.sha256()
    try:
        return hashlib.new(name)
    except ValueError as exc:  # "unsupported hash type sm3"
        raise HashAlgorithmUnavailable(
            f"hash algorithm {name!r} is not available in this Python's OpenSSL ({ssl.OPENSSL_VERSION}); "
            f"SM3 needs OpenSSL 1.1.1 or later built with SM3 enabled. Use an OpenSSL that has it, or "
            f"choose 'sha256' when installing a new ledger (an existing ledger keeps its algorithm)."
        ) from exc


@functools.lru_cache(maxsize=len(ALGORITHMS))
def _cached_hasher(name: str) -> Hasher:
    return Hasher(name, _new(name))


def get_hasher(name: str = DEFAULT_ALGORITHM) -> Hasher:
    """The :class:`Hasher` for ``name`` (``"sm3"`` or ``"sha256"``, case-insensitive).

    Raises :class:`UnknownHashAlgorithm` for any other name and
    :class:`HashAlgorithmUnavailable` when OpenSSL cannot compute the algorithm.
    """
    key = str(name).strip().lower()
    if key not in ALGORITHMS:
        raise UnknownHashAlgorithm(
            f"unknown ledger hash algorithm {name!r}; expected one of {', '.join(ALGORITHMS)}"
        )
    return _cached_hasher(key)


def is_available(name: str) -> bool:
    """Whether :func:`get_hasher` would succeed for ``name`` in this Python."""
    try:
        get_hasher(name)
    except (UnknownHashAlgorithm, HashAlgorithmUnavailable):
        return False
    return True
