"""Evidence packages (证据包): write one, and verify one offline (``sifa verify PACKAGE.zip``).

No Django import (standard library, plus :mod:`cryptography` for Ed25519 like ``signing.py``), so
a court can copy this folder and read or run it on its own::

    python -m sifa.core.ledger.package PACKAGE.zip [--key-id KEY_ID]

A package is a ZIP file (format ``sifa-evidence-package/v1``) holding:

``manifest.json``
    ``format``, ``case`` (``id``, ``number``, ``code``, ``title``, ``org``), ``generated_at``,
    ``hash_alg``, ``tree_size`` and ``items``: for each evidence file its ``attachment_id``,
    ``name``, ``kind``, ``content_type``, ``path`` in the zip, ``size``, ``sha256``, ``sm3``,
    ``ledger_index``, ``entry_path``, ``leaf_hash``, ``inclusion_proof`` (hex list, nearest sibling
    first) and ``tree_size``.
``files/<attachment id>-<name>``
    the exact stored bytes of each file.
``entries/<ledger index>.bin``
    the canonical bytes of each file's ledger entry (layout in ``entries.py``).
``checkpoint.json``
    the signed checkpoint the proofs lead to: ``tree_size``, ``root_hash`` (hex), ``hash_alg``,
    ``timestamp`` (``YYYY-MM-DDTHH:MM:SS.ffffffZ``), ``signature`` (base64 of the 64-byte Ed25519
    signature over :func:`.signing.checkpoint_message`), ``key_id``.
``public_key.pem``
    the installation's Ed25519 public key. A package carries its own key, so whoever rebuilds a
    package can sign it with another key: compare the key id with the one the bureau publishes,
    or pass it as ``trusted_key_id`` (``--key-id``).
``README.txt``
    how to verify, in Chinese (its content is not checked, only that it is there).

:func:`verify_package` checks, in this order, and raises :class:`.verifier.LedgerTampered` with a
Chinese message naming the first bad item:

1. the zip opens, no name repeats or leaves the package, the four fixed files are there and parse;
2. the public key's key id equals ``trusted_key_id`` (when given) and the checkpoint's ``key_id``;
3. the checkpoint signature verifies with that key;
4. the files are exactly the four fixed ones, the listed files and the listed entries;
5. for each item: the proof is against the checkpoint's tree size; the file's size, SM3 and
   SHA-256 equal the manifest's; the entry decodes, names this case and, as its object hash, the
   file's hash in the ledger's algorithm (and the same id, name, size and hashes where its
   metadata has them); the leaf hash ``H(0x00 ‖ entry)`` equals the manifest's; the inclusion
   proof leads from that leaf to the checkpoint's root (RFC 9162 §2.1.3.2).

What is proven: these exact files were entered in the ledger for the case with this id, in
entries that a checkpoint signed by this key commits to. The case number, title and org in the
manifest are for reading only; they are not in the entries or the signature.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import dataclasses
import datetime
import hashlib
import json
import os
import re
import sys
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .entries import EntryFormatError, decode_entry, format_time, parse_time
from .hashing import HashAlgorithmUnavailable, UnknownHashAlgorithm, get_hasher
from .merkle import verify_inclusion
from .signing import SIGNATURE_ALG, checkpoint_message, key_id, load_public_key_pem, verify_signature
from .verifier import LedgerTampered

FORMAT = "sifa-evidence-package/v1"
MANIFEST = "manifest.json"
CHECKPOINT = "checkpoint.json"
PUBLIC_KEY = "public_key.pem"
README = "README.txt"
FIXED_FILES = (MANIFEST, CHECKPOINT, PUBLIC_KEY, README)

_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_HEX = re.compile(r"(?:[0-9a-f]{2})+")


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """A signed checkpoint as it travels in ``checkpoint.json``."""

    tree_size: int
    root_hash: bytes
    hash_alg: str
    timestamp: datetime.datetime
    signature: bytes
    key_id: str

    def to_json(self) -> dict[str, Any]:
        return {"tree_size": self.tree_size, "root_hash": self.root_hash.hex(), "hash_alg": self.hash_alg,
                "timestamp": format_time(self.timestamp), "signature_alg": SIGNATURE_ALG,
                "signature": base64.b64encode(self.signature).decode("ascii"), "key_id": self.key_id}

    @classmethod
    def from_json(cls, data: Any) -> Checkpoint:
        where = CHECKPOINT
        if not isinstance(data, dict):
            raise LedgerTampered(f"{where} 应为 JSON 对象")
        try:
            signature = base64.b64decode(_get(data, "signature", str, where), validate=True)
        except binascii.Error as exc:
            raise LedgerTampered(f"{where} 的 signature 不是有效的 base64") from exc
        try:
            timestamp = parse_time(_get(data, "timestamp", str, where))
        except EntryFormatError as exc:
            raise LedgerTampered(f"{where} 的 timestamp 格式不正确（应为 YYYY-MM-DDTHH:MM:SS.ffffffZ）") from exc
        return cls(tree_size=_get(data, "tree_size", int, where), root_hash=_hex(data, "root_hash", where),
                   hash_alg=_get(data, "hash_alg", str, where), timestamp=timestamp, signature=signature,
                   key_id=_get(data, "key_id", str, where))


@dataclasses.dataclass(frozen=True)
class Item:
    """One evidence file as the manifest lists it (also what the server checks an attachment with)."""

    attachment_id: int
    name: str
    path: str
    size: int
    sha256: str
    sm3: str
    ledger_index: int
    leaf_hash: bytes
    inclusion_proof: tuple[bytes, ...]
    tree_size: int
    kind: str = ""
    content_type: str = ""

    @property
    def entry_path(self) -> str:
        return entry_path(self.ledger_index)

    def to_json(self) -> dict[str, Any]:
        return {"attachment_id": self.attachment_id, "name": self.name, "kind": self.kind,
                "content_type": self.content_type, "path": self.path, "size": self.size, "sha256": self.sha256,
                "sm3": self.sm3, "ledger_index": self.ledger_index, "entry_path": self.entry_path,
                "leaf_hash": self.leaf_hash.hex(), "inclusion_proof": [h.hex() for h in self.inclusion_proof],
                "tree_size": self.tree_size}

    @classmethod
    def from_json(cls, data: Any, number: int) -> Item:
        where = f"{MANIFEST} 的第 {number} 项"
        if not isinstance(data, dict):
            raise LedgerTampered(f"{where} 应为 JSON 对象")
        proof = data.get("inclusion_proof")
        if not isinstance(proof, list) or not all(isinstance(h, str) and _HEX.fullmatch(h) for h in proof):
            raise LedgerTampered(f"{where} 的 inclusion_proof 应为十六进制字符串的列表")
        item = cls(attachment_id=_get(data, "attachment_id", int, where), name=_get(data, "name", str, where),
                   path=_get(data, "path", str, where), size=_get(data, "size", int, where),
                   sha256=_get(data, "sha256", str, where), sm3=_get(data, "sm3", str, where),
                   ledger_index=_get(data, "ledger_index", int, where), leaf_hash=_hex(data, "leaf_hash", where),
                   inclusion_proof=tuple(bytes.fromhex(h) for h in proof), tree_size=_get(data, "tree_size", int, where),
                   kind=str(data.get("kind", "")), content_type=str(data.get("content_type", "")))
        if _get(data, "entry_path", str, where) != item.entry_path:
            raise LedgerTampered(f"{where} 的 entry_path 应为 {item.entry_path}")
        return item


@dataclasses.dataclass(frozen=True)
class PackageReport:
    """What a verified package holds (for the summary ``sifa verify`` prints)."""

    case: Mapping[str, Any]
    generated_at: str
    items: tuple[Item, ...]
    checkpoint: Checkpoint
    key_id: str
    key_trusted: bool  # the key id was compared with a trusted_key_id given by the caller


def _get(data: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise LedgerTampered(f"{where} 缺少字段 {key} 或其类型不正确")
    if isinstance(value, int) and value < 0:
        raise LedgerTampered(f"{where} 的 {key} 不能为负数")
    return value


def _hex(data: Mapping[str, Any], key: str, where: str) -> bytes:
    value = _get(data, key, str, where)
    if not _HEX.fullmatch(value):
        raise LedgerTampered(f"{where} 的 {key} 应为小写十六进制")
    return bytes.fromhex(value)


def entry_path(ledger_index: int) -> str:
    return f"entries/{ledger_index}.bin"


def file_path(attachment_id: int, name: str) -> str:
    """``files/<id>-<name>``, the name made safe for any unzip tool (no folders, no control characters)."""
    safe = _UNSAFE_NAME.sub("_", name).strip().lstrip(".")[:120] or "file"
    return f"files/{attachment_id}-{safe}"


# --------------------------------------------------------------------------------------------
# Checks shared by the package verifier and the server's evidence page
# --------------------------------------------------------------------------------------------


def verify_checkpoint(checkpoint: Checkpoint, public_key: Ed25519PublicKey, *,
                      trusted_key_id: str | None = None) -> str:
    """Check the key id(s) and the checkpoint's signature; return the key id."""
    kid = key_id(public_key)
    if trusted_key_id is not None and kid != trusted_key_id.strip().lower():
        raise LedgerTampered(f"证据包中的公钥（密钥标识 {kid}）不是指定信任的公钥 {trusted_key_id.strip()}："
                             f"证据包可能被他人用另一把密钥重新签名")
    if checkpoint.key_id != kid:
        raise LedgerTampered(f"检查点的密钥标识 {checkpoint.key_id} 与证据包中的公钥（{kid}）不符")
    try:
        get_hasher(checkpoint.hash_alg)
    except (UnknownHashAlgorithm, HashAlgorithmUnavailable) as exc:
        raise LedgerTampered(f"检查点的哈希算法 {checkpoint.hash_alg!r} 无法使用：{exc}") from exc
    message = checkpoint_message(tree_size=checkpoint.tree_size, root_hash=checkpoint.root_hash,
                                 timestamp=checkpoint.timestamp, hash_alg=checkpoint.hash_alg)
    if not verify_signature(public_key, message, checkpoint.signature):
        raise LedgerTampered("检查点签名无效（检查点的树大小、根哈希、时间或签名被改动）")
    return kid


