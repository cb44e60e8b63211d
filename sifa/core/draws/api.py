"""Random draws API: the public record (/api/v1/public/draws/{number}, no sign-in) and, for
``draws.manage``, commit / perform / cancel (/api/v1/draws…). The public record never holds the seed
before the draw; it is the same JSON as the page's download (docs/engines/draws.md "JSON format")."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from sifa.core.api import actor_of
from sifa.core.draws import selectors, services
from sifa.core.draws.models import RandomDraw
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404

public_router = Router(tags=["随机抽取（公开）"], auth=None)
router = Router(tags=["随机抽取"])


class DrawLedgerEntryOut(Schema):
    index: int = Field(..., description="存证序号")
    entry: str = Field(..., description="存证的规范字节（base64）")
    leaf_hash: str = Field(..., description="H(0x00 ‖ 存证字节)，十六进制小写")


class DrawRecordOut(Schema):
    format: str = Field(..., description="恒为 sifa-draw-1")
    number: str
    title: str
    purpose: str
    org: str = Field(..., description="组织机构名称")
    state: str = Field(..., description="committed（待抽取）/ drawn（已抽取）/ cancelled（已取消）")
    hash_alg: str = Field(..., description="sm3 或 sha256")
    published: dict[str, Any] = Field(..., description="公开的名单、抽取步骤与回避名单：{pools, steps, exclusions}")
    pools_hash: str
    commitment: str = Field(..., description="H(\"sifa-draw-1/commit\" ‖ 种子)")
    committed_at: str
    commit_entry: DrawLedgerEntryOut
    seed: str | None = Field(..., description="种子（抽取或取消后公开；之前为 null）")
    tree_size: int | None = Field(..., description="抽取所用的账本树大小")
    root_hash: str | None = Field(..., description="抽取所用的账本根哈希")
    commit_inclusion: list[str] | None = Field(..., description="承诺存证在该账本树中的包含证明（RFC 9162）")
    result: dict[str, Any] | None
    drawn_at: str | None
    draw_entry: DrawLedgerEntryOut | None
    cancel_reason: str | None
    cancel_entry: DrawLedgerEntryOut | None


class DrawPoolItemIn(Schema):
    id: str = Field(..., min_length=1, description="对象在调用模块中的编号")
    label: str = Field(..., description="公开显示的名称（不得含身份证号等个人信息）")


class DrawCommitIn(Schema):
    purpose: str = Field(..., description="用途代码，如 enforcement.inspection")
    title: str
    org_id: int | None = Field(None, description="组织机构（缺省为当前身份所在机构）")
    number: str | None = Field(None, description="抽取编号（缺省自动编号 CJ-年份-序号）")
    pools: dict[str, list[DrawPoolItemIn]]
    steps: list[dict[str, Any]] = Field(..., description="抽取步骤，见 docs/engines/draws.md")
    exclusions: dict[str, dict[str, list[str]]] = Field(default_factory=dict, description="回避名单")


class DrawCancelIn(Schema):
    reason: str


@public_router.get("/{number}", response=DrawRecordOut, summary="随机抽取的公开记录（可离线重新推导）")
def get_public_draw(request: HttpRequest, number: str) -> dict[str, Any]:
    return selectors.draw_record(selectors.public_draw(number))


@router.post("", response={201: DrawRecordOut}, summary="承诺一次随机抽取（公布名单与种子承诺值）")
def commit_draw(request: HttpRequest, payload: DrawCommitIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    actor.require("draws.manage")
    org = get_visible_or_404(Org, actor, pk=payload.org_id) if payload.org_id else None
    draw = services.commit_draw(
        actor=actor, purpose=payload.purpose, title=payload.title, org=org, number=payload.number,
        pools={name: [item.dict() for item in items] for name, items in payload.pools.items()},
        steps=payload.steps, exclusions=payload.exclusions)
    return Status(201, selectors.draw_record(draw))


@router.post("/{number}/perform", response=DrawRecordOut, summary="执行抽取（公开种子，结果写入存证账本）")
def perform_draw(request: HttpRequest, number: str) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require("draws.manage")
    draw = get_visible_or_404(RandomDraw, actor, number=number)
    return selectors.draw_record(services.perform_draw(actor=actor, draw=draw))


@router.post("/{number}/cancel", response=DrawRecordOut, summary="取消尚未抽取的随机抽取（公开种子与原因）")
def cancel_draw(request: HttpRequest, number: str, payload: DrawCancelIn) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require("draws.manage")
    draw = get_visible_or_404(RandomDraw, actor, number=number)
    return selectors.draw_record(services.cancel_draw(actor=actor, draw=draw, reason=payload.reason))
