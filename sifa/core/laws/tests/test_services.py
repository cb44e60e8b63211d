import datetime

import pytest

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.models import Alert
from sifa.core.audit.models import AuditEvent
from sifa.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from sifa.core.laws.choices import ArticleChange, LawKind, LawStatus
from sifa.core.laws.citations import CitingObject
from sifa.core.laws.errors import LawParseError
from sifa.core.laws.models import Article, Law, LawVersion
from sifa.core.laws.services import guess_kind, import_law_text, repeal_law, update_law
from sifa.core.laws.tests.factories import citer_registered, law_file, small_law
from sifa.core.testing import actor_for, membership_of

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def _import(text: str, name: str = "测试管理法.md", actor: Actor = SYSTEM):  # type: ignore[no-untyped-def]
    return import_law_text(actor=actor, text=text, source_name=name)


def _amended(**changes: str) -> str:
    articles = {"第一条": "为了测试法规库，制定本法。",
                "第二条": "违反本法第一条规定的，处以罚款。\n情节严重的，依照本法第二条之一处理。",
                "第二条之一": "逾期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。",
                "第三条": "本法自公布之日起施行。"}
    articles.update(changes)
    return small_law(date="2024年6月1日", articles={k: v for k, v in articles.items() if v})


def test_import_creates_law_version_headings_and_articles() -> None:
    # when
    result = _import(small_law())
    # then
    law = result.law
    assert result.outcome == "created"
    assert (law.key, law.cite_key, law.kind, law.status) == ("测试管理法", "测试管理法", LawKind.LAW, LawStatus.IN_FORCE)
    assert law.current_version == result.version and result.version.article_count == 4
    art = Article.objects.get(version=result.version, number=2, sub=1)
    assert art.label == "第二条之一" and art.change == ArticleChange.NEW and "加处" in art.tokens.split()
    assert art.heading is not None and art.heading.title == "附则"
    event = AuditEvent.objects.get(action="laws.law.imported", object_id=str(law.pk))
    assert event.changes["result"] == "created"


def test_second_identical_import_adds_no_version() -> None:
    # given
    _import(small_law())
    # when
    again = _import(small_law() + "\n\n")  # blank lines do not change the content hash
    # then
    assert again.outcome == "unchanged" and again.summary == "未变化：中华人民共和国测试管理法"
    assert LawVersion.objects.filter(law__key="测试管理法").count() == 1


def test_new_version_diffs_changed_added_and_removed_articles() -> None:
    # given
    first = _import(small_law())
    # when: 第二条之一 changed, 第三条 removed, 第四条 added
    result = _import(_amended(**{"第二条之一": "逾期不缴纳罚款的，每日加处罚款。", "第三条": "", "第四条": "本法自2025年1月1日起施行。"}))
    # then
    assert result.outcome == "new_version"
    assert (result.changed, result.added, result.removed) == ([(2, 1)], [(4, 0)], [(3, 0)])
    assert result.summary.startswith("新版本：中华人民共和国测试管理法，改动 1 条，新增 1 条，删除 1 条")
    first.version.refresh_from_db()
    assert first.version.status == LawStatus.AMENDED
    law = Law.objects.get(pk=first.law.pk)
    assert law.current_version == result.version and str(result.version.version_date) == "2024-06-01"
    changes = dict(Article.objects.filter(version=result.version).values_list("label", "change"))
    assert changes == {"第一条": "unchanged", "第二条": "unchanged", "第二条之一": "changed", "第四条": "new"}


def test_edited_article_in_a_copy_of_the_penalty_law_is_the_only_change() -> None:
    # given
    text = law_file("行政处罚法.md")
    _import(text, "行政处罚法.md")
    edited = text.replace("第六十条 行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。",
                          "第六十条 行政机关应当自行政处罚案件立案之日起六十日内作出行政处罚决定。")
    assert edited != text
    # when
    result = _import(edited, "行政处罚法.md")
    # then
    assert (result.changed, result.added, result.removed) == ([(60, 0)], [], [])


