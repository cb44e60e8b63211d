"""Field encryption for identity numbers: AES-256-GCM at rest plus a keyed blind index (HMAC-SHA256).

The key comes from ``settings.SIFA_DATA_KEY`` (base64 of 32 bytes; generated under var/keys/ for
the demo). Two sub-keys are derived with HKDF so the encryption and index keys differ. A stored
ciphertext is ``v1:`` + base64(nonce ‖ ciphertext ‖ tag); the version lets keys rotate later.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = "v1"


@functools.lru_cache(maxsize=4)
def _keys(master_b64: str) -> tuple[bytes, bytes]:
    master = base64.b64decode(master_b64)
    if len(master) != 32:
        raise RuntimeError("SIFA_DATA_KEY 必须是 32 字节密钥的 base64 编码")

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    return derive(b"sifa field encryption v1"), derive(b"sifa blind index v1")


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt ``plaintext``; ``context`` (e.g. ``person.id_number``) is bound as associated data."""
    enc_key, _ = _keys(settings.SIFA_DATA_KEY)
    nonce = os.urandom(12)
    ct = AESGCM(enc_key).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{_VERSION}:" + base64.b64encode(nonce + ct).decode()


def decrypt(token: str, *, context: str) -> str:
    version, _, payload = token.partition(":")
    if version != _VERSION:
        raise ValueError(f"unknown ciphertext version {version!r}")
    enc_key, _ = _keys(settings.SIFA_DATA_KEY)
    raw = base64.b64decode(payload)
    return AESGCM(enc_key).decrypt(raw[:12], raw[12:], context.encode()).decode()


def blind_index(value: str, *, context: str) -> str:
    """Deterministic keyed hash for exact lookup without storing the value."""
    _, idx_key = _keys(settings.SIFA_DATA_KEY)
    return hmac.new(idx_key, f"{context}\x00{value}".encode(), hashlib.sha256).hexdigest()
