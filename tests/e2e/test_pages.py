"""Sign-in errors, form errors, phone layout, org scope, membership switch and sign-out in a real browser."""

from __future__ import annotations

import re

from sifa.core.accounts.models import Membership, Role, User
from sifa.core.accounts.roles import OFFICE_STAFF
from sifa.core.persons.models import Person
from sifa.core.testing import make_id_number, membership_of
from tests.e2e.conftest import E2E


def test_wrong_password_shows_chinese_error(e2e: E2E) -> None:
    page = e2e.page
    e2e.goto("/accounts/login/")
    page.fill("#id_username", "office1")
    page.fill("#id_password", "wrong-password")
    response = e2e.submit(".page-body form button[type=submit]")
    assert response.status == 400
    assert page.url.endswith("/accounts/login/")
    assert page.locator(".alert-danger").inner_text().strip() == "用户名或密码错误"
    assert page.locator("#id_username").input_value() == "office1"
    assert page.locator("#id_password").input_value() == ""  # the password is never sent back
    e2e.shot("login-wrong-password", phone=True)


def test_person_create_shows_id_number_error_beside_field(e2e: E2E) -> None:
    page = e2e.page
    e2e.login("office1")
    e2e.submit('#sifa-menu a:has-text("人员库")')
    e2e.submit('a:text-is("登记")')
    assert page.locator(".page-title").inner_text().strip() == "登记自然人"
    valid = make_id_number("330111", seq=457)
    wrong = valid[:17] + ("0" if valid[17] != "0" else "1")  # wrong check character
    page.fill("#id_name", "测试人员")
    page.fill("#id_id_number", wrong)
    response = e2e.submit(".page-body form button[type=submit]")
    assert response.status == 400
    error = page.locator("#id_id_number-error")
    assert error.is_visible()
    assert re.fullmatch(rf"身份证号校验码错误：最后一位应为 {valid[17]}，实际为 {wrong[17]}", error.inner_text().strip())
    # Beside the field: in the same form group, right below the input.
    group = page.locator(".mb-3").filter(has=page.locator("#id_id_number"))
    assert group.locator("#id_id_number-error").count() == 1
    field_box, error_box = page.locator("#id_id_number").bounding_box(), error.bounding_box()
    assert field_box and error_box and 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 40
    assert page.locator("#id_id_number").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_name").input_value() == "测试人员"  # the rest of the input is kept
    assert not Person.objects.filter(name="测试人员").exists()
    e2e.shot("person-create-error", phone=True)


def test_office1_on_a_phone(e2e_phone: E2E) -> None:
    e2e, page = e2e_phone, e2e_phone.page
    e2e.login("office1")
    office = membership_of("office1").org
    assert page.locator(".page-title").inner_text().strip() == office.name
    visible = Person.objects.filter(org__path__startswith=office.path).count()
    assert page.locator('[data-count="登记自然人"]').inner_text().strip() == str(visible)
    e2e.no_horizontal_overflow()
    e2e.shot("phone-home")

    # The menu is folded away behind the toggler.
    menu = page.locator("#sifa-menu")
    assert not menu.is_visible()
    page.click(".navbar-toggler")
    page.locator("#sifa-menu.show:not(.collapsing)").wait_for()  # the collapse animation has ended
    assert menu.is_visible()
    assert page.locator(".navbar-toggler").get_attribute("aria-expanded") == "true"
    e2e.shot("phone-menu-open")
    e2e.submit('#sifa-menu a:has-text("人员库")')
    assert not page.locator("#sifa-menu").is_visible()
    rows = page.locator("#person-results tbody tr a")
    assert rows.count() == min(visible, 25)
    e2e.no_horizontal_overflow()
    e2e.shot("phone-person-list")

    e2e.submit("#person-results tbody tr:first-child a")
    assert re.search(r"/persons/\d+/$", page.url)
    assert re.fullmatch(r"330111\*{8}\d{3}[\dX]", page.locator("#id-number .masked").inner_text().strip())
    e2e.no_horizontal_overflow()
    e2e.shot("phone-person-detail")
    with page.expect_response(lambda r: r.url.endswith("/reveal/")):
        page.click("#reveal-button")
    page.locator("#id-number-full").wait_for()
    e2e.no_horizontal_overflow()
    e2e.shot("phone-person-detail-revealed")


def test_office1_cannot_open_a_person_of_office2(e2e: E2E) -> None:
    page = e2e.page
    e2e.login("office1")
    other = Person.objects.filter(org=membership_of("office2").org).order_by("pk").first()
    assert other is not None
    response = e2e.goto(f"/persons/{other.pk}/")
    assert response.status == 404
    assert page.locator(".page-title").inner_text().strip() == "未找到"
    assert "对象不存在或无权访问" in page.locator(".page-body").inner_text()
    assert other.name not in page.content()
    assert other.id_number_masked not in page.content()
    e2e.shot("person-of-other-office-404", phone=True)

    # An address that does not exist at all gets the plain 404 page.
    response = e2e.goto("/no-such-page/")
    assert response.status == 404
    assert "页面不存在或无权访问" in page.locator("body").inner_text()
    e2e.shot("page-not-found")


def test_membership_switcher(e2e: E2E) -> None:
    page = e2e.page
    county = membership_of("county")
    office = membership_of("office1").org
    second = Membership.objects.create(user=User.objects.get(username="county"), org=office,
                                       role=Role.objects.get(code=OFFICE_STAFF))
    e2e.login("county")
    select = page.locator("#membership-select")
    assert select.locator("option").all_inner_texts() == [str(county), str(second)]
    assert select.input_value() == str(county.pk)
    assert page.locator(".page-title").inner_text().strip() == county.org.name
    county_persons = Person.objects.filter(org__path__startswith=county.org.path).count()
    assert page.locator('[data-count="登记自然人"]').inner_text().strip() == str(county_persons)
    e2e.shot("membership-before-switch")

    with page.expect_navigation():
        select.select_option(str(second.pk))  # sifa.js submits the form on change
    assert page.url.rstrip("/") == e2e.base_url
    assert page.locator("#membership-select").input_value() == str(second.pk)
    assert page.locator(".page-title").inner_text().strip() == office.name
    office_persons = Person.objects.filter(org__path__startswith=office.path).count()
    assert page.locator('[data-count="登记自然人"]').inner_text().strip() == str(office_persons)
    assert office_persons < county_persons
    assert page.locator(".sifa-orgpath").inner_text().split()[-1] == office.name
    e2e.shot("membership-after-switch", phone=True)

    # The choice sticks for the next pages.
    e2e.submit('#sifa-menu a:has-text("人员库")')
    assert page.locator("#person-results tbody tr a").count() == min(office_persons, 25)


def test_logout(e2e: E2E) -> None:
    page = e2e.page
    e2e.login("office1")
    e2e.submit('form[action="/accounts/logout/"] button')
    assert page.url.endswith("/accounts/login/")
    assert "已安全退出" in page.locator(".alert").inner_text()
    assert page.locator("#membership-select").count() == 0
    e2e.shot("logged-out")
    e2e.goto("/persons/")
    assert "/accounts/login/" in page.url and "next=/persons/" in page.url
