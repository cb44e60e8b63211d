"""Org and region writes (create, 撤并 of orgs and regions) and the drill-down counts."""

from __future__ import annotations

import datetime

import pytest

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Membership
from sifa.core.audit.models import AuditEvent
from sifa.core.errors import NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.orgs import selectors
from sifa.core.orgs.choices import OrgType, RegionLevel
from sifa.core.orgs.models import Org, Region
from sifa.core.orgs.services import create_org, succeed_org, succeed_regions, update_org
from sifa.core.persons.models import Person
from sifa.core.testing import actor_for, membership_of

pytestmark = pytest.mark.django_db

ON = datetime.date(2024, 1, 1)
BEFORE = datetime.date(2023, 6, 1)


def region(code: str) -> Region:
    return Region.objects.current().get(code=code)


def snapshot() -> tuple[int, int, int]:
    return Org.objects.count(), Region.objects.count(), AuditEvent.objects.count()


# --- create_org -------------------------------------------------------------------------------------


def test_create_org_under_own_org(county_manager, county_org):
    # given
    before = AuditEvent.objects.count()

    # when
    org = create_org(actor=county_manager, name=" 富阳区矛盾纠纷调处中心 ", org_type=OrgType.LEGAL_SERVICE_CENTER,
                     region=region("330111"), parent=county_org, address="富阳区某路 1 号")

    # then
    stored = Org.objects.get(pk=org.pk)
    assert stored.name == "富阳区矛盾纠纷调处中心"
    assert stored.parent == county_org
    assert stored.path == county_org.path + f"{org.pk:08d}/"
    assert stored.depth == county_org.depth + 1
    assert stored.valid_from == datetime.date.today()
    assert stored.is_current
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="orgs.org.created")
    assert event.object_id == str(org.pk)
    assert event.changes == {"name": stored.name, "type": "legal_service_center", "region": "330111",
                             "parent": county_org.pk}


def test_create_org_deeper_in_scope(county_manager):
    # given: the 司法所 of office1 is under the county bureau
    office = membership_of("office1").org

    # when
    org = create_org(actor=county_manager, name="富春街道某村调委会", org_type=OrgType.MEDIATION_COMMITTEE,
                     region=region("330111001"), parent=office, valid_from=ON)

    # then
    assert org.path.startswith(office.path)
    assert org.depth == office.depth + 1
    assert org.valid_from == ON
    assert org.visible_to_actor(county_manager)
    assert not org.visible_to_actor(actor_for("office2"))


def test_create_org_out_of_scope_is_not_found(county_manager, ningbo_org):
    # given
    before = snapshot()

    # when / then
    with pytest.raises(NotFound):
        create_org(actor=county_manager, name="越权机构", org_type=OrgType.JUDICIAL_OFFICE,
                   region=region("3302"), parent=ningbo_org)
    assert snapshot() == before
    assert not Org.objects.filter(name="越权机构").exists()


def test_create_org_above_own_org_is_not_found(county_manager, county_org):
    # given
    before = snapshot()

    # when / then: the city bureau is an ancestor, not in scope
    with pytest.raises(NotFound):
        create_org(actor=county_manager, name="越权机构", org_type=OrgType.JUSTICE_BUREAU, region=region("3301"),
                   parent=county_org.parent)
    assert snapshot() == before


def test_create_root_org_only_by_the_system():
    # when
    org = create_org(actor=Actor.system("pytest"), name="某省司法厅", org_type=OrgType.JUSTICE_DEPARTMENT,
                     region=region("15"), parent=None)

    # then
    assert org.parent is None
    assert org.depth == 0
    assert org.path == f"{org.pk:08d}/"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"parent": None}, "parent"),
    ({"name": "   "}, "name"),
    ({"org_type": "bank"}, "type"),
])
def test_create_org_with_bad_input_is_refused(county_manager, county_org, kwargs, field):
    # given
    before = snapshot()
    args = {"name": "新机构", "org_type": OrgType.LEGAL_AID_CENTER, "region": region("330111"), "parent": county_org}

    # when
    with pytest.raises(ValidationFailed) as exc:
        create_org(actor=county_manager, **(args | kwargs))

    # then
    assert exc.value.field == field
    assert snapshot() == before


