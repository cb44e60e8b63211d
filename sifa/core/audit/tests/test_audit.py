"""The audit log: append-only (ORM and, on PostgreSQL, the trigger), retention purge, record(), the @service
contract, and the audit pages (scope, filters, export)."""

from __future__ import annotations

import datetime
import io
import uuid
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Membership, Role, User
from sifa.core.audit.models import AuditEvent, AuditLogIsAppendOnly
from sifa.core.audit.recorder import UnknownAuditAction, diff, record
from sifa.core.audit.services import export_audit_events, purge_audit_events
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.persons.models import Person
from sifa.core.persons.services import register_person
from sifa.core.services import AuditContractError, service
from sifa.core.testing import actor_for, client_for, make_id_number, membership_of

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
SYSTEM = Actor.system("pytest")
LIST_URL = reverse("audit:list")


def old_events(*ages_in_days: int) -> list[AuditEvent]:
    """Rows as if recorded long ago (the log cannot be back-dated through a service)."""
    now = timezone.now()
    return AuditEvent.objects.bulk_create([
        AuditEvent(created_at=now - datetime.timedelta(days=age), action="audit.events.exported",
                   operation_id=uuid.uuid4(), actor_name=f"old {age}", object_repr=f"age {age}")
        for age in ages_in_days
    ])


def listed(response) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    """Every event the list matched (all pages)."""
    return list(response.context["page"].paginator.object_list)


_births = iter(range(1, 10_000))


def register(username: str, region6: str = "330111", org: Org | None = None) -> Person:
    day = datetime.date(2010, 1, 1) + datetime.timedelta(days=next(_births))
    return register_person(actor=actor_for(username), name="审计测试", id_number=make_id_number(region6, day), org=org)


@pytest.fixture
def event() -> AuditEvent:
    return AuditEvent.objects.order_by("id").first()  # type: ignore[return-value]


# --- append-only through the ORM --------------------------------------------------------------------


def test_saving_a_loaded_event_is_refused(event):
    # given
    event.action = "persons.person.registered"

    # when / then
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action != "persons.person.registered"


def test_saving_a_new_instance_over_an_existing_id_is_refused(event):
    # given: Model.save() with a pk set would try an UPDATE first
    forged = AuditEvent(pk=event.pk, action="persons.person.registered", operation_id=uuid.uuid4(), actor_name="伪造")

    # when / then
    with pytest.raises(AuditLogIsAppendOnly):
        forged.save()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.actor_name) == (event.action, event.actor_name)


def test_deleting_an_event_is_refused(event):
    # when / then
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("write", [
    lambda pk: AuditEvent.objects.filter(pk=pk).update(action="x"),
    lambda pk: AuditEvent.objects.filter(pk=pk).delete(),
    lambda pk: AuditEvent.objects.all().delete(),
    lambda pk: AuditEvent.objects.update(actor_name="x"),
    lambda pk: AuditEvent.objects.bulk_update([AuditEvent(pk=pk, action="x")], ["action"]),
    lambda pk: AuditEvent.objects.update_or_create(pk=pk, defaults={"action": "x"}),
])
def test_queryset_writes_are_refused(event, write):
    # given
    count = AuditEvent.objects.count()

    # when / then (bulk_update runs in its own atomic block, so give it a savepoint to fail in)
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        write(event.pk)
    assert AuditEvent.objects.count() == count
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


# --- append-only in PostgreSQL ----------------------------------------------------------------------


@on_postgresql
@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s",
    "DELETE FROM audit_auditevent WHERE id = %s",
])
def test_trigger_rejects_raw_update_and_delete(event, sql):
    # when
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])

    # then
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


@on_postgresql
def test_trigger_rejects_deleting_old_rows_without_the_purge_flag():
    # given
    [old] = old_events(400)

    # when / then
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])
    assert AuditEvent.objects.filter(pk=old.pk).exists()


@on_postgresql
def test_trigger_rejects_purging_young_rows_even_with_the_flag():
    # given: a row 170 days old; the database itself keeps 180 days
    [young] = old_events(170)

    # when / then
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL sifa.audit_purge = 'on'")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [young.pk])
    assert AuditEvent.objects.filter(pk=young.pk).exists()


