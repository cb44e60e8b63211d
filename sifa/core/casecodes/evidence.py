"""A case's evidence with ledger proofs, checked on the server, and the evidence package (证据包).

Every attachment of the case (documents included) is shown with its ledger entry, leaf hash and
inclusion proof against the latest checkpoint, and checked with the same pure functions an
offline verifier runs (sifa/core/ledger/package.py): file hash → entry object hash → leaf hash →
inclusion proof → checkpoint root → checkpoint signature. Callers run ``ensure_checkpoint`` first
(before their own audited service), so the latest checkpoint covers every entry of the case.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.attachments.models import Attachment
from sifa.core.attachments.store import open_content
from sifa.core.casecodes.readme import package_readme
from sifa.core.cases.models import Case
from sifa.core.errors import Conflict
from sifa.core.ledger import store
from sifa.core.ledger.models import LedgerCheckpoint, LedgerEntry
from sifa.core.ledger.package import (
    Checkpoint,
    Item,
    file_path,
    verify_checkpoint,
    verify_item,
    write_package,
)
from sifa.core.ledger.services import make_checkpoint
from sifa.core.ledger.signing import key_id, public_key_pem
from sifa.core.ledger.verifier import LedgerTampered


@dataclasses.dataclass(frozen=True)
class EvidenceItem:
    attachment: Attachment
    item: Item | None  # None when the file has no ledger entry under the checkpoint
    ok: bool
    problem: str  # why the check failed, in Chinese ("" when ok)

    @property
    def proof_hex(self) -> list[str]:
        return [h.hex() for h in self.item.inclusion_proof] if self.item else []


@dataclasses.dataclass(frozen=True)
class Evidence:
    case: Case
    checkpoint: Checkpoint | None
    key_id: str
    public_key_pem: str
    items: list[EvidenceItem]

    @property
    def all_ok(self) -> bool:
        return bool(self.items) and all(i.ok for i in self.items)


def attachments_of(case: Case) -> QuerySet[Attachment]:
    """Every file of the case, oldest first (access to the case was decided by the caller)."""
    return Attachment.objects.filter(case=case).order_by("uploaded_at", "pk")


def ensure_checkpoint(actor: Actor, case: Case) -> None:
    """Make a checkpoint now when the latest one does not cover the case's newest ledger entry.

    Call before the caller's own audited service (make_checkpoint is a public service with its own
    durable transaction and audit event).
    """
    newest = attachments_of(case).aggregate(m=Max("ledger_index"))["m"]
    if newest is None:
        return
    latest = store.latest_checkpoint()
    if latest is None or latest.tree_size <= newest:
        make_checkpoint(actor=actor)


def _checkpoint(row: LedgerCheckpoint) -> Checkpoint:
    return Checkpoint(tree_size=row.tree_size, root_hash=bytes(row.root_hash), hash_alg=row.hash_alg,
                      timestamp=row.timestamp, signature=bytes(row.signature), key_id=row.key_id)


def evidence_of(case: Case, *, verify: bool = True) -> Evidence:
    """The case's files with proofs; with ``verify`` each file is read and checked end to end."""
    public_key = store.signing_key().public_key()
    row = store.latest_checkpoint()
    checkpoint = _checkpoint(row) if row is not None else None
    checkpoint_problem = ""
    if checkpoint is not None and verify:
        try:
            verify_checkpoint(checkpoint, public_key)
        except LedgerTampered as exc:
            checkpoint_problem = str(exc)
    attachments = list(attachments_of(case))
    covered = [a.ledger_index for a in attachments
               if a.ledger_index is not None and checkpoint is not None and a.ledger_index < checkpoint.tree_size]
    entries = {e.index: bytes(e.entry) for e in LedgerEntry.objects.filter(index__in=covered)}
    items = []
    for attachment in attachments:
        items.append(_item(case, attachment, checkpoint, entries, verify=verify, checkpoint_problem=checkpoint_problem))
    return Evidence(case=case, checkpoint=checkpoint, key_id=key_id(public_key), public_key_pem=public_key_pem(public_key),
                    items=items)


def _item(case: Case, attachment: Attachment, checkpoint: Checkpoint | None, entries: dict[int, bytes], *,
          verify: bool, checkpoint_problem: str) -> EvidenceItem:
    index = attachment.ledger_index
    if index is None:
        return EvidenceItem(attachment, None, False, "该文件尚未存证")
    if checkpoint is None or index >= checkpoint.tree_size:
        return EvidenceItem(attachment, None, False, "尚无覆盖该存证的检查点")
    leaf, path = store.inclusion(index, checkpoint.tree_size)
    item = Item(attachment_id=attachment.pk, name=attachment.name, path=file_path(attachment.pk, attachment.name),
                size=attachment.size, sha256=attachment.sha256, sm3=attachment.sm3, ledger_index=index,
                leaf_hash=leaf, inclusion_proof=tuple(path), tree_size=checkpoint.tree_size, kind=attachment.kind,
                content_type=attachment.content_type)
    if not verify:
        return EvidenceItem(attachment, item, True, "")
    if checkpoint_problem:
        return EvidenceItem(attachment, item, False, checkpoint_problem)
    if index not in entries:
        return EvidenceItem(attachment, item, False, f"存证 #{index} 缺失")
    try:
        verify_item(item, content=open_content(attachment), entry=entries[index], case_id=case.pk,
                    checkpoint=checkpoint, label=f"文件「{attachment.name}」", entry_label=f"存证 #{index}")
    except LedgerTampered as exc:
        return EvidenceItem(attachment, item, False, str(exc))
    except OSError:
        return EvidenceItem(attachment, item, False, "存储中找不到该文件")
    return EvidenceItem(attachment, item, True, "")


def case_summary(case: Case) -> dict[str, Any]:
    return {"id": case.pk, "number": case.number, "code": case.case_code, "title": case.title, "org": case.org.name}


def write_case_package(out: IO[bytes], evidence: Evidence, *, generated_at: datetime.datetime | None = None) -> int:
    """Write the evidence package of ``evidence`` (built with verify=False) to ``out``; return the item count.

    Files are read one at a time while writing, so a large case is not held in memory at once.
    """
    checkpoint = evidence.checkpoint
    items = [e for e in evidence.items if e.item is not None]
    if checkpoint is None or not items:
        raise Conflict("本案尚无已存证的证据材料，无法生成证据包")
    entries = {e.index: bytes(e.entry)
               for e in LedgerEntry.objects.filter(index__in=[i.item.ledger_index for i in items if i.item])}

    def contents() -> Iterator[tuple[Item, bytes, bytes]]:
        for e in items:
            assert e.item is not None
            yield e.item, open_content(e.attachment), entries[e.item.ledger_index]

    write_package(out, case=case_summary(evidence.case), generated_at=generated_at or timezone.now(),
                  checkpoint=checkpoint, public_key_pem=evidence.public_key_pem,
                  readme=package_readme(evidence.case, checkpoint=checkpoint, key_id=evidence.key_id),
                  items=contents())
    return len(items)
