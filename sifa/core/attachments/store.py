"""Storing a received file as evidence: checks, hashes, content-addressed storage, thumbnail, ledger entry.

:func:`store_attachment` is the private helper every writer of evidence calls (the upload service,
documents, module services) inside its OWN service transaction; it writes no audit event, the
calling service does. Everything goes through Django's storage API (``storages["evidence"]``:
``exists``/``save``/``open``/``delete``), never through filesystem paths, so any storage backend works
(docs/engines/attachments.md).
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps

from sifa.core.accounts.actor import Actor
from sifa.core.attachments.filetypes import (
    ALLOWED_TYPES,
    HEAD_BYTES,
    JPEG,
    THUMBNAIL_TYPES,
    allowed_labels,
    detect,
    label_of,
)
from sifa.core.attachments.models import Attachment, AttachmentKind, evidence_storage
from sifa.core.errors import ValidationFailed
from sifa.core.ledger.entries import Entry
from sifa.core.ledger.hashing import SM3, HashAlgorithmUnavailable
from sifa.core.ledger.store import append_entry, ledger_hash_alg
from sifa.core.orgs.models import Org

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
THUMBNAIL_PX = 320
_MAX_THUMBNAIL_PIXELS = 40_000_000  # non-JPEG images larger than this get no thumbnail (memory)
#: Keys of the ledger entry's metadata that store_attachment fills itself.
RESERVED_METADATA = frozenset({"attachment", "name", "size", "content_type", "sha256", "sm3", "kind", "org"})


@dataclass(frozen=True)
class Digests:
    size: int
    sha256: str
    sm3: str


def upload_limit() -> int:
    """``SIFA_UPLOAD_MAX_BYTES``: the largest file accepted, in bytes (default 25 MiB)."""
    return int(settings.SIFA_UPLOAD_MAX_BYTES)


def _megabytes(n: int) -> str:
    mb = round(n / (1024 * 1024), 2)
    return f"{mb:g} MB" if mb > 0 else f"{n} 字节"


def _sm3() -> Any:
    try:
        return hashlib.new(SM3)
    except ValueError as exc:
        raise HashAlgorithmUnavailable("此 Python 的 OpenSSL 不支持 SM3，无法登记附件的 SM3 哈希") from exc


def clean_name(raw: str) -> str:
    """The original file name without any folder part or control characters, at most 255 characters
    (keeping the extension)."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f").strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[:254 - len(ext)]}.{ext}" if dot and 0 < len(ext) <= 16 else name[:255]
    return name or "未命名文件"


def _as_file(content: bytes | File) -> File:
    if isinstance(content, bytes | bytearray | memoryview):
        return ContentFile(bytes(content))
    if isinstance(content, File):
        return content
    raise TypeError(f"content must be bytes or a django File, got {type(content).__name__}")


def _declared_size(f: File) -> int | None:
    try:
        return int(f.size)
    except (AttributeError, OSError, TypeError, ValueError):
        return None


