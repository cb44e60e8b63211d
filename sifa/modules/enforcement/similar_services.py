"""Writes of 类案检索: answering a 裁量 warning, importing decisions (Excel / JSONL), rebuilding the index.

One public service = one durable transaction = exactly one audit event (CONVENTIONS §4.3).
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.errors import ValidationFailed
from sifa.core.services import service
from sifa.modules.enforcement import similar
from sifa.modules.enforcement.choices import Circumstance, PenaltyType
from sifa.modules.enforcement.outcome_models import RemedyKind, RemedyOutcome, RemedyResult
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.penalty_selectors import penalty_case_for
from sifa.modules.enforcement.similar_models import DiscretionAnswer, ImportedDecision

ANSWERED = "enforcement.discretion_warning.answered"
IMPORTED = "enforcement.imported_decisions.imported"
REINDEXED = "enforcement.penalty_index.rebuilt"

AUDIT_ACTIONS = (
    (ANSWERED, "说明裁量预警理由", False),
    (IMPORTED, "导入处罚决定（类案）", False),
    (REINDEXED, "重建类案检索索引", False),
)

MAX_ROWS = 5_000
MAX_BYTES = 10 * 1024 * 1024


# --- 裁量 warning answers -------------------------------------------------------------------------


@service(ANSWERED)
def answer_discretion_warning(*, actor: Actor, detail: PenaltyCase, amount: Decimal | str | None,
                              reason: str) -> list[DiscretionAnswer]:
    """Answer the 裁量 warnings on ``amount`` with a reason (platform policy on 裁量基准, 《行政处罚法》
    第三十四条): one ``DiscretionAnswer`` per open warning; the DECIDE step is refused until each warning
    on the decided amount is answered. Refused when the amount raises no warning."""
    actor.require("enforcement.cases.handle")
    found = penalty_case_for(actor, detail.pk)
    money = similar._money(amount)
    if money is None:
        raise ValidationFailed("请填写拟罚款金额（元）", field="amount")
    text = str(reason or "").strip()
    if len(text) < 5:
        raise ValidationFailed("请说明理由（不少于 5 个字）", field="reason")
    if len(text) > 2000:
        raise ValidationFailed("说明理由不能超过 2000 个字符", field="reason")
    pending = [(k, w) for k, w, answer in similar.open_warnings(found, money) if answer is None]
    if not pending:
        raise ValidationFailed(f"拟罚款 {money:,.2f} 元没有待说明的裁量预警", field="amount")
    user = actor.user if actor.user is not None and actor.user.pk else None
    answers = [DiscretionAnswer.objects.create(case=found, key=k, amount=money, warning=w, reason=text,
                                               answered_by=actor.name[:64], answered_by_user=user)
               for k, w in pending]
    record(actor=actor, action=ANSWERED, obj=found.case, object_repr=str(found.case.number),
           changes={"amount": str(money), "warnings": [k for k, _ in pending]})
    return answers


# --- imported decisions ----------------------------------------------------------------------------

# field → (column title in the Excel template, other accepted titles)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "source_org": ("作出机关", ("处罚机关", "执法主体", "法院")),
    "number": ("文号", ("决定书文号", "案号")),
    "decided_on": ("决定日期", ("裁判日期", "作出日期")),
    "facts": ("违法事实", ("案件事实", "事实")),
    "power_item": ("执法事项", ("事项名称",)),
    "cited_articles": ("依据条文", ("处罚依据", "法律依据")),
    "circumstance": ("违法情节", ("情节",)),
    "penalty_types": ("处罚种类", ()),
    "amount": ("罚款金额（元）", ("罚款金额", "金额")),
    "outcome": ("处理结果", ("处罚结果",)),
    "remedy_kind": ("复议诉讼类型", ()),
    "remedy_authority": ("复议机关或法院", ("复议诉讼机关",)),
    "remedy_result": ("复议诉讼结果", ()),
    "remedy_decided_on": ("复议诉讼决定日期", ()),
}
REQUIRED = ("source_org", "number", "decided_on", "facts")
LABELS = {f: title for f, (title, _) in COLUMNS.items()}


def template_headers() -> list[str]:
    return [title for title, _ in COLUMNS.values()]


def _rows_from_excel(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ValidationFailed("文件不是有效的 Excel（.xlsx）文件", field="file") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ValidationFailed("表格为空", field="file")
    titles = {title: f for f, (main, others) in COLUMNS.items() for title in (main, *others)}
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = titles.get(str(cell or "").strip())
        if name and name not in index:
            index[name] = i
    missing = [LABELS[f] for f in REQUIRED if f not in index]
    if missing:
        raise ValidationFailed(f"表头缺少列：{'、'.join(missing)}", field="file")
    out = []
    for line, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        out.append((line, {f: values[i] if i < len(values) else None for f, i in index.items()}))
    return out


def _rows_from_jsonl(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    out = []
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("JSONL 文件须为 UTF-8 编码", field="file") from exc
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationFailed(f"第 {line} 行不是有效的 JSON：{exc.msg}", field=f"rows[{line}]") from exc
        if not isinstance(item, dict):
            raise ValidationFailed(f"第 {line} 行应为 JSON 对象", field=f"rows[{line}]")
        out.append((line, item))
    return out


def _choice(value: str, choices: Sequence[tuple[str, str]]) -> str | None:
    for code, label in choices:
        if value in (code, label):
            return code
    return None


def _check_row(line: int, raw: Mapping[str, Any], errors: list[dict[str, str]], seen: set[tuple[str, str]],
               ) -> dict[str, Any]:
    def bad(field: str, message: str) -> None:
        errors.append({"field": f"rows[{line}].{field}", "message": f"第 {line} 行 {LABELS[field]}：{message}"})

    def text(field: str, max_length: int) -> str:
        value = str(raw.get(field) or "").strip()
        if field in REQUIRED and not value:
            bad(field, "不能为空")
        elif len(value) > max_length:
            bad(field, f"不能超过 {max_length} 个字符")
        return value

    def day(field: str) -> datetime.date | None:
        value = raw.get(field)
        if value in (None, ""):
            if field in REQUIRED:
                bad(field, "不能为空")
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            bad(field, "应为日期（YYYY-MM-DD）")
            return None

    row: dict[str, Any] = {
        "source_org": text("source_org", 128), "number": text("number", 64), "decided_on": day("decided_on"),
        "facts": text("facts", 20000), "power_item": text("power_item", 255),
        "cited_articles": text("cited_articles", 4000), "outcome": text("outcome", 255),
    }
    circ = str(raw.get("circumstance") or "").strip()
    row["circumstance"] = ""
    if circ:
        code = _choice(circ, Circumstance.choices)
        if code is None:
            bad("circumstance", "应为轻微、一般、较重或严重")
        row["circumstance"] = code or ""
    raw_types = raw.get("penalty_types") or []
    parts = raw_types.replace("，", ",").replace("、", ",").split(",") if isinstance(raw_types, str) else raw_types
    types = []
    for t in (str(p).strip() for p in parts):
        if not t:
            continue
        code = _choice(t, PenaltyType.choices)
        if code is None:
            bad("penalty_types", f"「{t}」不是《行政处罚法》第九条规定的处罚种类")
        elif code not in types:
            types.append(code)
    row["penalty_types"] = types
    amount = raw.get("amount")
    row["amount"] = None
    if amount not in (None, ""):
        try:
            row["amount"] = Decimal(str(amount).replace(",", "").strip()).quantize(Decimal("0.01"))
            if row["amount"] < 0:
                bad("amount", "不能为负数")
        except InvalidOperation:
            bad("amount", "应为金额（元）")
    result = str(raw.get("remedy_result") or "").strip()
    row["remedy"] = None
    if result:
        result_code = _choice(result, RemedyResult.choices)
        kind_code = _choice(str(raw.get("remedy_kind") or "").strip() or "行政复议", RemedyKind.choices)
        decided = day("remedy_decided_on")
        if result_code is None:
            bad("remedy_result", "应为维持、驳回、撤销、变更、确认违法、确认无效或撤回")
        if kind_code is None:
            bad("remedy_kind", "应为行政复议、行政诉讼（一审）或行政诉讼（二审）")
        if decided is None and "remedy_decided_on" not in [e["field"].split(".")[-1] for e in errors]:
            bad("remedy_decided_on", "填写复议诉讼结果时须填写决定日期")
        row["remedy"] = (kind_code, str(raw.get("remedy_authority") or "").strip()[:128], result_code, decided)
    key = (row["source_org"], row["number"])
    if row["source_org"] and row["number"]:
        if key in seen:
            bad("number", "与前面的行重复")
        seen.add(key)
    return row


@service(IMPORTED)
def import_decisions(*, actor: Actor, content: bytes, filename: str = "") -> list[ImportedDecision]:
    """Import published 行政处罚决定 / 裁判文书 (.xlsx with the template's columns, or .jsonl with the
    field names of ``COLUMNS``) for 类案检索, all or nothing: every bad row and column is reported and
    nothing is written. A row may carry its 复议/诉讼 result (a ``RemedyOutcome`` of the decision). The
    decisions are owned by the actor's org and indexed under ``enforcement.penalty`` (key ``d<id>``)."""
    actor.require("enforcement.manage")
    if actor.org is None:
        raise ValidationFailed("当前身份没有所属机构，不能导入", field="file")
    if len(content) > MAX_BYTES:
        raise ValidationFailed("文件不能超过 10 MB", field="file")
    jsonl = filename.lower().endswith((".jsonl", ".json")) or content[:1] in (b"{", b"\xef")
    raw_rows = _rows_from_jsonl(content) if jsonl else _rows_from_excel(content)
    if not raw_rows:
        raise ValidationFailed("文件中没有数据行", field="file")
    if len(raw_rows) > MAX_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行", field="file")
    errors: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    rows = [_check_row(line, raw, errors, seen) for line, raw in raw_rows]
    taken = set(ImportedDecision.objects.filter(number__in=[r["number"] for r in rows])
                .values_list("source_org", "number"))
    for (line, _), r in zip(raw_rows, rows, strict=True):
        if (r["source_org"], r["number"]) in taken:
            errors.append({"field": f"rows[{line}].number", "message": f"第 {line} 行 {LABELS['number']}：该文号已导入"})
    if errors:
        raise ValidationFailed(f"有 {len({e['field'].split('.')[0] for e in errors})} 行错误，未导入任何记录；请改正后重新导入",
                               errors=errors)
    made = []
    for r in rows:
        remedy = r.pop("remedy")
        decision = ImportedDecision.objects.create(org=actor.org, **r)
        if remedy is not None:
            kind, authority, result, decided = remedy
            RemedyOutcome.objects.create(imported=decision, org=actor.org, kind=kind, authority=authority or "—",
                                         decided_on=decided, result=result, recorded_by=actor.name[:64])
        made.append(decision)
    similar.index_imported(ImportedDecision.objects.filter(pk__in=[d.pk for d in made]).select_related("org"))
    record(actor=actor, action=IMPORTED, object_type="enforcement.importeddecision",
           object_repr=f"导入处罚决定 {len(made)} 件 {filename}"[:255], changes={"rows": len(made), "file": filename})
    return made


# --- the index -------------------------------------------------------------------------------------


@service(REINDEXED)
def rebuild_penalty_index(*, actor: Actor) -> int:
    """Re-index every decided case and every imported decision (``sifa`` command ``reindex_penalties``);
    returns how many documents were indexed."""
    from sifa.core.search.index import remove_kind

    actor.require("enforcement.manage")
    remove_kind(similar.KIND)
    cases = (PenaltyCase.objects.filter(decided_on__isnull=False).select_related("case__org")
             .order_by("pk").iterator(chunk_size=1000))
    n = similar.index_documents(similar.KIND, ((str(c.pk), c.facts, c.case.org.path) for c in cases))
    n += similar.index_imported(ImportedDecision.objects.select_related("org").order_by("pk").iterator(chunk_size=1000))
    record(actor=actor, action=REINDEXED, object_type="search.kind", object_repr=similar.KIND, changes={"documents": n})
    return n