def test_create_org_in_a_closed_region_is_refused(county_manager, county_org):
    # given
    closed = region("330111001")
    Region.objects.filter(pk=closed.pk).update(valid_to=ON)
    closed.refresh_from_db()
    before = snapshot()

    # when
    with pytest.raises(ValidationFailed) as exc:
        create_org(actor=county_manager, name="新机构", org_type=OrgType.JUDICIAL_OFFICE, region=closed,
                   parent=county_org)

    # then
    assert exc.value.field == "region"
    assert snapshot() == before


def test_create_org_under_a_closed_parent_is_refused(county_manager):
    # given
    office = membership_of("office1").org
    Org.objects.filter(pk=office.pk).update(valid_to=ON)
    office.refresh_from_db()
    before = snapshot()

    # when
    with pytest.raises(ValidationFailed) as exc:
        create_org(actor=county_manager, name="新机构", org_type=OrgType.MEDIATION_COMMITTEE,
                   region=region("330111001"), parent=office)

    # then
    assert exc.value.field == "parent"
    assert snapshot() == before


def test_create_org_needs_orgs_manage(county_org):
    # given: the bureau's business staff may view orgs but not manage them
    before = snapshot()

    # when / then
    with pytest.raises(PermissionDeniedError):
        create_org(actor=actor_for("county"), name="新机构", org_type=OrgType.LEGAL_AID_CENTER,
                   region=region("330111"), parent=county_org)
    assert snapshot() == before


def test_update_org_records_a_diff(county_manager):
    # given
    office = membership_of("office1").org

    # when
    update_org(actor=county_manager, org=office, name=office.name, address="富春街道 8 号", phone="")

    # then
    event = AuditEvent.objects.get(action="orgs.org.updated")
    assert event.changes == {"address": [office.address, "富春街道 8 号"]}


def test_update_org_out_of_scope_is_not_found(county_manager, ningbo_org):
    # given
    before = AuditEvent.objects.count()

    # when / then
    with pytest.raises(NotFound):
        update_org(actor=county_manager, org=ningbo_org, name="改名", address="", phone="")
    assert Org.objects.get(pk=ningbo_org.pk).name == ningbo_org.name
    assert AuditEvent.objects.count() == before


# --- succeed_org (撤并) -------------------------------------------------------------------------------


@pytest.fixture
def office1_org() -> Org:
    return membership_of("office1").org


def test_succeed_org_closes_the_old_org_and_opens_its_successor(county_manager, county_org, office1_org):
    # given
    before = AuditEvent.objects.count()

    # when
    new = succeed_org(actor=county_manager, org=office1_org, name="富春街道司法所（新）", region=office1_org.region,
                      on_date=ON)

    # then
    old = Org.objects.get(pk=office1_org.pk)
    assert (old.valid_to, old.successor, old.path) == (ON, new, office1_org.path)
    assert not old.is_current
    assert new.is_current
    assert (new.parent, new.type, new.valid_from, new.depth) == (county_org, OrgType.JUDICIAL_OFFICE, ON,
                                                                 office1_org.depth)
    assert new.path == county_org.path + f"{new.pk:08d}/"
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="orgs.org.succeeded")
    assert event.object_id == str(old.pk)
    assert event.changes == {"successor": new.pk, "successor_name": "富春街道司法所（新）", "on_date": "2024-01-01"}


def test_succeed_org_moves_current_children_and_rewrites_their_paths(county_manager, office1_org):
    # given: the mediation committee, a unit under it, and a child that is already closed
    committee = Org.objects.get(parent=office1_org, type=OrgType.MEDIATION_COMMITTEE)
    grandchild = create_org(actor=Actor.system("pytest"), name="某村调解小组", org_type=OrgType.MEDIATION_COMMITTEE,
                            region=office1_org.region, parent=committee, valid_from=datetime.date(2021, 1, 1))
    closed_child = create_org(actor=Actor.system("pytest"), name="已撤销的工作站", org_type=OrgType.LEGAL_SERVICE_CENTER,
                              region=office1_org.region, parent=office1_org, valid_from=datetime.date(2021, 1, 1))
    Org.objects.filter(pk=closed_child.pk).update(valid_to=datetime.date(2022, 1, 1))

    # when
    new = succeed_org(actor=county_manager, org=office1_org, name="富春街道司法所（新）", region=office1_org.region,
                      on_date=ON)

    # then
    committee.refresh_from_db()
    grandchild.refresh_from_db()
    closed_child.refresh_from_db()
    assert committee.parent == new
    assert committee.path == new.path + f"{committee.pk:08d}/"
    assert committee.depth == new.depth + 1
    assert grandchild.parent == committee
    assert grandchild.path == committee.path + f"{grandchild.pk:08d}/"
    assert grandchild.depth == committee.depth + 1
    assert closed_child.parent == office1_org
    assert closed_child.path.startswith(office1_org.path)
    assert set(Org.objects.filter(path__startswith=new.path).values_list("pk", flat=True)) == {
        new.pk, committee.pk, grandchild.pk}
    assert set(Org.objects.filter(path__startswith=office1_org.path).values_list("pk", flat=True)) == {
        office1_org.pk, closed_child.pk}