@on_postgresql
def test_trigger_lets_the_flagged_purge_delete_old_rows():
    # given
    [old] = old_events(400)

    # when
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL sifa.audit_purge = 'on'")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])

    # then
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


# --- retention purge --------------------------------------------------------------------------------


@pytest.mark.parametrize("age_days", [0, 30, 179])
def test_purge_refuses_a_cutoff_younger_than_180_days(age_days):
    # given
    old_events(400, 10)
    count = AuditEvent.objects.count()

    # when
    with pytest.raises(ValidationFailed) as exc:
        purge_audit_events(actor=SYSTEM, before=timezone.now() - datetime.timedelta(days=age_days))

    # then
    assert exc.value.field == "before"
    assert "180 天" in exc.value.message
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(action="audit.events.purged").exists()


def test_purge_deletes_only_rows_older_than_the_cutoff():
    # given
    very_old, old, young, recent = old_events(400, 200, 170, 1)
    kept_before = set(AuditEvent.objects.exclude(pk__in=[very_old.pk, old.pk]).values_list("pk", flat=True))

    # when
    deleted = purge_audit_events(actor=SYSTEM, before=timezone.now() - datetime.timedelta(days=180))

    # then
    assert deleted == 2
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert not remaining & {very_old.pk, old.pk}
    assert kept_before <= remaining
    assert {young.pk, recent.pk} <= remaining
    purge = AuditEvent.objects.get(action="audit.events.purged")
    assert purge.changes == {"rows": 2}
    assert purge.actor_name == "系统:pytest"


def test_purge_with_an_older_cutoff_keeps_rows_between():
    # given
    very_old, old = old_events(400, 200)

    # when
    deleted = purge_audit_events(actor=SYSTEM, before=timezone.now() - datetime.timedelta(days=300))

    # then
    assert deleted == 1
    assert not AuditEvent.objects.filter(pk=very_old.pk).exists()
    assert AuditEvent.objects.filter(pk=old.pk).exists()


# --- record() and the @service contract -------------------------------------------------------------


def test_record_refuses_an_unknown_action():
    # given
    count = AuditEvent.objects.count()

    # when / then
    with pytest.raises(UnknownAuditAction):
        record(actor=SYSTEM, action="persons.person.teleported")
    assert AuditEvent.objects.count() == count


def test_record_outside_a_service_is_refused():
    # given
    count = AuditEvent.objects.count()

    # when / then
    with pytest.raises(RuntimeError, match="@service"):
        record(actor=SYSTEM, action="audit.events.exported")
    assert AuditEvent.objects.count() == count


def test_diff_lists_changed_fields_only():
    # when / then
    assert diff({"a": 1, "b": datetime.date(2024, 1, 1), "c": "x"},
                {"a": 1, "b": datetime.date(2024, 1, 2), "d": "y"}) == {
        "b": ["2024-01-01", "2024-01-02"], "c": ["x", None], "d": [None, "y"]}


@pytest.fixture
def define_service(monkeypatch) -> Callable[[str], Callable]:  # type: ignore[no-untyped-def, type-arg]
    """``@service`` for a throwaway test service: the frozen service registry is opened and restored after."""
    monkeypatch.setattr(registry.services, "_frozen", False)
    monkeypatch.setattr(registry.services, "_items", dict(registry.services._items))
    return service


def _rename_office1_org() -> Org:
    org = membership_of("office1").org
    Org.objects.filter(pk=org.pk).update(name="已改名")
    return org


def test_service_recording_nothing_is_rolled_back(define_service):
    # given
    @define_service("audit.events.exported")
    def silent(*, actor: Actor) -> Org:
        return _rename_office1_org()

    count = AuditEvent.objects.count()

    # when / then
    with pytest.raises(AuditContractError, match="recorded \\[\\]"):
        silent(actor=SYSTEM)
    assert Org.objects.get(pk=membership_of("office1").org.pk).name == "富春街道司法所"
    assert AuditEvent.objects.count() == count


def test_service_recording_twice_is_rolled_back(define_service):
    # given
    @define_service("audit.events.exported")
    def chatty(*, actor: Actor) -> Org:
        org = _rename_office1_org()
        record(actor=actor, action="audit.events.exported", object_repr="one")
        record(actor=actor, action="audit.events.exported", object_repr="two")
        return org

    count = AuditEvent.objects.count()

    # when / then
    with pytest.raises(AuditContractError):
        chatty(actor=SYSTEM)
    assert Org.objects.get(pk=membership_of("office1").org.pk).name == "富春街道司法所"
    assert AuditEvent.objects.count() == count


