"""Official-style case numbers: （2026）浙0111司矫字第12号.

The prefix is the province abbreviation plus the region code below the province, cut at county level
(浙 for the province, 浙01 for 杭州市, 浙0111 for 富阳区 and its townships).
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F

from sifa.core.cases.models import CaseNumberCounter
from sifa.core.orgs.models import Org
from sifa.core.orgs.regions import PROVINCE_ABBREVIATIONS


def number_prefix(org: Org) -> str:
    code = org.region.code
    return PROVINCE_ABBREVIATIONS.get(code[:2], code[:2]) + code[2:6]


def next_sequence(*, case_type: str, prefix: str, year: int) -> int:
    """Take the next sequence number inside the caller's transaction (the counter row stays locked)."""
    if not CaseNumberCounter.objects.filter(case_type=case_type, prefix=prefix, year=year).exists():
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(case_type=case_type, prefix=prefix, year=year)
        except IntegrityError:
            pass  # created concurrently; the UPDATE below waits for and then sees it
    counter = CaseNumberCounter.objects.filter(case_type=case_type, prefix=prefix, year=year)
    counter.update(last=F("last") + 1)
    return counter.values_list("last", flat=True).get()


def format_number(*, year: int, prefix: str, word: str, sequence: int) -> str:
    return f"（{year}）{prefix}{word}字第{sequence}号"


def new_case_code() -> str:
    """An unguessable case code (案件码): 120 random bits, URL- and QR-safe."""
    return secrets.token_urlsafe(15)
