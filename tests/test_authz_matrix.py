"""Authorization matrix: every page and API route × every demo role × inside/outside the subtree.

Routes are enumerated from the URL resolver and the OpenAPI document; a route missing from
tests/authz_spec.py fails ``test_every_route_is_specified``, so the matrix grows with the routes.
For each route and demo account the test checks: no sign-in → login redirect / 401; a role
without the permission → 403; an object outside the actor's subtree → 404 exactly like a
missing one; an object inside → allowed; and no response body carries a marker of an object
outside the actor's subtree (the leak check).

Speed: the world (anchors, signed-in clients, each kind's objects) is built once per module run and
per xdist worker, in a transaction rolled back at the end (``matrix_world``); every request runs in
its own savepoint, rolled back, so each one meets the same world whatever the others did.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from sifa.core.accounts.middleware import SESSION_LAST_SEEN, SESSION_MEMBERSHIP
from sifa.core.accounts.models import AccessToken, Membership, Role, User
from sifa.core.accounts.services import hash_token
from sifa.core.alerts.models import Alert
from sifa.core.attachments.models import Attachment
from sifa.core.attachments.tests.factories import png_bytes, store_for_test
from sifa.core.casecodes.links import hash_link_token
from sifa.core.casecodes.models import AccessGrant
from sifa.core.cases.models import Case
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org, Region
from sifa.core.persons.idnumbers import credit_check_char
from sifa.core.persons.models import Entity, Person
from sifa.core.testing import DEMO_USERS, make_id_number, membership_of
from sifa.project.api import api
from tests.authz_spec import API, API_PUBLIC_PAGES, PAGES, RouteSpec

MATRIX_PNG = png_bytes(tag="authz-matrix")  # an image, so the thumbnail route has something to serve


@functools.cache
def page_routes() -> dict[str, str]:
    """URL name → route pattern for every page (the API is enumerated from its OpenAPI document)."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), f"{ns}:{p.namespace}".strip(":") if p.namespace else ns)
            elif isinstance(p, URLPattern) and p.name:
                found[f"{ns}:{p.name}" if ns else p.name] = prefix + str(p.pattern)

    walk(get_resolver().url_patterns, "", "")
    return {name: route for name, route in found.items() if not name.startswith("api:")}


def api_routes() -> list[str]:
    schema = api.get_openapi_schema()
    return sorted(f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops)


def test_every_route_is_specified() -> None:
    pages = set(page_routes())
    assert pages - set(PAGES) == set(), "pages missing from tests/authz_spec.py PAGES"
    assert set(PAGES) - pages == set(), "stale entries in PAGES"
    apis = set(api_routes())
    assert apis - set(API) == set(), "API operations missing from tests/authz_spec.py API"
    assert set(API) - apis == set(), "stale entries in API"
    api_pages = {n for n in dict(_all_names()) if n.startswith("api:")} - {
        n for n in _all_names_api_operations()}
    assert api_pages <= API_PUBLIC_PAGES