def verify_item(item: Item, *, content: bytes, entry: bytes, case_id: int, checkpoint: Checkpoint,
                label: str | None = None, entry_label: str | None = None) -> None:
    """File hash → entry object hash → leaf hash → inclusion proof → checkpoint root, for one item.

    The checkpoint's signature is checked separately, once (:func:`verify_checkpoint`).
    """
    what = label or f"证据包中的文件 {item.path}"
    which = entry_label or f"存证 {item.entry_path}"
    hasher = get_hasher(checkpoint.hash_alg)
    if item.tree_size != checkpoint.tree_size:
        raise LedgerTampered(f"{what} 的包含证明所依据的树大小 {item.tree_size} 与检查点的 {checkpoint.tree_size} 不符")
    if len(content) != item.size:
        raise LedgerTampered(f"{what} 的大小（{len(content)} 字节）与清单登记的 {item.size} 字节不符")
    if get_hasher("sm3").hash(content).hex() != item.sm3:
        raise LedgerTampered(f"{what} 与清单登记的 SM3 不符")
    if hashlib.sha256(content).hexdigest() != item.sha256:
        raise LedgerTampered(f"{what} 与清单登记的 SHA-256 不符")
    try:
        decoded = decode_entry(entry)
    except EntryFormatError as exc:
        raise LedgerTampered(f"{which} 不是有效的存证（{exc}）") from exc
    if decoded.case_id != case_id:
        raise LedgerTampered(f"{which} 登记的案件 #{decoded.case_id} 不是本案 #{case_id}")
    if decoded.object_hash != hasher.hash(content).hex():
        raise LedgerTampered(f"{what} 与{which} 登记的 {hasher.name.upper()} 哈希不符")
    listed = {"attachment": item.attachment_id, "name": item.name, "size": item.size, "sha256": item.sha256,
              "sm3": item.sm3}
    for key, value in listed.items():
        if key in decoded.metadata and decoded.metadata[key] != value:
            raise LedgerTampered(f"清单中 {item.path} 的 {key} 与{which} 登记的不符")
    leaf = hasher.leaf_hash(entry)
    if leaf != item.leaf_hash:
        raise LedgerTampered(f"{which} 的叶哈希与清单登记的不符（存证内容被改动）")
    if not verify_inclusion(leaf, item.ledger_index, item.tree_size, item.inclusion_proof, checkpoint.root_hash,
                            hasher=hasher):
        raise LedgerTampered(f"{what}（存证 #{item.ledger_index}）的包含证明不能推出检查点的根哈希")


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_package(out: IO[bytes], *, case: Mapping[str, Any], generated_at: datetime.datetime,
                  checkpoint: Checkpoint, public_key_pem: str, readme: str,
                  items: Iterable[tuple[Item, bytes, bytes]]) -> None:
    """Write a package to ``out``; ``items`` yields (item, file content, entry bytes), one file at a time.

    The manifest is written last, once every item is known (the order inside a zip means nothing).
    """
    listed: list[Item] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for item, content, entry in items:
            zf.writestr(item.path, content)
            zf.writestr(item.entry_path, entry)
            listed.append(item)
        manifest = {"format": FORMAT, "case": dict(case), "generated_at": format_time(generated_at),
                    "hash_alg": checkpoint.hash_alg, "tree_size": checkpoint.tree_size,
                    "items": [item.to_json() for item in listed]}
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        zf.writestr(CHECKPOINT, json.dumps(checkpoint.to_json(), ensure_ascii=False, indent=2) + "\n")
        zf.writestr(PUBLIC_KEY, public_key_pem)
        zf.writestr(README, readme)


