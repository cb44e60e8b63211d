"""Absolute URLs of case codes and grant links, the access code format, and the case-code QR image.

The QR encodes ``{SIFA_SITE_URL}/c/<case_code>``: printed on paper documents, it must point at the
public address of the installation, not at whatever host a page happened to be served from.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets

import segno
from django.conf import settings
from django.urls import reverse

from sifa.core.cases.models import Case

#: Access-code alphabet: digits and capitals without 0/O, 1/I/L (easy to read out over the phone).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def site_url() -> str:
    """``SIFA_SITE_URL`` without a trailing slash (default http://127.0.0.1:8000)."""
    return str(getattr(settings, "SIFA_SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def max_grant_days() -> int:
    """``SIFA_GRANT_MAX_DAYS``: the longest a grant may run (default 90 days)."""
    return int(getattr(settings, "SIFA_GRANT_MAX_DAYS", 90) or 90)


def case_url(case: Case) -> str:
    return site_url() + reverse("casecodes:entry", args=[case.case_code])


def link_url(token: str) -> str:
    return site_url() + reverse("casecodes:link", args=[token])


def new_link_token() -> str:
    """256 random bits, URL-safe; only its SHA-256 is stored."""
    return secrets.token_urlsafe(32)


def hash_link_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_access_code() -> str:
    """Eight characters of :data:`CODE_ALPHABET` (about 40 bits), shown as ``ABCD-EFGH``."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalize_code(text: str) -> str:
    """What the reviewer typed, without spaces or dashes, in capitals (``abcd efgh`` = ``ABCD-EFGH``)."""
    return re.sub(r"[^0-9A-Za-z]", "", text or "").upper()[:32]


def case_qr(case: Case) -> segno.QRCode:
    """The QR code of the case's URL (error correction M: survives a smudge on paper)."""
    return segno.make(case_url(case), error="m", micro=False)


def qr_svg(case: Case) -> bytes:
    buf = io.BytesIO()
    case_qr(case).save(buf, kind="svg", scale=4, border=2, xmldecl=False, title=f"案件码 {case.number}")
    return buf.getvalue()


def qr_png(case: Case) -> bytes:
    """A PNG large enough to print sharply on an A4 document (about 3 cm at 300 dpi)."""
    buf = io.BytesIO()
    case_qr(case).save(buf, kind="png", scale=10, border=4)
    return buf.getvalue()
