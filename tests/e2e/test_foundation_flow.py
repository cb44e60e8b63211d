"""Acceptance flow of the foundation: sign in with 2FA, real counts, org drill-down, person reveal, audit."""

from __future__ import annotations

import re

from sifa.core import crypto
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.persons.models import Person
from tests.e2e.conftest import E2E


def _count_cells(e2e: E2E, org: Org) -> dict[str, int]:
    """The counts shown in ``#org-children`` for the row of ``org``."""
    row = e2e.page.locator("#org-children tbody tr").filter(has=e2e.page.locator(f'a[href="/orgs/{org.pk}/"]'))
    cells = [int(t.strip()) for t in row.locator("td.sifa-count").all_inner_texts()]
    assert len(cells) == 4, cells
    return dict(zip(["orgs", "judicial_offices", "persons", "users"], cells, strict=True))


def _open_child(e2e: E2E, child: Org) -> None:
    counts = _count_cells(e2e, child)
    scope = Person.objects.filter(org__path__startswith=child.path).count()
    assert counts["persons"] == scope, (child.name, counts, scope)
    assert counts["orgs"] >= 1
    response = e2e.submit(f'#org-children a[href="/orgs/{child.pk}/"]')
    assert response.status == 200
    assert e2e.page.locator(".page-title").inner_text().strip() == child.name


def test_admin_foundation_flow(e2e: E2E) -> None:
    page = e2e.page

    # Sign in: password, then the TOTP code.
    e2e.login("admin", shot="login")
    assert page.locator(".page-title").inner_text().strip() == "浙江省司法厅"

    # Home shows real counts for the whole province.
    expected = {
        "下属机构": Org.objects.current().count(),
        "司法所": Org.objects.current().filter(type=OrgType.JUDICIAL_OFFICE).count(),
        "登记自然人": Person.objects.count(),
    }
    for label, value in expected.items():
        assert value > 0
        assert page.locator(f'[data-count="{label}"]').inner_text().strip() == str(value), label
    e2e.shot("home", phone=True)

    # 机构: drill down province → city → county → 司法所.
    e2e.menu("机构")
    province = Org.objects.get(name="浙江省司法厅")
    hangzhou = Org.objects.get(name="杭州市司法局")
    fuyang = Org.objects.get(name="杭州市富阳区司法局")
    office = Org.objects.filter(parent=fuyang, type=OrgType.JUDICIAL_OFFICE).order_by("name").first()
    assert office is not None
    # The admin sees one root org, so 机构 opens it directly.
    assert page.url.endswith(f"/orgs/{province.pk}/")
    assert page.locator(".page-title").inner_text().strip() == province.name
    e2e.shot("org-province", phone=True)
    _open_child(e2e, hangzhou)
    e2e.shot("org-city", phone=True)
    _open_child(e2e, fuyang)
    e2e.shot("org-county", phone=True)
    _open_child(e2e, office)
    e2e.shot("org-office", phone=True)
    assert page.locator("#org-children td.sifa-count").count() >= 4  # its 人民调解委员会

    # 人员库: search a person of 富阳 by name and open it.
    person = Person.objects.filter(org__path__startswith=fuyang.path).order_by("pk").first()
    assert person is not None
    e2e.submit('#sifa-menu a:has-text("人员库")')
    e2e.shot("person-list", phone=True)
    page.fill("#q", person.name)
    with page.expect_response(lambda r: "/persons/?" in r.url and r.request.method == "GET"):
        page.click("form[hx-get] button[type=submit]")
    link = page.locator(f'#person-results a[href="/persons/{person.pk}/"]')
    link.wait_for()
    page.wait_for_url(re.compile(r"/persons/\?.*q="))  # hx-push-url keeps the search in the address bar
    names = page.locator("#person-results tbody tr td:first-child").all_inner_texts()
    assert names and all(person.name in n for n in names), names
    e2e.shot("person-search")
    e2e.submit(f'#person-results a[href="/persons/{person.pk}/"]')

    # Masked number, then the full number after 查看完整号码.
    masked = page.locator("#id-number .masked").inner_text().strip()
    assert re.fullmatch(r"330111\*{8}\d{3}[\dX]", masked), masked
    assert masked == person.id_number_masked
    e2e.shot("person-detail", phone=True)
    full = crypto.decrypt(person.id_number_encrypted, context="person.id_number")
    with page.expect_response(lambda r: r.url.endswith(f"/persons/{person.pk}/reveal/")) as reveal:
        page.click("#reveal-button")
    assert reveal.value.status == 200
    page.locator("#id-number-full").wait_for()
    shown = page.locator("#id-number-full").inner_text().strip()
    assert re.fullmatch(r"\d{17}[\dX]", shown), shown
    assert shown == full
    assert page.locator("#reveal-button").count() == 0
    e2e.shot("person-detail-revealed", phone=True)

    # 审计日志 shows the reveal.
    e2e.menu("审计日志")
    row = page.locator('tr[data-action="persons.person.id_number_revealed"]')
    assert row.count() == 1
    assert person.name in row.inner_text()
    assert "查看完整身份证号" in row.inner_text()
    e2e.shot("audit-log", phone=True)
