"""Fixtures: a case of office1 (a 司法所 in 富阳区) with two evidence files, and grants on it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sifa.core.accounts.models import User
from sifa.core.attachments.models import Attachment
from sifa.core.attachments.services import upload_attachment
from sifa.core.casecodes.services import IssuedGrant, issue_grant
from sifa.core.cases.models import Case
from sifa.core.cases.services import open_case
from sifa.core.testing import actor_for

TEXT = "询问笔录\n问：你是否清楚本次询问的事由？\n答：清楚。\n".encode()
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def in_days(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def case(db: Any) -> Case:
    return open_case(actor=actor_for("office1"), case_type="test_case", title="案件码测试案件")


@pytest.fixture
def other_case(db: Any) -> Case:
    return open_case(actor=actor_for("office2"), case_type="test_case", title="另一个所的案件")


def upload(case: Case, name: str, data: bytes, username: str = "office1") -> Attachment:
    return upload_attachment(actor=actor_for(username), case=case, file=SimpleUploadedFile(name, data))


@pytest.fixture
def files(case: Case) -> list[Attachment]:
    return [upload(case, "询问笔录.txt", TEXT), upload(case, "处罚决定书.pdf", PDF)]


@pytest.fixture
def user_grant(case: Case) -> IssuedGrant:
    return issue_grant(actor=actor_for("office1"), case=case, expires_at=in_days(30),
                       grantee=User.objects.get(username="reviewer"), note="行政复议审查")


@pytest.fixture
def link_grant(case: Case) -> IssuedGrant:
    return issue_grant(actor=actor_for("office1"), case=case, expires_at=in_days(7), note="法院调卷")
