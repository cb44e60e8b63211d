"""Official-style case numbers: （2026）浙0111司矫字第12号.

The prefix is the province abbreviation plus the region code below the province, cut at county level
(浙 for the province, 浙01 for 杭州市, 浙0111 for 富阳区 and its townships).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F

from sifa.core.cases.models import CaseNumberCounter
from sifa.core.orgs.models import Org
from sifa.core.orgs.regions import PROVINCE_ABBREVIATIONS


def number_prefix(org: Org) -> str:
    code = org.region.code
    return PROVINCE_ABBREVIATIONS.get(code[:2], code[:2]) + code[2:6]


def next_counter_value(model: type[models.Model], **key: Any) -> int:
    """Increment the counter row ``model(**key)`` (an integer field ``last``, unique on ``key``) and return it.

    Runs inside the caller's transaction: the UPDATE keeps the row locked until commit, so concurrent
    callers never get the same value and a rolled-back caller gives its value back. Shared by case
    numbers and document numbers (sifa.core.documents).
    """
    manager = model._default_manager
    if not manager.filter(**key).exists():
        try:
            with transaction.atomic():
                manager.create(**key)
        except IntegrityError:
            pass  # created concurrently; the UPDATE below waits for and then sees it
    counter = manager.filter(**key)
    counter.update(last=F("last") + 1)
    return int(counter.values_list("last", flat=True).get())


def next_sequence(*, case_type: str, prefix: str, year: int) -> int:
    """Take the next sequence number inside the caller's transaction (the counter row stays locked)."""
    return next_counter_value(CaseNumberCounter, case_type=case_type, prefix=prefix, year=year)


def format_number(*, year: int, prefix: str, word: str, sequence: int) -> str:
    return f"（{year}）{prefix}{word}字第{sequence}号"


def new_case_code() -> str:
    """An unguessable case code (案件码): 128 random bits from `secrets`, 22 URL- and QR-safe characters."""
    return secrets.token_urlsafe(16)