def test_changed_articles_alert_each_citing_org_once() -> None:
    # given: objects of two orgs cite 第二条之一 / 第三条; one cites only 第一条 (unchanged)
    office1, office2 = membership_of("office1").org, membership_of("office2").org
    cited = [CitingObject(office1, "事项甲", "/x/1/", [(2, 1)]), CitingObject(office1, "事项乙", "/x/2/", [(3, 0)]),
             CitingObject(office2, "事项丙", "/x/3/", [(2, 1)])]

    def find(title: str, changed: set[tuple[int, int]], removed: set[tuple[int, int]], repealed: bool) -> list[CitingObject]:
        hit = changed | removed
        return [o for o in cited if repealed or set(o.articles) & hit]

    _import(small_law())
    with citer_registered(find) as calls:
        # when
        result = _import(_amended(**{"第二条之一": "逾期不缴纳罚款的，每日加处罚款。", "第三条": ""}))
        again = _import(_amended(**{"第二条之一": "逾期不缴纳罚款的，每日加处罚款。", "第三条": ""}))
    # then
    assert calls[0] == ("测试管理法", {(2, 1)}, {(3, 0)}, False)
    assert result.alerts == 2 and again.outcome == "unchanged"
    alerts = Alert.objects.filter(rule_code="LAW-CHANGED")
    assert sorted(a.org_id for a in alerts) == sorted([office1.pk, office2.pk])
    mine = alerts.get(org=office1)
    assert mine.level == "yellow" and mine.legal_basis == "法规修订/废止后须复核引用条文"
    assert "事项甲：第二条之一（/x/1/）" in mine.detail and "事项乙：第三条（/x/2/）" in mine.detail
    assert "2024-06-01" in mine.title


def test_repeal_flags_every_citing_object_and_refuses_twice() -> None:
    # given
    law = _import(small_law()).law
    office1 = membership_of("office1").org
    with citer_registered(lambda t, c, r, rep: [CitingObject(office1, "事项甲", "/x/1/", [(1, 0)])] if rep else []) as calls:
        # when
        repeal_law(actor=SYSTEM, law=law, repealed_on=datetime.date(2025, 1, 1), reason="被新法废止")
        # then
        assert calls == [("测试管理法", set(), set(), True)]
        with pytest.raises(Conflict):
            repeal_law(actor=SYSTEM, law=law, repealed_on=datetime.date(2025, 1, 1), reason="再次")
    law.refresh_from_db()
    assert law.status == LawStatus.REPEALED and str(law.repealed_on) == "2025-01-01"
    assert LawVersion.objects.get(pk=law.current_version_id).status == LawStatus.REPEALED
    alert = Alert.objects.get(rule_code="LAW-CHANGED", org=office1)
    assert "已废止" in alert.title
    assert AuditEvent.objects.filter(action="laws.law.repealed").count() == 1


def test_repeal_requires_date_and_reason() -> None:
    law = _import(small_law()).law
    with pytest.raises(ValidationFailed) as caught:
        repeal_law(actor=SYSTEM, law=law, repealed_on=None, reason="x")
    assert caught.value.field == "repealed_on"
    with pytest.raises(ValidationFailed) as caught:
        repeal_law(actor=SYSTEM, law=law, repealed_on=datetime.date(2025, 1, 1), reason=" ")
    assert caught.value.field == "reason"
    assert not AuditEvent.objects.filter(action="laws.law.repealed").exists()


def test_only_laws_manage_may_import_and_a_bad_file_writes_nothing() -> None:
    # given
    before = AuditEvent.objects.count()
    # when / then
    with pytest.raises(PermissionDeniedError):
        _import(small_law(), actor=actor_for("county"))
    with pytest.raises(LawParseError) as caught:
        _import("# 某法\n<!-- INFO END -->\n第一条 甲\n第一条 乙\n", "坏.md", actor=actor_for("admin"))
    assert "坏.md 第 4 行" in caught.value.message
    assert Law.objects.count() == 0 and AuditEvent.objects.count() == before


def test_update_law_corrects_kind_and_short_title() -> None:
    law = _import(small_law()).law
    update_law(actor=actor_for("admin"), law=law, kind=LawKind.DEPARTMENT_RULE, short_title="《测试法》")
    law.refresh_from_db()
    assert (law.kind, law.short_title) == (LawKind.DEPARTMENT_RULE, "测试法")
    with pytest.raises(ValidationFailed):
        update_law(actor=actor_for("admin"), law=law, kind="nonsense", short_title="")


@pytest.mark.parametrize(("title", "kind"), [
    ("行政处罚法", LawKind.LAW), ("民法典", LawKind.LAW), ("行政复议法实施条例", LawKind.ADMINISTRATIVE_REGULATION),
    ("国务院关于职工工作时间的规定", LawKind.ADMINISTRATIVE_REGULATION), ("浙江省综合行政执法条例", LawKind.LOCAL_REGULATION),
    ("上海市人民代表大会常务委员会规范性文件备案审查条例", LawKind.LOCAL_REGULATION),
    ("最高人民法院关于适用《中华人民共和国行政诉讼法》的解释", LawKind.JUDICIAL_INTERPRETATION),
])
def test_kind_is_guessed_from_the_title(title: str, kind: str) -> None:
    assert guess_kind(title) == kind
