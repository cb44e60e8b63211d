from __future__ import annotations

from typing import Any

import pytest

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Membership, Role, User
from sifa.core.cases.models import Case
from sifa.core.cases.services import open_case
from sifa.core.orgs.models import Org
from sifa.core.testing import actor_for


@pytest.fixture
def office_case(db: Any) -> Case:
    """A test_case opened by office1 in its 司法所 (富阳区)."""
    return open_case(actor=actor_for("office1"), case_type="test_case", title="证据材料测试案件")


@pytest.fixture
def other_county_user(db: Any) -> User:
    """Bureau staff of 宁波市司法局: outside 富阳区 and 杭州市 (another county's line)."""
    user = User.objects.create_user(username="ningbo_staff", password="Sifa#2026", display_name="宁波业务员")
    Membership.objects.create(user=user, org=Org.objects.get(name="宁波市司法局"), role=Role.objects.get(code="bureau_staff"))
    return user


@pytest.fixture
def other_county_actor(other_county_user: User) -> Actor:
    return actor_for(other_county_user.username)
