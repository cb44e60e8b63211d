"""Place services: validation of every field, scope, duplicates, publication, photos; each audited once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sifa.core.attachments.tests.factories import jpeg_bytes, pdf_bytes, png_bytes
from sifa.core.audit.models import AuditEvent
from sifa.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.testing import actor_for, membership_of
from sifa.modules.legal_services import selectors, services
from sifa.modules.legal_services.models import PlacePhoto, ServicePlace
from sifa.modules.legal_services.tests.factories import fuyang, make_photo, make_place, place_values, township


def _counts() -> tuple[int, int, int]:
    return ServicePlace.objects.count(), PlacePhoto.objects.count(), AuditEvent.objects.count()


def test_create_place_cleans_and_audits(db: Any) -> None:
    # given
    actor = actor_for("county")
    values = place_values(fuyang(), name="  富春街道公共法律服务工作站 ", township=township("330111001"),
                          longitude="119.9601234", services=["人民调解", "法律咨询", "人民调解"])
    # when
    place = services.create_place(actor=actor, values=values)
    # then
    place.refresh_from_db()
    assert place.name == "富春街道公共法律服务工作站"
    assert place.longitude == Decimal("119.960123") and place.latitude == Decimal("30.049871")
    assert place.services == ["人民调解", "法律咨询"]
    assert place.service_index == "|人民调解|法律咨询|"
    event = AuditEvent.objects.filter(action="legal_services.place.created", object_id=str(place.pk)).get()
    assert event.changes["name"] == place.name and event.org_id == fuyang().pk


def test_every_bad_field_is_reported_and_nothing_written(db: Any) -> None:
    # given
    before = _counts()
    values = place_values(fuyang(), type="casino", name="", address="", longitude="200", latitude="30",
                          services=["算命"], phone="call me", panorama_url="javascript:alert(1)")
    # when
    with pytest.raises(ValidationFailed) as caught:
        services.create_place(actor=actor_for("county"), values=values)
    # then
    fields = {e["field"] for e in caught.value.errors}
    assert fields == {"type", "name", "address", "longitude", "services", "phone", "panorama_url"}
    messages = {e["field"]: e["message"] for e in caught.value.errors}
    assert "场所类型「casino」无效" in messages["type"] and "算命" in messages["services"]
    assert _counts() == before


def test_org_out_of_scope_is_refused(db: Any) -> None:
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        services.create_place(actor=actor_for("office1"), values=place_values(membership_of("office2").org))
    assert caught.value.errors[0]["field"] == "org"
    assert _counts() == before


def test_township_must_lie_in_the_orgs_county(db: Any) -> None:
    xihu_street = township("330106002")  # 西湖区
    with pytest.raises(ValidationFailed) as caught:
        services.create_place(actor=actor_for("county"), values=place_values(fuyang(), township=xihu_street))
    assert caught.value.field == "township" and "不在维护机构" in caught.value.message


def test_same_name_and_type_in_one_org_is_a_duplicate(db: Any) -> None:
    # given
    existing = make_place(fuyang(), name="浙江测试律师事务所", type="law_firm")
    before = _counts()
    # when
    with pytest.raises(ValidationFailed) as caught:
        services.create_place(actor=actor_for("county"),
                              values=place_values(fuyang(), type="law_firm", name="浙江测试律师事务所"))
    # then
    assert caught.value.field == "name" and f"编号 {existing.pk}" in caught.value.message
    assert _counts() == before
    # another type may share the name
    services.create_place(actor=actor_for("county"),
                          values=place_values(fuyang(), type="notary_office", name="浙江测试律师事务所"))


def test_update_records_the_diff_and_keeps_other_fields(db: Any) -> None:
    # given
    place = make_place(fuyang(), name="改前", opening_hours="周一")
    # when
    services.update_place(actor=actor_for("county"), place=place, values={"name": "改后", "phone": "0571-1234567"})
    # then
    place.refresh_from_db()
    assert (place.name, place.phone, place.opening_hours) == ("改后", "0571-1234567", "周一")
    event = AuditEvent.objects.get(action="legal_services.place.updated", object_id=str(place.pk))
    assert event.changes == {"name": ["改前", "改后"], "phone": ["", "0571-1234567"]}


def test_update_out_of_scope_is_not_found(db: Any) -> None:
    # given a place of office2, edited by office1
    place = make_place(membership_of("office2").org, name="乙所场所")
    before = _counts()
    # when / then
    with pytest.raises(NotFound):
        services.update_place(actor=actor_for("office1"), place=place, values={"name": "越权"})
    place.refresh_from_db()
    assert place.name == "乙所场所" and _counts() == before


def test_a_role_without_the_permission_cannot_write(db: Any) -> None:
    before = _counts()
    with pytest.raises(PermissionDeniedError):
        services.create_place(actor=actor_for("officer"), values=place_values(fuyang()))
    assert _counts() == before


def test_unpublish_hides_the_place_and_publish_shows_it(db: Any) -> None:
    # given
    place = make_place(fuyang(), name="可隐藏场所")
    actor = actor_for("county")
    # when
    services.unpublish_place(actor=actor, place=place)
    # then
    assert not selectors.published_places().filter(pk=place.pk).exists()
    assert selectors.managed_places(actor).filter(pk=place.pk).exists()
    with pytest.raises(Conflict):
        services.unpublish_place(actor=actor, place=place)
    services.publish_place(actor=actor, place=place)
    assert selectors.published_places().filter(pk=place.pk).exists()
    actions = list(AuditEvent.objects.filter(object_id=str(place.pk), object_type="legal_services.serviceplace")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["legal_services.place.unpublished", "legal_services.place.published"]


def test_photo_is_stored_as_an_attachment_and_public_while_published(db: Any) -> None:
    # given
    place = make_place(membership_of("office1").org)
    # when
    photo = services.add_place_photo(actor=actor_for("office1"), place=place, caption="服务大厅",
                                     file=SimpleUploadedFile("大厅.jpg", jpeg_bytes(size=(800, 400))))
    # then
    attachment = photo.attachment
    assert attachment.kind == "photo" and attachment.org_id == place.org_id and attachment.case_id is None
    assert attachment.content_type == "image/jpeg" and attachment.thumbnail and attachment.ledger_index is not None
    assert selectors.public_photo(photo.pk) == photo
    place.published = False
    place.save(update_fields=["published"])
    with pytest.raises(NotFound):
        selectors.public_photo(photo.pk)


def test_a_photo_must_be_an_image(db: Any) -> None:
    place = make_place(fuyang())
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        services.add_place_photo(actor=actor_for("county"), place=place, file=SimpleUploadedFile("x.jpg", pdf_bytes()))
    assert caught.value.field == "file" and "PDF" in caught.value.message
    with pytest.raises(ValidationFailed):
        services.add_place_photo(actor=actor_for("county"), place=place, file=None)
    assert _counts() == before


def test_photo_upload_to_a_place_out_of_scope_is_not_found(db: Any) -> None:
    place = make_place(membership_of("office2").org)
    before = _counts()
    with pytest.raises(NotFound):
        services.add_place_photo(actor=actor_for("office1"), place=place,
                                 file=SimpleUploadedFile("a.png", png_bytes()))
    assert _counts() == before


def test_remove_photo_keeps_the_attachment(db: Any) -> None:
    # given
    photo = make_photo(make_place(fuyang()))
    attachment_id = photo.attachment_id
    # when
    with pytest.raises(NotFound):
        services.remove_place_photo(actor=actor_for("office1"), photo=photo)  # 富阳区司法局's place: above office1
    services.remove_place_photo(actor=actor_for("county"), photo=photo)
    # then
    assert not PlacePhoto.objects.filter(pk=photo.pk).exists()
    from sifa.core.attachments.models import Attachment

    assert Attachment.objects.filter(pk=attachment_id).exists()


def test_nearest_first_sorts_by_distance() -> None:
    # given three places at known offsets from 30.05N 119.95E
    far = ServicePlace(name="远", latitude=Decimal("30.15"), longitude=Decimal("119.95"))
    near = ServicePlace(name="近", latitude=Decimal("30.051"), longitude=Decimal("119.95"))
    middle = ServicePlace(name="中", latitude=Decimal("30.05"), longitude=Decimal("120.00"))
    # when
    ranked = selectors.nearest_first([far, near, middle], 30.05, 119.95)
    # then
    assert [d.place.name for d in ranked] == ["近", "中", "远"]
    assert ranked[0].metres == pytest.approx(111, rel=0.01)
    assert ranked[0].label == "110 米" and ranked[2].label == "11 公里"