def _scan(f: File, limit: int) -> tuple[Digests, bytes]:
    """One pass over the content: size (stopping past the limit), SHA-256, SM3 and the first bytes."""
    declared = _declared_size(f)
    if declared is not None and declared > limit:
        raise ValidationFailed(f"文件过大：单个文件不能超过 {_megabytes(limit)}", field="file")
    sha256, sm3 = hashlib.sha256(), _sm3()
    size = 0
    head = b""
    for chunk in f.chunks(CHUNK_BYTES):  # File.chunks() starts from the beginning
        size += len(chunk)
        if size > limit:
            raise ValidationFailed(f"文件过大：单个文件不能超过 {_megabytes(limit)}", field="file")
        sha256.update(chunk)
        sm3.update(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
    if size == 0:
        raise ValidationFailed("文件为空（0 字节），请选择有内容的文件", field="file")
    return Digests(size, sha256.hexdigest(), sm3.hexdigest()), head


def digests_of(fh: IO[bytes]) -> Digests:
    """Size, SHA-256 and SM3 of everything readable from ``fh`` (streamed)."""
    sha256, sm3 = hashlib.sha256(), _sm3()
    size = 0
    while chunk := fh.read(CHUNK_BYTES):
        size += len(chunk)
        sha256.update(chunk)
        sm3.update(chunk)
    return Digests(size, sha256.hexdigest(), sm3.hexdigest())


def stored_digests(storage: Storage, name: str) -> Digests:
    with storage.open(name, "rb") as fh:
        return digests_of(fh)


def evidence_path(sha256: str) -> str:
    """The storage name of content with this SHA-256: ``evidence/<sha256[:2]>/<sha256>``."""
    return f"evidence/{sha256[:2]}/{sha256}"


def thumbnail_path(sha256: str) -> str:
    return f"thumbnails/{sha256[:2]}/{sha256}.jpg"


def _save_content(storage: Storage, f: File, digests: Digests) -> str:
    """Save the bytes under their content address, reusing an intact copy already there."""
    target = evidence_path(digests.sha256)
    if storage.exists(target):
        if stored_digests(storage, target) == digests:
            return target
        # The stored copy no longer matches its own name (damaged): replace it with the good bytes.
        logger.warning("evidence file %s did not match its hash; replaced by the uploaded copy", target)
        storage.delete(target)
    f.seek(0)
    return storage.save(target, f)


def _make_thumbnail(storage: Storage, f: File, digests: Digests) -> str:
    """A JPEG of at most 320 px on its longer side, upright by its EXIF orientation; "" when the image
    cannot be read (the upload itself still succeeds)."""
    target = thumbnail_path(digests.sha256)
    if storage.exists(target):
        return target
    try:
        f.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(f) as source:
                if source.get_format_mimetype() != JPEG and source.width * source.height > _MAX_THUMBNAIL_PIXELS:
                    return ""
                source.draft("RGB", (THUMBNAIL_PX, THUMBNAIL_PX))  # JPEG: decode at a reduced scale
                image = ImageOps.exif_transpose(source)
                image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
                if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
                    rgba = image.convert("RGBA")
                    image = Image.new("RGB", rgba.size, "white")
                    image.paste(rgba, mask=rgba.getchannel("A"))
                else:
                    image = image.convert("RGB")
                out = io.BytesIO()
                image.save(out, "JPEG", quality=80)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        logger.warning("no thumbnail for %s: %s", digests.sha256, exc)
        return ""
    return storage.save(target, ContentFile(out.getvalue()))


def store_attachment(
    *,
    actor: Actor,
    org: Org,
    name: str,
    content: bytes | File,
    case: Any = None,
    kind: str = AttachmentKind.EVIDENCE,
    metadata: Mapping[str, Any] | None = None,
    entry_type: str = "attachment.added",
    allowed_types: Collection[str] | None = None,
) -> Attachment:
    """Check, hash, store and log one file; return its row (private helper: runs in the caller's
    service transaction and writes no audit event).

    Refuses (``ValidationFailed``, field "file") an empty file, one over ``SIFA_UPLOAD_MAX_BYTES``, and
    one whose content (not its name) is not of an allowed type (``allowed_types``, default
    :data:`~sifa.core.attachments.filetypes.ALLOWED_TYPES`). Appends the ledger entry ``entry_type``
    whose object hash is the file's digest in the ledger's algorithm, and saves its index.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("store_attachment() must run inside the calling service's transaction")
    if kind not in AttachmentKind.values:
        raise ValidationFailed(f"附件类别「{kind}」无效，可选：{'、'.join(AttachmentKind.labels)}", field="kind")
    extra = dict(metadata or {})
    if clash := RESERVED_METADATA & set(extra):
        raise ValueError(f"metadata keys {sorted(clash)} are filled by store_attachment itself")
    f = _as_file(content)
    digests, head = _scan(f, upload_limit())
    mime = detect(f, head)
    allowed = list(ALLOWED_TYPES) if allowed_types is None else list(allowed_types)
    if mime not in allowed:
        hint = "；文本文件请另存为 UTF-8 编码后上传" if mime == "text/x-non-utf8" else ""
        raise ValidationFailed(
            f"不支持的文件类型：按文件内容检测为「{label_of(mime)}」（{mime}），与文件名无关{hint}。"
            f"允许的类型：{allowed_labels(allowed)}", field="file")

    storage = evidence_storage()
    thumbnail = _make_thumbnail(storage, f, digests) if mime in THUMBNAIL_TYPES else ""
    stored_name = _save_content(storage, f, digests)
    now = timezone.now()
    original_name = clean_name(name or getattr(f, "name", "") or "")
    attachment = Attachment.objects.create(
        org=org, case=case, kind=kind, name=original_name, content_type=mime, size=digests.size,
        sha256=digests.sha256, sm3=digests.sm3, file=stored_name, thumbnail=thumbnail, metadata=extra,
        uploaded_by=actor.user, uploaded_by_name=actor.name[:150], uploaded_at=now)
    object_hash = digests.sm3 if ledger_hash_alg() == SM3 else digests.sha256
    entry = append_entry(Entry(
        type=entry_type, case_id=case.pk if case is not None else None, object_hash=object_hash,
        metadata={"attachment": attachment.pk, "name": attachment.name, "size": digests.size, "content_type": mime,
                  "sha256": digests.sha256, "sm3": digests.sm3, "kind": str(kind), "org": org.pk, **extra},
        time=now))
    attachment.ledger_index = entry.index
    attachment.save(update_fields=["ledger_index"])
    return attachment


def open_file(attachment: Attachment) -> File:
    """The stored file opened for reading (through the storage API); the caller closes it."""
    return evidence_storage().open(attachment.file.name, "rb")


def open_thumbnail(attachment: Attachment) -> File:
    return evidence_storage().open(attachment.thumbnail.name, "rb")


def open_content(attachment: Attachment) -> bytes:
    """The stored bytes of an attachment, exactly as uploaded."""
    with open_file(attachment) as fh:
        data: bytes = fh.read()
    return data
