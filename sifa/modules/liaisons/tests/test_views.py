import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sifa.core import crypto
from sifa.core.audit.models import AuditEvent
from sifa.core.persons.models import Person
from sifa.core.persons.services import ID_CONTEXT
from sifa.core.testing import client_for
from sifa.modules.liaisons.models import LegalLiaison, LiaisonActivity
from sifa.modules.liaisons.tests.factories import (
    add_activity,
    make_liaison,
    new_county_with_offices,
    new_number,
    office_of,
    other_county_office,
    roster,
)

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def error_beside(html: str, field: str, message: str) -> bool:
    """The message is rendered after the field's input and before the next field's label."""
    at = html.index(f'name="{field}"')
    following = html.find("<label", at)
    return message in html[at:following if following != -1 else None]


def test_list_searches_filters_and_pages() -> None:
    # given
    office = office_of("office1")
    target = make_liaison(office, community="寻找村")
    client = client_for("county")
    # when
    everything = client.get(reverse("liaisons:list"))
    found = client.get(reverse("liaisons:list"), {"q": "寻找村"})
    removed = client.get(reverse("liaisons:list"), {"status": "removed", "org": office.pk})
    partial = client.get(reverse("liaisons:list"), {"q": "寻找村"}, headers={"HX-Request": "true"})
    # then
    visible = LegalLiaison.objects.filter(org__path__startswith=office.parent.path).count()  # type: ignore[union-attr]
    assert everything.context["page"].paginator.count == visible > 25
    assert len(everything.context["rows"]) == 25
    assert [r[0] for r in found.context["rows"]] == [target]
    assert target.person.name in found.content.decode()
    assert all(r[0].status == "removed" and r[0].org == office for r in removed.context["rows"])
    assert b"<html" not in partial.content and target.person.name in partial.content.decode()
    assert client.get(reverse("liaisons:list"), {"status": "nope"}).context["filter_error"]


