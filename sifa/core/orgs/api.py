
import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.orgs import selectors
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404

router = Router(tags=["机构"])


class RegionOut(Schema):
    code: str
    name: str
    level: str


class OrgOut(Schema):
    id: int
    name: str
    type: str
    type_label: str
    region: RegionOut
    parent_id: int | None
    depth: int
    valid_from: datetime.date
    valid_to: datetime.date | None
    successor_id: int | None

    @staticmethod
    def resolve_type_label(obj: Org) -> str:
        return obj.get_type_display()


class OrgNodeOut(Schema):
    org: OrgOut
    orgs: int
    judicial_offices: int
    persons: int
    users: int


class OrgTreeOut(Schema):
    org: OrgOut
    ancestors: list[OrgOut]
    children: list[OrgNodeOut]


class OrgListQuery(Schema):
    type: str | None = None
    parent: int | None = None
    current: bool = True


@router.get("", response=list[OrgOut], summary="机构列表（本机构及下级）")
@paginate(PagePagination)
def list_orgs(request: HttpRequest, query: Query[OrgListQuery]):  # type: ignore[no-untyped-def]
    actor = actor_of(request)
    actor.require("orgs.view")
    qs = selectors.orgs_visible_to(actor)
    if query.type:
        qs = qs.filter(type=query.type)
    if query.parent is not None:
        qs = qs.filter(parent_id=query.parent)
    if query.current:
        qs = qs.filter(valid_to__isnull=True)
    return qs


@router.get("/tree", response=OrgTreeOut, summary="机构下钻：某机构的下级机构及各子树计数")
def org_tree(request: HttpRequest, root: int | None = None, on: datetime.date | None = None) -> dict[str, object]:
    actor = actor_of(request)
    actor.require("orgs.view")
    if root is None:
        roots = selectors.root_orgs(actor)
        org = roots[0] if roots else get_visible_or_404(Org, actor, pk=0)
    else:
        org = get_visible_or_404(Org, actor, pk=root)
    ancestors = [a for a in org.ancestors() if actor.org is None or a.is_within(actor.org)]
    return {"org": org, "ancestors": ancestors, "children": selectors.child_nodes(actor, org, on=on)}


@router.get("/{org_id}", response=OrgOut, summary="机构详情")
def get_org(request: HttpRequest, org_id: int) -> Org:
    actor = actor_of(request)
    actor.require("orgs.view")
    return get_visible_or_404(Org, actor, pk=org_id)