# --------------------------------------------------------------------------------------------
# Verifying
# --------------------------------------------------------------------------------------------


def _json(zf: zipfile.ZipFile, name: str) -> Any:
    try:
        return json.loads(zf.read(name).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise LedgerTampered(f"证据包中的 {name} 不是有效的 UTF-8 JSON") from exc


def verify_package(source: str | os.PathLike[str] | IO[bytes], *,
                   trusted_key_id: str | None = None) -> PackageReport:
    """Check a package (see the module docstring); raise :class:`LedgerTampered` at the first fault."""
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise LedgerTampered(f"证据包不是有效的 ZIP 文件（{exc}）") from exc
    with zf:
        names = zf.namelist()
        for name in names:
            if name.startswith("/") or "\\" in name or ".." in name.split("/"):
                raise LedgerTampered(f"证据包中的文件名 {name} 指向包外")
        if len(set(names)) != len(names):
            twice = next(n for n in names if names.count(n) > 1)
            raise LedgerTampered(f"证据包中的文件 {twice} 出现了不止一次")
        for name in FIXED_FILES:
            if name not in names:
                raise LedgerTampered(f"证据包缺少 {name}")
        manifest = _json(zf, MANIFEST)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise LedgerTampered(f"{MANIFEST} 的 format 不是 {FORMAT}")
        case = manifest.get("case")
        if not isinstance(case, dict):
            raise LedgerTampered(f"{MANIFEST} 缺少 case")
        case_id = _get(case, "id", int, f"{MANIFEST} 的 case")
        raw_items = manifest.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            raise LedgerTampered(f"{MANIFEST} 没有列出任何证据材料")
        items = tuple(Item.from_json(data, n) for n, data in enumerate(raw_items, start=1))
        checkpoint = Checkpoint.from_json(_json(zf, CHECKPOINT))
        try:
            public_key = load_public_key_pem(zf.read(PUBLIC_KEY))
        except ValueError as exc:
            raise LedgerTampered(f"证据包中的 {PUBLIC_KEY} 不是有效的 Ed25519 公钥") from exc

        kid = verify_checkpoint(checkpoint, public_key, trusted_key_id=trusted_key_id)

        listed = [*FIXED_FILES, *(i.path for i in items), *(i.entry_path for i in items)]
        if len(set(listed)) != len(listed):
            raise LedgerTampered(f"{MANIFEST} 中有重复登记的文件或存证")
        for name in names:
            if name not in listed:
                raise LedgerTampered(f"证据包中有清单未登记的文件 {name}")
        for name in listed:
            if name not in names:
                raise LedgerTampered(f"证据包缺少清单登记的文件 {name}")

        for item in items:
            verify_item(item, content=zf.read(item.path), entry=zf.read(item.entry_path), case_id=case_id,
                        checkpoint=checkpoint)
    return PackageReport(case=case, generated_at=str(manifest.get("generated_at", "")), items=items,
                         checkpoint=checkpoint, key_id=kid, key_trusted=trusted_key_id is not None)


def _size(n: int) -> str:
    return f"{n} 字节" if n < 1024 else f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def summary(report: PackageReport) -> str:
    """The Chinese summary printed after a package verified."""
    case, cp = report.case, report.checkpoint
    key_note = ("与指定信任的密钥标识一致" if report.key_trusted
                else "请与司法行政机关公布的密钥标识核对，或用 --key-id 指定后重新校验")
    lines = [
        "证据包校验通过。",
        f"案件：{case.get('number', '')} {case.get('title', '')}（{case.get('org', '')}；案件 #{case.get('id')}，"
        f"案件码 {case.get('code', '')}）",
        f"证据材料：{len(report.items)} 份，文件哈希、存证、包含证明均与检查点一致",
        *(f"  ✓ {i.path}（{_size(i.size)}，存证 #{i.ledger_index}）" for i in report.items),
        f"检查点：树大小 {cp.tree_size}，根哈希 {cp.root_hash.hex()}，时间 {format_time(cp.timestamp)}，"
        f"哈希算法 {cp.hash_alg}，签名有效",
        f"公钥密钥标识：{report.key_id}（{key_note}）",
        "说明：案号、标题与机构取自清单，未经签名；经核验的是案件编号与各文件。",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sifa.core.ledger.package PACKAGE.zip [--key-id ID]``: exit 0 when valid, 1 otherwise."""
    parser = argparse.ArgumentParser(prog="python -m sifa.core.ledger.package", description="离线校验 sifa 证据包")
    parser.add_argument("package", help="证据包 ZIP 文件")
    parser.add_argument("--key-id", dest="key_id", default=None, help="信任的公钥密钥标识（由司法行政机关公布）")
    args = parser.parse_args(argv)
    try:
        report = verify_package(args.package, trusted_key_id=args.key_id)
    except LedgerTampered as exc:
        print(f"证据包校验失败：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"无法读取证据包：{exc}", file=sys.stderr)
        return 1
    print(summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