def test_succeed_org_moves_active_memberships(county_manager, office1_org):
    # given
    moved = set(Membership.objects.filter(org=office1_org, is_active=True).values_list("pk", flat=True))
    assert membership_of("office1").pk in moved

    # when
    new = succeed_org(actor=county_manager, org=office1_org, name="富春街道司法所（新）", region=office1_org.region,
                      on_date=ON)

    # then
    assert set(Membership.objects.filter(org=new).values_list("pk", flat=True)) == moved
    assert not Membership.objects.filter(org=office1_org).exists()
    assert actor_for("office1").org == new


def test_records_keep_the_old_org_and_stay_visible_to_the_county(county_manager, office1_org):
    # given
    persons = set(Person.objects.filter(org=office1_org).values_list("pk", flat=True))
    assert persons

    # when
    succeed_org(actor=county_manager, org=office1_org, name="富春街道司法所（新）", region=office1_org.region, on_date=ON)

    # then
    assert set(Person.objects.filter(org=office1_org).values_list("pk", flat=True)) == persons
    visible = set(Person.objects.visible_to(actor_for("county")).values_list("pk", flat=True))
    assert persons <= visible
    assert len(visible) == 300


def test_succeed_a_closed_org_is_refused(county_manager, office1_org):
    # given
    succeed_org(actor=county_manager, org=office1_org, name="新所", region=office1_org.region, on_date=ON)
    before = snapshot()

    # when
    with pytest.raises(ValidationFailed) as exc:
        succeed_org(actor=county_manager, org=office1_org, name="再新所", region=office1_org.region,
                    on_date=datetime.date(2025, 1, 1))

    # then
    assert exc.value.field == "org"
    assert snapshot() == before


def test_succeed_org_on_or_before_its_start_is_refused(county_manager, office1_org):
    # given
    before = snapshot()

    # when
    with pytest.raises(ValidationFailed) as exc:
        succeed_org(actor=county_manager, org=office1_org, name="新所", region=office1_org.region,
                    on_date=office1_org.valid_from)

    # then
    assert exc.value.field == "on_date"
    assert snapshot() == before
    assert Org.objects.get(pk=office1_org.pk).is_current


def test_succeed_org_out_of_scope_is_not_found(county_manager, ningbo_org):
    # given
    before = snapshot()

    # when / then
    with pytest.raises(NotFound):
        succeed_org(actor=county_manager, org=ningbo_org, name="新局", region=ningbo_org.region, on_date=ON)
    assert snapshot() == before
    assert Org.objects.get(pk=ningbo_org.pk).is_current


def test_succeed_org_needs_orgs_manage(office1_org):
    # given
    before = snapshot()

    # when / then
    with pytest.raises(PermissionDeniedError):
        succeed_org(actor=actor_for("county"), org=office1_org, name="新所", region=office1_org.region, on_date=ON)
    assert snapshot() == before


# --- succeed_regions (撤县设区, 乡镇合并) ----------------------------------------------------------------


def test_merge_two_townships_into_a_new_code():
    # given
    fuchun, chunjiang = region("330111001"), region("330111002")
    before = AuditEvent.objects.count()

    # when
    new = succeed_regions(actor=Actor.system("pytest"), regions=[fuchun, chunjiang], code="330111099",
                          name=" 富春江街道 ", on_date=ON)

    # then
    assert (new.code, new.name, new.level, new.valid_from) == ("330111099", "富春江街道", RegionLevel.TOWNSHIP, ON)
    assert new.parent == region("330111")
    for old in (fuchun, chunjiang):
        old.refresh_from_db()
        assert (old.valid_to, old.successor) == (ON, new)
    assert not Region.objects.current().filter(code__in=["330111001", "330111002"]).exists()
    assert [r.code for r in Region.objects.in_force_on(BEFORE).filter(code__startswith="33011100")] == [
        "330111001", "330111002", "330111004", "330111005", "330111006"]
    assert Org.objects.get(pk=membership_of("office1").org.pk).region == fuchun  # records keep their region
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="orgs.region.succeeded")
    assert event.changes == {"closed": ["330111001", "330111002"], "on_date": "2024-01-01"}


