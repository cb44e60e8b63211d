from typing import Any

from django.db.models import Count, F
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.audit.models import AuditEvent
from sifa.core.demo.generator import SCALES
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.persons.models import Person
from sifa.modules.liaisons.choices import ActivityKind, LiaisonStatus
from sifa.modules.liaisons.demo import PER_OFFICE, generate_liaisons
from sifa.modules.liaisons.models import LegalLiaison, LiaisonActivity, LiaisonReward, LiaisonTraining


def _snapshot() -> list[tuple[Any, ...]]:
    return list(LegalLiaison.objects.order_by("person_id").values_list(
        "person_id", "org_id", "community", "appointed_on", "status", "removed_on"))


def test_demo_load_made_liaisons_in_every_office_from_its_own_persons(db: Any) -> None:
    # given: the test database is loaded with `sifa demo --scale demo --seed 1` (conftest)
    offices = Org.objects.filter(type=OrgType.JUDICIAL_OFFICE)
    # then
    per_office = dict(LegalLiaison.objects.values_list("org_id").annotate(n=Count("id")))
    assert set(per_office) == set(offices.values_list("pk", flat=True))
    for office in offices:
        persons = Person.objects.filter(org=office).count()
        assert per_office[office.pk] == min(PER_OFFICE, persons * 4 // 5)
    assert not LegalLiaison.objects.exclude(person__org=F("org")).exists()
    assert LiaisonActivity.objects.count() > LegalLiaison.objects.count() * 3
    assert set(LiaisonActivity.objects.values_list("kind", flat=True).distinct()) == set(ActivityKind.values)
    assert LiaisonActivity.objects.filter(done_on__gt=timezone.localdate()).count() == 0
    assert LiaisonTraining.objects.exists() and LiaisonReward.objects.exists()
    assert LegalLiaison.objects.filter(status=LiaisonStatus.REMOVED).exclude(removal_reason="").exists()
    load = AuditEvent.objects.get(action="demo.loaded")
    assert load.changes["legal_liaisons"] == LegalLiaison.objects.count()
    assert load.changes["liaison_activities"] == LiaisonActivity.objects.count()
    assert load.changes["persons"] == Person.objects.count()  # no persons added


def test_same_seed_gives_the_same_liaisons(db: Any) -> None:
    # given
    before = _snapshot()
    activities = LiaisonActivity.objects.count()
    LegalLiaison.objects.all().delete()
    structure = {"offices": list(Org.objects.filter(type=OrgType.JUDICIAL_OFFICE).select_related("parent"))}
    # when
    counts = generate_liaisons(actor=Actor.system("test"), structure=structure, scale=SCALES["demo"], seed=1)
    # then
    assert _snapshot() == before
    assert counts["liaison_activities"] == LiaisonActivity.objects.count() == activities
