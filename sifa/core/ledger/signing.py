"""Checkpoint signing: the Ed25519 key kept outside the database and the signed byte string.

No Django import (only :mod:`cryptography`), so ``sifa verify PACKAGE.zip`` can reuse it offline.
The choice of Ed25519 over SM2 is recorded in docs/decisions/0003-ledger-signing.md.

The bytes a checkpoint signature covers (UTF-8, five lines, each ended by ``\\n``)::

    sifa-ledger-checkpoint/v1
    <tree_size in decimal ASCII, no sign, no leading zeros>
    <root_hash as lowercase hex>
    <timestamp as YYYY-MM-DDTHH:MM:SS.ffffffZ, UTC>
    <hash_alg: "sm3" or "sha256">

The first line separates these signatures from any other use of the key. The signature is a raw
64-byte Ed25519 signature (RFC 8032) over exactly these bytes; ``key_id`` is the first 16 hex
digits of SHA-256 over the raw 32-byte public key.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .entries import format_time

CHECKPOINT_HEADER = "sifa-ledger-checkpoint/v1"
SIGNATURE_ALG = "ed25519"


def checkpoint_message(*, tree_size: int, root_hash: bytes, timestamp: datetime.datetime, hash_alg: str) -> bytes:
    """The canonical bytes a checkpoint signature covers (layout in the module docstring)."""
    if tree_size < 0:
        raise ValueError("tree_size must not be negative")
    lines = (CHECKPOINT_HEADER, str(int(tree_size)), bytes(root_hash).hex(), format_time(timestamp), hash_alg)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of SHA-256 over the raw 32-byte public key."""
    return hashlib.sha256(raw_public_key(public_key)).hexdigest()[:16]


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_key_pem(pem: str | bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode("ascii") if isinstance(pem, str) else pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the ledger public key must be an Ed25519 key")
    return key


def load_or_create_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key in ``path`` (PKCS#8 PEM), generated (mode 0600) the first time.

    Created once, like ``file_secret`` in sifa/project/env.py: the key is written to a temporary
    file in the same folder and hard-linked into place, so two processes starting together never
    see a half-written key and both end up using the one that won.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ledger-key-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
            os.chmod(tmp, 0o600)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process won the race; use its key
        finally:
            os.unlink(tmp)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def sign(private_key: Ed25519PrivateKey, message: bytes) -> bytes:
    return private_key.sign(message)


def verify_signature(public_key: Ed25519PublicKey, message: bytes, signature: bytes) -> bool:
    try:
        public_key.verify(bytes(signature), message)
    except InvalidSignature:
        return False
    return True