def test_service_recording_another_action_is_rolled_back(define_service):
    # given
    @define_service("audit.events.exported")
    def mislabelled(*, actor: Actor) -> None:
        record(actor=actor, action="audit.events.purged")

    count = AuditEvent.objects.count()

    # when / then
    with pytest.raises(AuditContractError):
        mislabelled(actor=SYSTEM)
    assert AuditEvent.objects.count() == count


def test_service_events_share_one_operation_id_per_call(define_service):
    # given
    @define_service("audit.events.exported")
    def once(*, actor: Actor) -> AuditEvent:
        return record(actor=actor, action="audit.events.exported")

    # when
    first, second = once(actor=SYSTEM), once(actor=SYSTEM)

    # then
    assert first.operation_id != second.operation_id


def test_service_takes_keyword_arguments_only():
    # when / then
    with pytest.raises(TypeError, match="keyword arguments only"):
        export_audit_events(SYSTEM, queryset_description="x", row_count=0)  # type: ignore[misc]


def test_services_cannot_be_nested(define_service):
    # given: a service that calls another public service inside its transaction
    @define_service("audit.events.exported")
    def outer(*, actor: Actor) -> None:
        export_audit_events(actor=actor, queryset_description="inner", row_count=0)
        record(actor=actor, action="audit.events.exported")

    count = AuditEvent.objects.count()

    # when / then
    with pytest.raises(RuntimeError, match="durable"):
        outer(actor=SYSTEM)
    assert AuditEvent.objects.count() == count


def test_event_captures_who_where_and_what():
    # when
    person = register("office1")

    # then
    event = AuditEvent.objects.get(action="persons.person.registered")
    m = membership_of("office1")
    assert (event.actor_user_id, event.actor_username, event.membership_id) == (m.user_id, "office1", m.pk)
    assert (event.org_id, event.org_path, event.org_name, event.role_code) == (m.org_id, m.org.path, m.org.name,
                                                                               "office_staff")
    assert (event.ip, event.user_agent) == ("127.0.0.1", "pytest")
    assert (event.object_type, event.object_id) == ("persons.person", str(person.pk))
    assert event.action_label == "登记自然人"


# --- pages ------------------------------------------------------------------------------------------


def test_admin_sees_all_events_including_system_ones():
    # given
    register("office1")

    # when
    response = client_for("admin").get(LIST_URL)

    # then
    assert response.status_code == 200
    actions = {e.action for e in listed(response)}
    assert {"demo.loaded", "orgs.regions.imported", "persons.person.registered"} <= actions
    assert "登记自然人" in response.content.decode()


def test_list_without_audit_view_is_forbidden():
    # when
    response = client_for("office1").get(LIST_URL)

    # then
    assert response.status_code == 403


def test_filter_by_action_exact_and_prefix():
    # given
    person = register("office1")
    client_for("county").post(reverse("persons:reveal", args=[person.pk]))

    # when
    exact = listed(client_for("admin").get(LIST_URL, {"action": "persons.person.registered"}))
    prefix = listed(client_for("admin").get(LIST_URL, {"action": "persons."}))

    # then
    assert [e.action for e in exact] == ["persons.person.registered"]
    assert {e.action for e in prefix} == {"persons.person.registered", "persons.person.id_number_revealed"}


def test_filter_by_actor_username_or_name():
    # given
    register("office1")
    register("county")
    display_name = User.objects.get(username="county").display_name

    # when
    by_username = listed(client_for("admin").get(LIST_URL, {"actor": "OFFICE1"}))
    by_name = listed(client_for("admin").get(LIST_URL, {"actor": display_name[2:]}))

    # then
    assert [e.actor_username for e in by_username] == ["office1"]
    assert [e.actor_username for e in by_name] == ["county"]