def test_merge_may_keep_one_of_the_closed_codes():
    # given
    fuchun, chunjiang = region("330111001"), region("330111002")

    # when
    new = succeed_regions(actor=Actor.system("pytest"), regions=[fuchun, chunjiang], code="330111001",
                          name="富春街道", on_date=ON)

    # then
    assert region("330111001") == new
    assert Region.objects.filter(code="330111001").count() == 2


def test_county_becomes_a_district_and_its_townships_follow():
    # given: 桐庐县 (330122) 撤县设区 under an unused code
    assert not Region.objects.filter(code="330123").exists()
    county = region("330122")
    townships = set(Region.objects.current().filter(parent=county).values_list("pk", flat=True))
    assert len(townships) == 14

    # when
    new = succeed_regions(actor=Actor.system("pytest"), regions=[county], code="330123", name="桐庐区", on_date=ON)

    # then
    assert new.parent == region("3301")
    assert new.level == RegionLevel.COUNTY
    assert set(Region.objects.current().filter(parent=new).values_list("pk", flat=True)) == townships
    assert not Region.objects.current().filter(parent=county).exists()


@pytest.mark.parametrize(("codes", "code", "on_date", "field"), [
    (["330111", "330111001"], "330199", ON, "code"),  # mixed levels
    (["330111001"], "330111004", ON, "code"),  # code of another current region
    (["330111001"], "33011109", ON, "code"),  # malformed code
    (["330111001"], "339901001", ON, "code"),  # no parent region 339901
    (["330111001"], "330111099", datetime.date(2000, 1, 1), "on_date"),  # not after valid_from
    ([], "330111099", ON, "regions"),
])
def test_bad_region_succession_is_refused(codes, code, on_date, field):
    # given
    regions = [region(c) for c in codes]
    before = snapshot()

    # when
    with pytest.raises(ValidationFailed) as exc:
        succeed_regions(actor=Actor.system("pytest"), regions=regions, code=code, name="新区划", on_date=on_date)

    # then
    assert exc.value.field == field
    assert snapshot() == before
    assert Region.objects.current().filter(code__in=codes).count() == len(codes)


def test_succession_of_an_already_closed_region_is_refused():
    # given
    fuchun = region("330111001")
    succeed_regions(actor=Actor.system("pytest"), regions=[fuchun], code="330111099", name="新街道", on_date=ON)
    before = snapshot()

    # when
    with pytest.raises(ValidationFailed) as exc:
        succeed_regions(actor=Actor.system("pytest"), regions=[fuchun], code="330111098", name="再新街道",
                        on_date=datetime.date(2025, 1, 1))

    # then
    assert exc.value.field == "regions"
    assert snapshot() == before


def test_region_succession_needs_orgs_manage():
    # given
    before = snapshot()

    # when / then
    with pytest.raises(PermissionDeniedError):
        succeed_regions(actor=actor_for("county"), regions=[region("330111001")], code="330111099", name="新",
                        on_date=ON)
    assert snapshot() == before


# --- drill-down counts (selectors.child_nodes) -----------------------------------------------------


def test_children_of_the_county_sum_to_its_persons(county_org):
    # given
    actor = actor_for("county")

    # when
    nodes = selectors.child_nodes(actor, county_org)

    # then
    assert len(nodes) == 33
    assert sum(n.persons for n in nodes) == Person.objects.visible_to(actor).count() == 300
    assert sum(n.judicial_offices for n in nodes) == 24
    offices = [n for n in nodes if n.org.type == OrgType.JUDICIAL_OFFICE]
    assert [n.org.type for n in nodes[:24]] == [OrgType.JUDICIAL_OFFICE] * 24  # offices first, by region code
    assert [n.org.region.code for n in offices] == sorted(n.org.region.code for n in offices)
    for n in offices:
        assert n.persons == Person.objects.filter(org=n.org).count()
        assert (n.orgs, n.judicial_offices) == (2, 1)  # itself and its 人民调解委员会
    office1 = next(n for n in nodes if n.org == membership_of("office1").org)
    assert office1.users == Membership.objects.filter(org=office1.org, is_active=True).count() == 4  # staff, grid worker, office1, grid1


