"""Grants and evidence through the API: /api/v1/cases/{case_id}/grants|evidence|evidence-package,
/api/v1/grants/{grant_id}/revoke.

Grant management needs ``casecodes.grants.manage`` and the case in scope. The evidence list and
the package are for staff who see the case and for grantee users with a live grant (a link grant
has no account, so it works through the pages only); a grantee's every call is an audited use.
Hashes and roots are lowercase hex here (as in /api/v1/ledger); the package's checkpoint.json
carries the signature in base64.
"""

from __future__ import annotations

import datetime

from django.http import FileResponse, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.casecodes import evidence, selectors, services
from sifa.core.casecodes.choices import GrantUse
from sifa.core.casecodes.models import AccessGrant
from sifa.core.casecodes.views import DEFAULT_DAYS, package_response, state_label
from sifa.core.cases.selectors import case_in_scope
from sifa.core.ledger.entries import format_time
from sifa.core.orgs.scope import get_visible_or_404

router = Router(tags=["案件码与授权查阅"])


class GrantOut(Schema):
    id: int
    case_id: int
    kind: str = Field(..., description="user（授予某个用户）或 link（链接 + 访问码）")
    grantee: str | None = Field(None, description="被授权用户的用户名；链接授权为 null")
    note: str
    state: str = Field(..., description="live 有效、expired 已过期、revoked 已撤销、locked 已锁定（访问码多次输错）")
    state_label: str
    issued_by_name: str
    issued_at: datetime.datetime
    expires_at: datetime.datetime
    revoked_at: datetime.datetime | None
    revoked_by_name: str
    last_used_at: datetime.datetime | None
    use_count: int
    failed_attempts: int

    @staticmethod
    def resolve_kind(obj: AccessGrant) -> str:
        return "link" if obj.is_link else "user"

    @staticmethod
    def resolve_grantee(obj: AccessGrant) -> str | None:
        return obj.grantee.username if obj.grantee is not None else None

    @staticmethod
    def resolve_state(obj: AccessGrant) -> str:
        return obj.state().value


class GrantIn(Schema):
    grantee: str | None = Field(None, max_length=150, description="被授权用户的用户名；不填则签发「链接 + 访问码」授权")
    expires_at: datetime.datetime | None = Field(
        None, description=f"有效期至（缺省为 {DEFAULT_DAYS} 天后；最长 SIFA_GRANT_MAX_DAYS 天，默认 90）")
    note: str = Field("", max_length=200, description="用途/备注，如「行政复议审查」")


class GrantIssuedOut(Schema):
    grant: GrantOut
    link: str = Field(..., description="发给审查人员的链接（链接授权含一次性令牌，仅此一次返回）")
    code: str = Field(..., description="访问码（仅链接授权；请另行告知，仅此一次返回）；用户授权为空字符串")


class CheckpointOut(Schema):
    tree_size: int
    root_hash: str
    hash_alg: str
    timestamp: str = Field(..., description="YYYY-MM-DDTHH:MM:SS.ffffffZ（签名所覆盖的写法）")
    signature: str = Field(..., description="Ed25519 签名，十六进制小写")
    key_id: str


class EvidenceItemOut(Schema):
    attachment_id: int
    name: str
    kind: str
    content_type: str
    size: int
    sha256: str
    sm3: str
    ledger_index: int | None
    leaf_hash: str | None
    inclusion_proof: list[str] = Field(..., description="包含证明（RFC 9162，由近及远），十六进制小写")
    tree_size: int | None
    verified: bool = Field(..., description="服务器用离线校验程序核验的结果")
    problem: str = Field(..., description="核验失败的原因（通过时为空）")


class EvidenceOut(Schema):
    case_id: int
    case_number: str
    case_code: str
    title: str
    org: str
    state: str
    state_label: str
    checkpoint: CheckpointOut | None
    key_id: str = Field(..., description="本机签名公钥的密钥标识")
    items: list[EvidenceItemOut]


def _grant_access(request: HttpRequest, case_id: int) -> selectors.ReviewAccess:
    return selectors.review_access(actor_of(request), case_id)


@router.get("/cases/{case_id}/grants", response=list[GrantOut], summary="案件的查阅授权列表（新的在前）")
@paginate(PagePagination)
def list_grants(request: HttpRequest, case_id: int):  # type: ignore[no-untyped-def]
    actor = actor_of(request)
    actor.require(services.MANAGE)
    return selectors.grants_for_case(case_in_scope(actor, case_id))


@router.post("/cases/{case_id}/grants", response={201: GrantIssuedOut}, summary="签发查阅授权（链接与访问码仅返回一次）")
def issue_grant(request: HttpRequest, case_id: int, payload: GrantIn) -> Status[dict[str, object]]:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    case = case_in_scope(actor, case_id)
    grantee = services.grantee_by_username(payload.grantee) if payload.grantee is not None else None
    expires_at = payload.expires_at or datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=DEFAULT_DAYS)
    issued = services.issue_grant(actor=actor, case=case, expires_at=expires_at, grantee=grantee, note=payload.note)
    return Status(201, {"grant": issued.grant, "link": issued.link, "code": issued.code})


@router.post("/grants/{grant_id}/revoke", response=GrantOut, summary="撤销查阅授权")
def revoke_grant(request: HttpRequest, grant_id: int) -> AccessGrant:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    grant = get_visible_or_404(AccessGrant, actor, pk=grant_id)
    return services.revoke_grant(actor=actor, grant=grant)


@router.get("/cases/{case_id}/evidence", response=EvidenceOut, summary="案件证据清单、包含证明与核验结果")
def case_evidence(request: HttpRequest, case_id: int) -> dict[str, object]:
    access = _grant_access(request, case_id)
    evidence.ensure_checkpoint(access.actor, access.case)
    ev = evidence.evidence_of(access.case, verify=True)
    if access.grant is not None:
        services.record_grant_use(actor=access.actor, grant=access.grant, what=GrantUse.EVIDENCE_LIST)
    case, cp = access.case, ev.checkpoint
    return {
        "case_id": case.pk, "case_number": case.number, "case_code": case.case_code, "title": case.title,
        "org": case.org.name, "state": case.state, "state_label": state_label(case), "key_id": ev.key_id,
        "checkpoint": None if cp is None else {
            "tree_size": cp.tree_size, "root_hash": cp.root_hash.hex(), "hash_alg": cp.hash_alg,
            "timestamp": format_time(cp.timestamp), "signature": cp.signature.hex(), "key_id": cp.key_id},
        "items": [{
            "attachment_id": e.attachment.pk, "name": e.attachment.name, "kind": e.attachment.kind,
            "content_type": e.attachment.content_type, "size": e.attachment.size, "sha256": e.attachment.sha256,
            "sm3": e.attachment.sm3, "ledger_index": e.attachment.ledger_index,
            "leaf_hash": e.item.leaf_hash.hex() if e.item else None, "inclusion_proof": e.proof_hex,
            "tree_size": e.item.tree_size if e.item else None, "verified": e.ok, "problem": e.problem,
        } for e in ev.items],
    }


@router.get("/cases/{case_id}/evidence-package", summary="下载证据包（ZIP，记入审计）",
            openapi_extra={"responses": {200: {"description": "证据包（ZIP），格式见 docs/engines/casecodes.md",
                                               "content": {"application/zip": {"schema": {"type": "string",
                                                                                          "format": "binary"}}}}}})
def case_evidence_package(request: HttpRequest, case_id: int) -> FileResponse:
    return package_response(_grant_access(request, case_id))