def _all_names() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def walk(patterns: list[Any], ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{ns}:{p.namespace}".strip(":") if p.namespace else ns)
            elif p.name:
                out.append((f"{ns}:{p.name}" if ns else p.name, ""))

    walk(get_resolver().url_patterns, "")
    return out


def _all_names_api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    names = set()
    for ops in schema["paths"].values():
        for op in ops.values():
            names.add("api:" + op["operationId"].rsplit("_api_", 1)[-1])
    return names


# --- the world: one anchor (org + person + entity + user + membership + token) per org of interest ---

@dataclass
class Anchor:
    key: str
    org: Org
    person: Person
    entity: Entity
    user: User
    membership: Membership
    token: AccessToken
    case: Case
    alert: Alert
    attachment: Attachment

    @property
    def markers(self) -> list[str]:
        return [self.person.name, self.entity.name, self.user.username, self.case.title, self.alert.title,
                self.attachment.name]


def _make_anchor(key: str, org: Org, n: int) -> Anchor:
    from sifa.core import crypto
    from sifa.core.persons.idnumbers import mask_id_number
    from sifa.core.persons.services import ID_CONTEXT, id_number_index

    number = make_id_number("330111", seq=500 + n)
    person = Person.objects.create(
        name=f"越界标记人{key}号", id_number_encrypted=crypto.encrypt(number, context=ID_CONTEXT),
        id_number_index=id_number_index(number), id_number_masked=mask_id_number(number), gender="M",
        birth_date="1990-01-01", org=org)
    first17 = f"91330111MATRIX{n:03d}"
    first17 = first17[:17].replace("I", "1")
    entity = Entity.objects.create(name=f"越界标记公司{key}号", credit_code=first17 + credit_check_char(first17), org=org)
    user = User.objects.create(username=f"marker_{key}_", display_name="标记用户")
    membership = Membership.objects.create(user=user, org=org, role=Role.objects.get(code="grid_worker"))
    token = AccessToken.objects.create(user=user, membership=membership, name="m", prefix=f"m{n}",
                                       token_hash=hash_token(f"marker-token-{key}"))
    case = Case.objects.create(case_type="test_case", number=f"矩阵案号{key}号", year=2026, sequence=n + 1,
                               case_code=f"matrix-code-{key}", org=org, state="registered", title=f"越界标记案件{key}号")
    alert = Alert.objects.create(rule_code="deadline.overdue", level="red", org=org, object_type="test", object_id=key,
                                 case=case, title=f"越界标记预警{key}号", dedup_key=f"matrix:{key}",
                                 step_due_at=timezone.now() + datetime.timedelta(days=1))
    attachment = store_for_test(org=org, case=case, name=f"越界标记附件{key}号.png", content=MATRIX_PNG)
    return Anchor(key, org, person, entity, user, membership, token, case, alert, attachment)


def _make_world() -> dict[str, Anchor]:
    anchors: dict[str, Anchor] = {}
    orgs = {membership_of(u).org for u in DEMO_USERS}
    ningbo = Org.objects.get(name="宁波市司法局")
    foreign_region = Region.objects.get(code="1504")
    foreign = Org.objects.create(name="矩阵外部司法局", type=OrgType.JUSTICE_BUREAU, region=foreign_region, path="tmp")
    foreign.path = Org.path_segment(foreign.pk)
    foreign.save(update_fields=["path"])
    for n, org in enumerate(sorted(orgs | {ningbo, foreign}, key=lambda o: o.path)):
        anchors[str(org.pk)] = _make_anchor(str(org.pk), org, n)
    return anchors


@contextmanager
def _rolled_back() -> Iterator[None]:
    """A transaction (a savepoint inside another) that is always rolled back. Marked like Django's TestCase
    blocks, so the durable transactions of the services may open inside it."""
    block = transaction.atomic()
    block._from_testcase = True  # type: ignore[attr-defined]
    with block:
        yield
        transaction.set_rollback(True)


class MatrixWorld:
    """What the matrix builds once per module run (per xdist worker) and every route test shares: the
    anchors, a signed-in client per demo account, the accounts' memberships and, per object kind, the
    (inside, outside) ids of each account. It lives in a transaction rolled back when the module ends;
    each test adds its own transaction (``db``) and each request one more, also rolled back, so every
    request meets the same world."""

    def __init__(self) -> None:
        self.anchors = _make_world()
        self.memberships = {u: membership_of(u) for u in DEMO_USERS}
        self.clients: dict[str | None, Client] = {None: Client()}
        for username in DEMO_USERS:
            self.clients[username] = self._signed_in(username)
        self.cookies = {u: copy.deepcopy(c.cookies) for u, c in self.clients.items()}
        self._ids: dict[tuple[str, str], tuple[list[Any], list[Any]]] = {}

    def _signed_in(self, username: str) -> Client:
        """Like ``sifa.core.testing.client_for``, once: the session is stored in the module's transaction.
        Its last activity is put a day ahead so a slow run never reaches the idle timeout (each request is
        rolled back, so the middleware's update of it never sticks)."""
        membership = self.memberships[username]
        client = Client()
        client.force_login(membership.user)
        session = client.session
        session[SESSION_MEMBERSHIP] = membership.pk
        session[SESSION_LAST_SEEN] = time.time() + 86400
        session.save()
        return client

    def ids(self, kind: str, username: str) -> tuple[list[Any], list[Any]]:
        return self._ids[(kind, username)]

    def make_ids(self, kind: str) -> None:
        """The (inside, outside) ids of ``kind`` for every account, made once (outside any test's transaction)."""
        for username in DEMO_USERS:
            if (kind, username) not in self._ids:
                self._ids[(kind, username)] = _object_ids(kind, username, self.anchors)

    def request(self, username: str | None, method: str, url: str, body: dict[str, Any], *, api_call: bool) -> Any:
        """One request as ``username`` (None: anonymous) with the account's own cookies, rolled back."""
        client = self.clients[username]
        client.cookies = copy.deepcopy(self.cookies[username])
        with _rolled_back():
            return _request(client, method, url, body, api_call=api_call)


@pytest.fixture(scope="module")
def matrix_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[MatrixWorld]:
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block._from_testcase = True  # type: ignore[attr-defined]
        block.__enter__()
        try:
            yield MatrixWorld()
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def world(request: pytest.FixtureRequest, matrix_world: MatrixWorld) -> MatrixWorld:
    """The module's world with the ids of this test's object kind made. Tests request it BEFORE ``db``
    (pytest sets up fixtures of one scope in the order of the signature), so the ids are made in the
    module's transaction and outlive the test's own one."""
    if len(transaction.get_connection().atomic_blocks) != 1:
        raise RuntimeError("request `world` before `db`: the matrix ids must not be made inside a test's transaction")
    params = request.node.callspec.params
    spec = PAGES[params["name"]] if "name" in params else API[params["route"]]
    if spec.obj is not None:
        matrix_world.make_ids(spec.obj)
    return matrix_world


def _inside(actor_org: Org, anchor: Anchor) -> bool:
    return anchor.org.path.startswith(actor_org.path)


def _link_grant(case: Case) -> tuple[AccessGrant, str]:
    """A link grant on ``case`` and its token (the token is known here, so the link page can be called)."""
    token = f"matrix-link-{case.pk}"
    grant, _ = AccessGrant.objects.get_or_create(token_hash=hash_link_token(token), defaults={
        "case": case, "issued_by_name": "矩阵", "expires_at": timezone.now() + datetime.timedelta(days=1)})
    return grant, token


def _object_ids(kind: str, username: str, world: dict[str, Anchor]) -> tuple[list[Any], list[Any]]:
    """(inside ids, outside ids) of ``kind`` for ``username``."""
    me = membership_of(username)
    own = world[str(me.org.pk)]
    outside = [a for a in world.values() if not _inside(me.org, a)]
    if kind == "case_code":
        return [own.case.case_code], [a.case.case_code for a in outside] + ["matrix-no-such-code"]
    if kind == "grant":
        return [_link_grant(own.case)[0].pk], [_link_grant(a.case)[0].pk for a in outside]
    if kind == "grant_link":
        return [_link_grant(own.case)[1]], [_link_grant(a.case)[1] for a in outside] + ["matrix-no-such-token"]
    if kind == "token":
        mine = AccessToken.objects.create(user=me.user, membership=me, name="mine", prefix="mine",
                                          token_hash=hash_token(f"own-{username}"))
        return [mine.pk], [a.token.pk for a in world.values()]
    if kind == "own_membership":
        return [me.pk], [a.membership.pk for a in world.values()]
    if kind in ("scoring_scheme", "score"):  # one scheme (with one score) per anchor org, made on demand
        from sifa.core.scoring.tests.factories import matrix_objects

        return matrix_objects(kind, me.org, [a.org for a in world.values()])
    if kind in ("draw", "public_draw"):  # 随机抽取: one committed draw per anchor org, made on demand
        from sifa.core.draws.tests.factories import matrix_objects as draw_objects

        return draw_objects(kind, me.org, [a.org for a in world.values()])
    if kind in ("law", "law_article", "law_version"):  # 法规库: not org data, nothing outside; made on demand
        from sifa.core.laws.tests.factories import matrix_objects as law_objects

        return law_objects(kind, me.org, [a.org for a in world.values()])
    if kind in ("enforcement_body", "enforcement_officer", "power_item", "discretion_rule"):  # 执法主体…, on demand
        from sifa.modules.enforcement.tests.factories import matrix_objects as enforcement_objects

        return enforcement_objects(kind, me.org, [a.org for a in world.values()])
    if kind in ("inspection_plan", "inspection", "inspection_target", "public_inspection_plan"):  # 双随机一公开
        from sifa.modules.enforcement.tests.inspection_factories import matrix_objects as inspection_objects

        return inspection_objects(kind, me.org, [a.org for a in world.values()])
    if kind in ("review_campaign", "case_file_review"):  # 案卷评查: one drawn campaign per anchor org, on demand
        from sifa.modules.enforcement.tests.review_factories import matrix_objects as review_objects

        return review_objects(kind, me.org, [a.org for a in world.values()])
    if kind == "penalty_case":  # 行政处罚案件: one per anchor org, made on demand
        from sifa.modules.enforcement.tests.penalty_factories import matrix_objects as penalty_objects

        return penalty_objects(kind, me.org, [a.org for a in world.values()])
    if kind == "liaison":  # 法律明白人: one per anchor org (for its marker person), made on demand
        from sifa.modules.liaisons.tests.factories import matrix_objects as liaison_objects

        return liaison_objects(kind, me.org, [a.org for a in world.values()])
    if kind in ("work_log", "work_correction", "catalogue_item"):  # 数字司法所 · 工作日志, made on demand
        from sifa.modules.judicial_office.tests.worklog_factories import matrix_objects as worklog_objects

        return worklog_objects(kind, me.org, [a.org for a in world.values()])
    if kind in ("work_plan", "plan_item", "plan_occurrence"):  # 数字司法所 · 工作规划, made on demand
        from sifa.modules.judicial_office.tests.plan_factories import matrix_objects as plan_objects

        return plan_objects(kind, me.org, [a.org for a in world.values()])
    if kind in ("movement_case", "leave_pending", "leave_approved", "transfer_requested", "transfer_accepted",
                "monitoring_pending", "monitoring_active"):  # 社区矫正 · 外出、执行地变更、电子定位, made on demand
        from sifa.modules.correction.tests.movement_factories import matrix_objects as movement_objects

        return movement_objects(kind, me.org, [a.org for a in world.values()])
    if kind == "liberty_active":  # 社区矫正 · 被依法限制人身自由 (CC-22), made on demand
        from sifa.modules.correction.tests.liberty_factories import matrix_objects as liberty_objects

        return liberty_objects(kind, me.org, [a.org for a in world.values()])
    if kind in ("service_place", "place_photo", "public_place", "public_photo"):
        from sifa.modules.legal_services.tests.factories import matrix_objects as place_objects

        return place_objects(kind, me.org, [a.org for a in world.values()])
    if kind in ("supervision_case", "supervision_plan", "supervision_task", "supervision_member", "supervision_rule"):
        from sifa.modules.correction.tests.supervision_factories import matrix_objects as supervision_objects

        return supervision_objects(kind, me.org, [a.org for a in world.values()])  # 社区矫正 · 监督管理
    if kind in ("field_report", "correction_suggestion", "keyword_rule"):  # 社区矫正 · 现场报告, made on demand
        from sifa.modules.correction.tests.report_factories import matrix_objects as report_objects

        return report_objects(kind, me.org, [a.org for a in world.values()])
    if kind in ("correction_case", "correction_assessment"):  # 社区矫正 · 接收、档案、调查评估, made on demand
        from sifa.modules.correction.tests.lifecycle_factories import matrix_objects as lifecycle_objects

        return lifecycle_objects(kind, me.org, [a.org for a in world.values()])
    if kind in ("sanctions_case", "sanction", "revocation_proposal", "commutation"):  # 社区矫正 · 奖惩与提请
        from sifa.modules.correction.tests.sanction_factories import matrix_objects as sanction_objects

        return sanction_objects(kind, me.org, [a.org for a in world.values()])
    attr = {"person": "person", "entity": "entity", "user": "user", "membership": "membership", "org": "org",
            "case": "case", "alert": "alert", "attachment": "attachment"}[kind]
    return [getattr(own, attr).pk], [getattr(a, attr).pk for a in outside]


def _allowed(spec: RouteSpec, me: Membership | None) -> bool:
    if spec.auth == "public":
        return True
    if me is None:
        return False
    if spec.auth.startswith("roles:"):
        return me.role.code in spec.auth[len("roles:"):].split(",")
    return spec.auth == "login" or spec.auth in set(me.role.permissions)


def _leaks(body: str, me: Membership, world: MatrixWorld) -> list[str]:
    return [m for a in world.anchors.values() if not _inside(me.org, a) for m in a.markers if m in body]


def _page_url(name: str, obj_id: Any) -> str:
    takes_args = page_routes()[name].count("<")
    if not takes_args or obj_id is None:
        url = reverse(name)
    elif isinstance(obj_id, tuple):  # an id that is a tuple fills a route's several parameters
        url = reverse(name, args=list(obj_id))
    else:  # a single id fills the one-parameter form of the name, else every parameter (the anonymous 1)
        try:
            url = reverse(name, args=[obj_id])
        except NoReverseMatch:
            url = reverse(name, args=[obj_id] * takes_args)
    return f"{url}?{PAGES[name].query}" if PAGES[name].query else url


def _request(client: Client, method: str, url: str, body: dict[str, Any], *, api_call: bool) -> Any:
    if api_call:
        return client.generic(method, url, data=json.dumps(body), content_type="application/json")
    if method == "POST":
        return client.post(url, body)
    return client.get(url)


def _fill(body: dict[str, Any], me: Membership, n: int, obj_id: int | None = None) -> dict[str, Any]:
    out = {}
    for k, v in body.items():
        if v == "{obj}":
            v = obj_id
        elif v == "{org}":
            v = me.org.pk
        elif v == "{new_id_number}":
            v = make_id_number("330111", seq=900 + n)
        elif v == "{new_credit_code}":
            first17 = f"9133011100000{n:04d}"
            v = first17 + credit_check_char(first17)
        out[k] = v
    return out


def _check(route: str, spec: RouteSpec, url_for: Any, *, api_call: bool, world: MatrixWorld) -> list[str]:
    failures: list[str] = []
    # anonymous
    url = url_for(None if spec.obj is None else 1)
    r = world.request(None, spec.method, url, {}, api_call=api_call)
    if spec.auth == "public":
        if r.status_code >= 500:
            failures.append(f"{route} anonymous → {r.status_code}")
    elif api_call and r.status_code != 401:
        failures.append(f"{route} anonymous → {r.status_code}, expected 401")
    elif not api_call and not (r.status_code == 302 and "/accounts/login/" in r["Location"]):
        failures.append(f"{route} anonymous → {r.status_code}, expected login redirect")
    for n, username in enumerate(DEMO_USERS):
        me = world.memberships[username]
        allowed = _allowed(spec, me)
        if spec.obj is None:
            targets = [(None, True)]
        else:
            inside, outside = world.ids(spec.obj, username)
            targets = [(i, True) for i in inside] + [(o, False) for o in outside]
        for obj_id, is_inside in targets:
            body = _fill(spec.body, me, n, obj_id)
            r = world.request(username, spec.method, url_for(obj_id), body, api_call=api_call)
            where = f"{route} as {username} ({'inside' if is_inside else 'outside'} {obj_id})"
            if r.status_code >= 500:
                failures.append(f"{where} → {r.status_code}")
            elif not allowed and spec.auth != "public":
                if r.status_code != 403:
                    failures.append(f"{where} → {r.status_code}, expected 403 (no {spec.auth})")
            elif not is_inside and r.status_code != spec.outside_status:
                failures.append(f"{where} → {r.status_code}, expected {spec.outside_status}")
            elif is_inside and r.status_code in (403, 404):
                failures.append(f"{where} → {r.status_code}, expected access")
            content_type = r.get("Content-Type", "")
            if "html" in content_type or "json" in content_type:
                leaked = _leaks(r.content.decode(errors="replace"), me, world)
                if leaked:
                    failures.append(f"{where} leaked {leaked}")
    return failures


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_route(name: str, world: MatrixWorld, db: Any) -> None:
    spec = PAGES[name]
    failures = _check(name, spec, lambda obj_id: _page_url(name, obj_id), api_call=False, world=world)
    assert failures == []


@pytest.mark.parametrize("route", sorted(API))
def test_api_route(route: str, world: MatrixWorld, db: Any) -> None:
    spec = API[route]
    method, path = route.split(" ", 1)
    spec = RouteSpec(spec.auth, spec.obj, method, spec.body, outside_status=spec.outside_status)
    param = path[path.index("{"): path.index("}") + 1] if "{" in path else None

    def url_for(obj_id: int | None) -> str:
        return path.replace(param, str(obj_id)) if param else path

    failures = _check(route, spec, url_for, api_call=True, world=world)
    assert failures == []
