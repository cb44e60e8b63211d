from __future__ import annotations

import pytest

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Membership, Role, User
from sifa.core.orgs.models import Org
from sifa.core.testing import membership_of


@pytest.fixture
def county_org(db) -> Org:  # type: ignore[no-untyped-def]
    """杭州市富阳区司法局, where the ``county`` demo account works."""
    return membership_of("county").org


@pytest.fixture
def county_manager(county_org: Org) -> Actor:
    """An org manager at the county bureau: may manage orgs in 富阳区 only (no demo account has that)."""
    role = Role.objects.create(code="t_org_manager", name="机构管理（测试）", permissions=["orgs.view", "orgs.manage"],
                               builtin=False)
    user = User.objects.create(username="t_org_manager", display_name="区机构管理员")
    membership = Membership.objects.create(user=user, org=county_org, role=role)
    return Actor.for_membership(membership, ip="127.0.0.1", user_agent="pytest")


@pytest.fixture
def ningbo_org(db) -> Org:  # type: ignore[no-untyped-def]
    """宁波市司法局: outside 杭州市 and 富阳区."""
    return Org.objects.get(region__code="3302", type="justice_bureau")