def test_detail_shows_records_and_points_and_masks_the_number() -> None:
    # given
    liaison = make_liaison(office_of("office1"), phone="13812345678")
    add_activity(liaison, "dispute", YESTERDAY, 2)
    number = crypto.decrypt(liaison.person.id_number_encrypted, context=ID_CONTEXT)
    # when
    response = client_for("office1").get(reverse("liaisons:detail", args=[liaison.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert liaison.person.id_number_masked in html and number not in html
    assert "138****5678" in html and "13812345678" not in html
    by_year = {y.year: y for y in response.context["years"]}
    dispute = next(line for line in by_year[YESTERDAY.year].lines if line.rule.key == "dispute")
    assert (dispute.units, dispute.points) == (2, 6)
    assert 'data-line="dispute"' in html and "矛盾纠纷排查调处" in html
    assert reverse("liaisons:activity_create", args=[liaison.pk]) in html


def test_another_countys_liaison_is_404_on_every_page() -> None:
    liaison = make_liaison(other_county_office())
    client = client_for("county")
    for name in ("detail", "edit", "training_create", "activity_create", "reward_create", "remove"):
        assert client.get(reverse(f"liaisons:{name}", args=[liaison.pk])).status_code == 404, name
    assert client.post(reverse("liaisons:remove", args=[liaison.pk]), {"reason": "x"}).status_code == 404
    liaison.refresh_from_db()
    assert liaison.is_active


def test_register_page_creates_and_redirects() -> None:
    client = client_for("office1")
    form = client.get(reverse("liaisons:create"))
    assert form.context["form"].fields["org"].initial == office_of("office1").pk
    response = client.post(reverse("liaisons:create"), {
        "name": "页面登记", "id_number": new_number(), "org": office_of("office1").pk, "community": "东风村"})
    liaison = LegalLiaison.objects.get(person__name="页面登记")
    assert response.status_code == 302 and response["Location"] == reverse("liaisons:detail", args=[liaison.pk])


def test_register_page_shows_the_error_beside_the_field_and_writes_nothing() -> None:
    # given
    number = new_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    before = (LegalLiaison.objects.count(), Person.objects.count(), AuditEvent.objects.count())
    # when
    response = client_for("office1").post(reverse("liaisons:create"), {
        "name": "错号", "id_number": wrong, "org": office_of("office1").pk, "community": "东风村"})
    # then
    assert response.status_code == 400
    assert error_beside(response.content.decode(), "id_number", "校验码错误")
    assert (LegalLiaison.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == before


def test_activity_form_records_with_a_photo() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sifa.core.attachments.tests.factories import png_bytes

    liaison = make_liaison(office_of("office1"))
    photo = SimpleUploadedFile("宣传.png", png_bytes(tag="view-photo"), content_type="image/png")
    response = client_for("office1").post(reverse("liaisons:activity_create", args=[liaison.pk]), {
        "kind": "publicity", "done_on": YESTERDAY.isoformat(), "count": "3", "note": "讲座", "photos": [photo]})
    assert response.status_code == 302
    activity = LiaisonActivity.objects.get(liaison=liaison)
    assert (activity.count, activity.note, activity.photos.count()) == (3, "讲座", 1)
    page = client_for("office1").get(reverse("liaisons:detail", args=[liaison.pk])).content.decode()
    assert reverse("attachments:thumbnail", args=[activity.photos.get().pk]) in page


def test_forms_for_training_reward_edit_and_removal() -> None:
    liaison = make_liaison(office_of("office1"))
    client = client_for("office1")
    day = YESTERDAY.isoformat()
    assert client.post(reverse("liaisons:training_create", args=[liaison.pk]),
                       {"trained_on": day, "title": "培训", "hours": "2", "organiser": ""}).status_code == 302
    assert client.post(reverse("liaisons:reward_create", args=[liaison.pk]),
                       {"granted_on": day, "title": "表彰", "level": "county", "reason": "成效明显"}).status_code == 302
    assert client.post(reverse("liaisons:edit", args=[liaison.pk]), {
        "org": liaison.org_id, "community": "新村", "phone": "", "appointed_on": "2020-01-01", "notes": ""}
    ).status_code == 302
    empty = client.post(reverse("liaisons:remove", args=[liaison.pk]), {"removed_on": day, "reason": ""})
    assert empty.status_code == 400 and error_beside(empty.content.decode(), "reason", "必填")
    assert client.post(reverse("liaisons:remove", args=[liaison.pk]),
                       {"removed_on": day, "reason": "迁出"}).status_code == 302
    liaison.refresh_from_db()
    assert (liaison.community, liaison.status, liaison.trainings.count(), liaison.rewards.count()) == (
        "新村", "removed", 1, 1)
    page = client.get(reverse("liaisons:detail", args=[liaison.pk])).content.decode()
    assert "迁出" in page and reverse("liaisons:activity_create", args=[liaison.pk]) not in page


def test_import_page_lists_every_bad_row() -> None:
    # given
    client = client_for("county")
    good = new_number()
    content = roster([["好", good, "", office_of("office1").name, "东风村", "", ""],
                      ["", new_number(), "", "火星司法所", "东风村", "", ""]])
    before = LegalLiaison.objects.count()
    # when
    upload = io.BytesIO(content)
    upload.name = "名册.xlsx"
    response = client.post(reverse("liaisons:import"), {"file": upload})
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "第 3 行 姓名：必填" in html and "第 3 行 司法所：「火星司法所」不是管辖范围内的司法所" in html
    assert "名册有 1 行错误" in html
    assert LegalLiaison.objects.count() == before


def test_import_page_imports_and_the_template_downloads() -> None:
    client = client_for("office1")
    template = client.get(reverse("liaisons:import_template"))
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["姓名", "身份证号", "联系电话", "司法所", "村（社区）", "聘任日期", "备注"]
    upload = io.BytesIO(roster([["模板导入", new_number(), "", "", "东风村", "", ""]]))
    upload.name = "r.xlsx"
    response = client.post(reverse("liaisons:import"), {"file": upload})
    assert response.status_code == 302
    assert LegalLiaison.objects.filter(person__name="模板导入", org=office_of("office1")).exists()


def test_export_is_masked_and_audited() -> None:
    # given
    liaison = make_liaison(office_of("office1"), community="导出村")
    number = crypto.decrypt(liaison.person.id_number_encrypted, context=ID_CONTEXT)
    before = AuditEvent.objects.filter(action="liaisons.liaisons.exported").count()
    # when
    response = client_for("county").get(reverse("liaisons:export"), {"q": number})
    # then
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[1][0] == liaison.person.name and rows[1][2] == liaison.person.id_number_masked
    assert number not in str(rows)
    event = AuditEvent.objects.filter(action="liaisons.liaisons.exported").latest("pk")
    assert AuditEvent.objects.filter(action="liaisons.liaisons.exported").count() == before + 1
    assert event.changes == {"rows": 1} and number not in event.object_repr and "q=330111" in event.object_repr
    assert client_for("office1").get(reverse("liaisons:export")).status_code == 403


def test_statistics_page_drills_from_county_to_offices() -> None:
    # given
    county, (a, _b) = new_county_with_offices(["页面甲司法所", "页面乙司法所"])
    make_liaison(a)
    client = client_for("city")
    # when
    top = client.get(reverse("liaisons:statistics"))
    drilled = client.get(reverse("liaisons:statistics"), {"county": county.pk})
    # then
    assert top.context["stats"].level == "county"
    assert f"county={county.pk}" in top.content.decode()
    assert drilled.context["stats"].level == "office"
    html = drilled.content.decode()
    assert "页面甲司法所" in html and "页面乙司法所" in html
    assert client_for("county").get(reverse("liaisons:statistics"), {"county": county.pk}).status_code == 404
