"""Build evidence packages without Django (a small ledger in memory) and rewrite them for tamper tests."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sifa.core.ledger.entries import Entry, encode_entry
from sifa.core.ledger.hashing import get_hasher
from sifa.core.ledger.merkle import MerkleTree
from sifa.core.ledger.package import Checkpoint, Item, file_path, write_package
from sifa.core.ledger.signing import checkpoint_message, key_id, public_key_pem, sign

T0 = datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC)
CASE_ID = 42
FILES = {"询问笔录.pdf": b"%PDF-1.4 \xe8\xaf\xa2\xe9\x97\xae", "现场照片.jpg": b"\xff\xd8\xff photo", "a/b..c.txt": b"abc"}


def sign_checkpoint(key: Ed25519PrivateKey, *, tree_size: int, root: bytes, hash_alg: str,
                    timestamp: datetime.datetime = T0) -> Checkpoint:
    message = checkpoint_message(tree_size=tree_size, root_hash=root, timestamp=timestamp, hash_alg=hash_alg)
    return Checkpoint(tree_size=tree_size, root_hash=root, hash_alg=hash_alg, timestamp=timestamp,
                      signature=sign(key, message), key_id=key_id(key.public_key()))


def build(hash_alg: str = "sm3", *, key: Ed25519PrivateKey | None = None, case_id: int = CASE_ID,
          entry_case_id: int | None = None) -> tuple[bytes, str]:
    """A valid package of FILES (among other entries of other cases) and the signing key's id."""
    key = key or Ed25519PrivateKey.generate()
    hasher = get_hasher(hash_alg)
    entries: list[bytes] = [encode_entry(Entry("case.opened", 7, "", {"n": 0}, T0))]
    placed: list[tuple[int, str, bytes]] = []
    for n, (name, content) in enumerate(FILES.items(), start=1):
        meta = {"attachment": n, "name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
                "sm3": get_hasher("sm3").hash(content).hex(), "content_type": "application/octet-stream"}
        entries.append(encode_entry(Entry("attachment.added", entry_case_id or case_id, hasher.hash(content).hex(), meta,
                                          T0 + datetime.timedelta(seconds=n))))
        placed.append((len(entries) - 1, name, content))
        entries.append(encode_entry(Entry("audit.batch", None, "00" * 32, {"n": n}, T0)))
    tree = MerkleTree.from_entries(hasher, entries)
    size = len(entries)
    checkpoint = sign_checkpoint(key, tree_size=size, root=tree.root(), hash_alg=hash_alg)
    items = []
    for n, (index, name, content) in enumerate(placed, start=1):
        item = Item(attachment_id=n, name=name, path=file_path(n, name), size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(), sm3=get_hasher("sm3").hash(content).hex(),
                    ledger_index=index, leaf_hash=tree.leaf_hash(index),
                    inclusion_proof=tuple(tree.inclusion_proof(index, size)), tree_size=size)
        items.append((item, content, entries[index]))
    out = io.BytesIO()
    write_package(out, case={"id": case_id, "number": "（2026）浙0111测字第1号", "code": "code", "title": "测试",
                             "org": "富阳区司法局"},
                  generated_at=T0, checkpoint=checkpoint, public_key_pem=public_key_pem(key.public_key()),
                  readme="说明\n", items=items)
    return out.getvalue(), key_id(key.public_key())


def rewrite(package: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """The package with its files changed by ``change`` (a dict name → bytes, edited in place)."""
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    change(files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def edit_json(files: dict[str, bytes], name: str, edit: Callable[[Any], None]) -> None:
    data = json.loads(files[name])
    edit(data)
    files[name] = json.dumps(data, ensure_ascii=False).encode("utf-8")


def flip(data: bytes, offset: int = -1) -> bytes:
    b = bytearray(data)
    b[offset] ^= 0x01
    return bytes(b)