def test_filter_by_date_range():
    # given: noon in Beijing time on two days
    tz = timezone.get_current_timezone()
    early = datetime.datetime(2024, 3, 1, 12, tzinfo=tz)
    late = datetime.datetime(2024, 3, 5, 12, tzinfo=tz)
    a, b = AuditEvent.objects.bulk_create([
        AuditEvent(created_at=when, action="audit.events.exported", operation_id=uuid.uuid4(), actor_name="x")
        for when in (early, late)
    ])

    # when
    client = client_for("admin")
    since = listed(client.get(LIST_URL, {"since": "2024-03-02", "until": "2024-03-31"}))
    until = listed(client.get(LIST_URL, {"until": "2024-03-01"}))
    day = listed(client.get(LIST_URL, {"since": "2024-03-05", "until": "2024-03-05"}))

    # then
    assert [e.pk for e in since] == [b.pk]
    assert [e.pk for e in until] == [a.pk]
    assert [e.pk for e in day] == [b.pk]


def test_bad_date_filter_is_reported():
    # when
    response = client_for("admin").get(LIST_URL, {"since": "2024-02-30"})

    # then
    assert response.status_code == 400
    assert "筛选条件 since 格式不正确" in response.content.decode()
    assert listed(response) == []


@pytest.fixture
def ningbo_staff() -> str:
    """A bureau staff member at 宁波市司法局 (outside 杭州市)."""
    org = Org.objects.get(region__code="3302", type="justice_bureau")
    user = User.objects.create(username="t_ningbo", display_name="宁波业务员")
    Membership.objects.create(user=user, org=org, role=Role.objects.get(code="bureau_staff"))
    return "t_ningbo"


def test_city_leader_sees_only_events_under_its_city(ningbo_staff):
    # given: events by office1 and county (杭州市), by the province admin and by 宁波
    mine = {register("office1").pk, register("county").pk}
    others = {register("admin", org=membership_of("office1").org).pk, register(ningbo_staff, region6="330203").pk}
    city = membership_of("city").org

    # when
    response = client_for("city").get(LIST_URL)

    # then
    events = listed(response)
    assert events
    assert all(e.org_path.startswith(city.path) for e in events)
    shown = {int(e.object_id) for e in events if e.action == "persons.person.registered"}
    assert shown == mine
    assert not shown & others
    assert "demo.loaded" not in {e.action for e in events}


def test_leader_of_another_city_does_not_see_hangzhou_events():
    # given: the 杭州 leader exports (an event at 杭州市司法局), and a leader at 宁波市司法局
    client_for("city").get(reverse("audit:export"))
    user = User.objects.create(username="t_ningbo_leader", display_name="宁波领导")
    Membership.objects.create(user=user, org=Org.objects.get(region__code="3302", type="justice_bureau"),
                              role=Role.objects.get(code="leader"))

    # when
    by_admin = listed(client_for("admin").get(LIST_URL, {"action": "audit.events.exported"}))
    by_ningbo = listed(client_for("t_ningbo_leader").get(LIST_URL, {"action": "audit.events.exported"}))

    # then: the admin sees it, the other city's leader does not
    assert [e.actor_username for e in by_admin] == ["city"]
    assert by_ningbo == []


def test_export_writes_a_workbook_and_records_it():
    # given
    register("office1")
    before = AuditEvent.objects.count()

    # when
    response = client_for("admin").get(reverse("audit:export"), {"action": "persons."})

    # then
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content), read_only=True)["审计日志"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "操作", "操作名")
    assert [(r[1], r[4]) for r in rows[1:]] == [("persons.person.registered", "office1")]
    assert AuditEvent.objects.count() == before + 1
    exported = AuditEvent.objects.get(action="audit.events.exported")
    assert (exported.actor_username, exported.changes) == ("admin", {"rows": 1})
    assert "persons." in exported.object_repr


def test_export_by_city_is_limited_to_its_scope(ningbo_staff):
    # given
    register("office1")
    register(ningbo_staff, region6="330203")
    city = membership_of("city").org

    # when
    response = client_for("city").get(reverse("audit:export"))

    # then
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True)["审计日志"].iter_rows(values_only=True))
    assert {r[4] for r in rows[1:]} == {"office1"}
    exported = AuditEvent.objects.get(action="audit.events.exported")
    assert exported.org_path == city.path
    assert exported.changes == {"rows": len(rows) - 1}


def test_export_without_permission_is_forbidden_and_not_recorded():
    # given
    count = AuditEvent.objects.count()

    # when
    response = client_for("county").get(reverse("audit:export"))

    # then
    assert response.status_code == 403
    assert AuditEvent.objects.count() == count
