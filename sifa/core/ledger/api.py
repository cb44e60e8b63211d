"""The ledger API (/api/v1/ledger/…): what an outside verifier needs — checkpoint, entries, proofs, key.

Any signed-in user may read it (the matrix spec says "login"): entries hold hashes and metadata
of evidence, not the evidence itself, and a verifier must be able to check any proof it is given.
Hashes, roots and signatures are lowercase hex; entry bytes are standard base64 (RFC 4648 §4).
"""

import base64
import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from sifa.core.api import actor_of
from sifa.core.ledger import store
from sifa.core.ledger.errors import NoCheckpointYet
from sifa.core.ledger.models import LedgerCheckpoint
from sifa.core.ledger.services import make_checkpoint
from sifa.core.ledger.signing import SIGNATURE_ALG, key_id, public_key_pem

router = Router(tags=["存证账本"])


class LedgerCheckpointOut(Schema):
    tree_size: int = Field(..., description="检查点覆盖的存证条数")
    root_hash: str = Field(..., description="前 tree_size 条存证的 Merkle 根哈希（RFC 9162，十六进制小写）")
    hash_alg: str = Field(..., description="sm3 或 sha256")
    timestamp: datetime.datetime
    signature: str = Field(..., description="Ed25519 签名（64 字节，十六进制小写），签名内容见 docs/engines/ledger.md")
    key_id: str = Field(..., description="公钥原始 32 字节 SHA-256 的前 16 位十六进制")

    @staticmethod
    def resolve_root_hash(obj: LedgerCheckpoint) -> str:
        return bytes(obj.root_hash).hex()

    @staticmethod
    def resolve_signature(obj: LedgerCheckpoint) -> str:
        return bytes(obj.signature).hex()


class LedgerEntryOut(Schema):
    index: int
    entry: str = Field(..., description="存证的规范字节（base64）")
    leaf_hash: str = Field(..., description="H(0x00 ‖ 存证字节)，十六进制小写")


class LedgerEntriesOut(Schema):
    start: int
    end: int
    tree_size: int = Field(..., description="账本当前的存证条数")
    entries: list[LedgerEntryOut]


class LedgerEntriesQuery(Schema):
    start: int = Field(0, ge=0, description="起始序号（含），从 0 开始")
    end: int | None = Field(None, ge=0, description="结束序号（不含）；缺省为 start+100；end−start 至多 1000")


class LedgerInclusionQuery(Schema):
    index: int = Field(..., ge=0, description="存证序号（从 0 开始），须小于 tree_size")
    tree_size: int = Field(..., ge=1, description="树大小（通常取某个检查点的 tree_size）")


class LedgerConsistencyQuery(Schema):
    first: int = Field(..., ge=1, description="较早的树大小")
    second: int = Field(..., ge=1, description="较晚的树大小")


class LedgerInclusionProofOut(Schema):
    index: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str] = Field(..., description="RFC 9162 §2.1.3 顺序的审计路径（由近及远，十六进制）")


class LedgerConsistencyProofOut(Schema):
    first: int
    second: int
    consistency_path: list[str] = Field(..., description="RFC 9162 §2.1.4 顺序的一致性证明（十六进制）")


class LedgerPublicKeyOut(Schema):
    algorithm: str = Field(..., description="签名算法：ed25519")
    key_id: str
    public_key_pem: str = Field(..., description="SubjectPublicKeyInfo PEM")


@router.get("/checkpoint", response=LedgerCheckpointOut, summary="最新的签名检查点（尚无检查点时 409）")
def get_checkpoint(request: HttpRequest) -> LedgerCheckpoint:
    checkpoint = store.latest_checkpoint()
    if checkpoint is None:
        raise NoCheckpointYet()
    return checkpoint


@router.post("/checkpoint", response={201: LedgerCheckpointOut}, summary="立即签署检查点（需「签署存证检查点」权限，记入审计）")
def create_checkpoint(request: HttpRequest) -> Status[LedgerCheckpoint]:
    """On demand, in addition to the worker's checkpoint every 60 s while entries arrive."""
    actor = actor_of(request)
    actor.require("ledger.checkpoint")
    return Status(201, make_checkpoint(actor=actor))


@router.get("/entries", response=LedgerEntriesOut, summary="按序号区间读取存证（每次至多 1000 条）")
def list_entries(request: HttpRequest, query: Query[LedgerEntriesQuery]) -> dict[str, object]:
    start, end, size, rows = store.entries_page(query.start, query.end)
    return {"start": start, "end": end, "tree_size": size, "entries": [
        {"index": r.index, "entry": base64.b64encode(bytes(r.entry)).decode("ascii"),
         "leaf_hash": bytes(r.leaf_hash).hex()} for r in rows]}


@router.get("/proofs/inclusion", response=LedgerInclusionProofOut, summary="包含证明（RFC 9162 §2.1.3）")
def get_inclusion_proof(request: HttpRequest, query: Query[LedgerInclusionQuery]) -> dict[str, object]:
    leaf, path = store.inclusion(query.index, query.tree_size)
    return {"index": query.index, "tree_size": query.tree_size, "leaf_hash": leaf.hex(),
            "audit_path": [h.hex() for h in path]}


@router.get("/proofs/consistency", response=LedgerConsistencyProofOut, summary="一致性证明（RFC 9162 §2.1.4）")
def get_consistency_proof(request: HttpRequest, query: Query[LedgerConsistencyQuery]) -> dict[str, object]:
    path = store.consistency(query.first, query.second)
    return {"first": query.first, "second": query.second, "consistency_path": [h.hex() for h in path]}


@router.get("/public-key", response=LedgerPublicKeyOut, summary="检查点签名公钥")
def get_public_key(request: HttpRequest) -> dict[str, str]:
    public_key = store.signing_key().public_key()
    return {"algorithm": SIGNATURE_ALG, "key_id": key_id(public_key), "public_key_pem": public_key_pem(public_key)}