def test_city_node_of_the_county_equals_the_sum_of_its_children(county_org):
    # given
    city_actor = actor_for("city")

    # when
    county_node = next(n for n in selectors.child_nodes(city_actor, county_org.parent) if n.org == county_org)
    children = selectors.child_nodes(city_actor, county_org)

    # then: the county's own counts are its children's plus itself
    assert county_node.persons == sum(n.persons for n in children) == 300
    assert county_node.judicial_offices == sum(n.judicial_offices for n in children) == 24
    assert county_node.orgs == 1 + sum(n.orgs for n in children)
    own_users = Membership.objects.active().filter(org=county_org).count()
    assert county_node.users == own_users + sum(n.users for n in children)


def test_children_are_limited_to_the_actor_scope(county_org):
    # when: office1's 司法所 asks for the county's children
    nodes = selectors.child_nodes(actor_for("office1"), county_org)

    # then
    assert [n.org for n in nodes] == [membership_of("office1").org]


def test_closed_org_is_left_out_today_and_shown_for_a_past_date(county_manager, county_org, office1_org):
    # given
    persons_of_old = Person.objects.filter(org=office1_org).count()
    new = succeed_org(actor=county_manager, org=office1_org, name="富春街道司法所（新）", region=office1_org.region,
                      on_date=ON)
    actor = actor_for("county")

    # when
    today = {n.org.pk: n for n in selectors.child_nodes(actor, county_org)}
    past = {n.org.pk: n for n in selectors.child_nodes(actor, county_org, on=BEFORE)}

    # then: today the successor stands in the tree, with the staff and the committee
    assert office1_org.pk not in today
    assert (today[new.pk].orgs, today[new.pk].judicial_offices, today[new.pk].users) == (2, 1, 4)
    assert today[new.pk].persons == 0
    assert len(today) == 33
    # on a date before the change the old 司法所 stands there, as a 司法所, with its persons
    assert new.pk not in past
    assert len(past) == 33
    assert past[office1_org.pk].persons == persons_of_old
    assert past[office1_org.pk].judicial_offices == 1
    assert past[office1_org.pk].orgs == 1
    assert sum(n.persons for n in past.values()) == 300
    assert sum(n.judicial_offices for n in past.values()) == 24


def test_org_not_yet_in_force_is_left_out_for_a_past_date(county_manager, county_org):
    # given
    org = create_org(actor=county_manager, name="新设中心", org_type=OrgType.LEGAL_SERVICE_CENTER,
                     region=region("330111"), parent=county_org, valid_from=ON)

    # when
    past = selectors.child_nodes(actor_for("county"), county_org, on=BEFORE)
    later = selectors.child_nodes(actor_for("county"), county_org, on=datetime.date(2024, 6, 1))

    # then
    assert org.pk not in {n.org.pk for n in past}
    assert org.pk in {n.org.pk for n in later}


def test_root_orgs_of_an_actor_is_its_own_org(county_org):
    # when / then
    assert selectors.root_orgs(actor_for("county")) == [county_org]
    roots = selectors.root_orgs(Actor.system("pytest"))
    assert [o.name for o in roots] == ["浙江省司法厅"]


def test_successor_staff_still_see_the_records_of_the_closed_org(county_manager, office1_org):
    # given persons registered under 富春街道司法所, which is then merged into a successor
    from sifa.core.persons.models import Person
    from sifa.core.testing import actor_for

    before = set(Person.objects.filter(org=office1_org).values_list("pk", flat=True))
    assert before
    succeed_org(actor=county_manager, org=office1_org, name="富春街道司法所（新）", region=office1_org.region, on_date=ON)
    # when office1 (whose membership moved to the successor) lists persons
    visible = set(Person.objects.visible_to(actor_for("office1")).values_list("pk", flat=True))
    # then the old office's persons are still in scope, and office2's are not
    assert before <= visible
    assert not Person.objects.filter(pk__in=visible).exclude(org=office1_org).exclude(org__successor__isnull=False).exists()
