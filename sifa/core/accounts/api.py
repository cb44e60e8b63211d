
import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.accounts import selectors, services
from sifa.core.accounts.models import Membership, Role, User
from sifa.core.api import PagePagination, actor_of
from sifa.core.errors import NotFound
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404

router = Router(tags=["用户"])


class MembershipOut(Schema):
    id: int
    org_id: int
    org_name: str
    role: str
    role_name: str
    is_active: bool

    @staticmethod
    def resolve_org_name(obj: Membership) -> str:
        return obj.org.name

    @staticmethod
    def resolve_role(obj: Membership) -> str:
        return obj.role.code

    @staticmethod
    def resolve_role_name(obj: Membership) -> str:
        return obj.role.name


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    is_active: bool
    totp_enabled: bool
    created_at: datetime.datetime


class UserDetailOut(UserOut):
    memberships: list[MembershipOut]


class MeOut(Schema):
    user: UserOut
    membership: MembershipOut | None
    permissions: list[str]


class UserIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    display_name: str = Field(..., min_length=1, max_length=64)
    password: str = Field(..., min_length=1, max_length=128)
    phone: str = Field("", max_length=32)
    org_id: int
    role: str = Field(..., description="角色代码，如 office_staff")


@router.get("/me", response=MeOut, summary="当前用户与当前身份")
def me(request: HttpRequest) -> dict[str, object]:
    actor = actor_of(request)
    return {"user": actor.user, "membership": actor.membership, "permissions": sorted(actor.permissions)}


@router.get("/users", response=list[UserOut], summary="用户列表（管理员）")
@paginate(PagePagination)
def list_users(request: HttpRequest, q: str = ""):  # type: ignore[no-untyped-def]
    return selectors.users_visible_to(actor_of(request), q=q)


@router.get("/users/{user_id}", response=UserDetailOut, summary="用户详情与任职")
def get_user(request: HttpRequest, user_id: int) -> dict[str, object]:
    actor = actor_of(request)
    user = selectors.user_visible_to(actor, user_id)
    data = UserOut.from_orm(user).dict()
    data["memberships"] = list(selectors.memberships_of(actor, user))
    return data


@router.post("/users", response={201: UserOut}, summary="新建用户（含首个任职）")
def create_user(request: HttpRequest, payload: UserIn) -> Status[User]:
    actor = actor_of(request)
    actor.require("accounts.manage")
    org = get_visible_or_404(Org, actor, pk=payload.org_id)
    role = Role.objects.filter(code=payload.role).first()
    if role is None:
        raise NotFound(f"角色 {payload.role} 不存在")
    user = services.create_user(actor=actor, username=payload.username, display_name=payload.display_name,
                                password=payload.password, org=org, role=role, phone=payload.phone)
    return Status(201, user)
