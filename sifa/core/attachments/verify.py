"""``sifa verify --all``, files part: every stored evidence file still has the bytes its ledger entry names.

For each attachment, in id order: the file is read back through the storage API and its SM3 and
SHA-256 recomputed; they must equal the row's, the row must point at a ledger entry, and that
entry must decode, name this attachment (metadata "attachment") and its case, and carry as object
hash the file's digest in the ledger's algorithm. The ledger's own integrity (leaf hashes,
checkpoints) is checked by :mod:`sifa.core.ledger.verifier`; together they show that no stored byte
changed since upload.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sifa.core.attachments.models import Attachment, evidence_storage
from sifa.core.attachments.store import stored_digests
from sifa.core.ledger.entries import EntryFormatError, decode_entry
from sifa.core.ledger.hashing import SM3, get_hasher
from sifa.core.ledger.models import LedgerEntry
from sifa.core.ledger.verifier import LedgerTampered


def _label(a: Attachment) -> str:
    return f"附件 #{a.pk}「{a.name}」"


def check_attachment(attachment: Attachment, *, hash_alg: str) -> None:
    """Raise :class:`LedgerTampered` naming ``attachment`` unless its file and ledger entry agree."""
    alg = get_hasher(hash_alg).name
    label = _label(attachment)
    storage = evidence_storage()
    name = attachment.file.name
    if not name or not storage.exists(name):
        raise LedgerTampered(f"{label}的文件缺失（{name or '未登记存储位置'}）")
    digests = stored_digests(storage, name)
    if (digests.sha256, digests.sm3) != (attachment.sha256, attachment.sm3) or digests.size != attachment.size:
        raise LedgerTampered(f"{label}的文件内容与登记的哈希不符")
    if attachment.ledger_index is None:
        raise LedgerTampered(f"{label}没有存证记录（ledger_index 为空）")
    row = LedgerEntry.objects.filter(index=attachment.ledger_index).only("entry").first()
    if row is None:
        raise LedgerTampered(f"{label}登记的第 {attachment.ledger_index} 条存证不存在")
    try:
        entry = decode_entry(bytes(row.entry))
    except EntryFormatError as exc:
        raise LedgerTampered(f"{label}的第 {attachment.ledger_index} 条存证无法解析：{exc}") from exc
    expected = digests.sm3 if alg == SM3 else digests.sha256
    if entry.object_hash != expected:
        raise LedgerTampered(f"{label}的文件内容与第 {attachment.ledger_index} 条存证登记的哈希不符")
    if entry.metadata.get("attachment") != attachment.pk or entry.case_id != attachment.case_id:
        raise LedgerTampered(f"{label}的第 {attachment.ledger_index} 条存证登记的是另一份附件或另一案件")


def check_files(*, hash_alg: str, attachments: Iterable[Attachment] | None = None) -> int:
    """Check every attachment (or the given ones); return how many were checked, or raise
    :class:`LedgerTampered` naming the first bad one. ``hash_alg`` is the ledger's algorithm
    (``sifa.core.ledger.store.ledger_hash_alg()``)."""
    count = 0
    for attachment in attachments if attachments is not None else _all_attachments():
        check_attachment(attachment, hash_alg=hash_alg)
        count += 1
    return count


def _all_attachments(batch: int = 500) -> Iterator[Attachment]:
    """Every attachment by id, in batches (keyset pages rather than a server-side cursor, which would stay
    open in the connection when a check raises half-way)."""
    last = 0
    while rows := list(Attachment.objects.filter(pk__gt=last).order_by("pk")[:batch]):
        yield from rows
        last = rows[-1].pk
