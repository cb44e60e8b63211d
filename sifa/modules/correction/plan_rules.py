"""The 27 attributes of a 社区矫正对象 that the plan rules and the level table read, and rule evaluation.

CC-09 (《社区矫正法》第二十四条): the 个别化矫正方案 is based on the judgment and on the offender's sex,
age, psychology, health, the cause, type and circumstances of the crime and 悔罪表现. The rule table
(``PlanRule`` rows, edited by an administrator as data) turns these attributes into recommendations;
each recommendation cites the attributes and values that triggered it, so the plan is explainable
(C-84: no opaque score decides anything, the officer edits and approves).

Attributes come from three places (``source``):

- ``person``: sex and age from the 自然人 record;
- ``case``: facts of the judgment and of supervision (矫正类别, 罪名, 未成年人, 管理等级, 保外就医, 禁止令);
- ``subject``: the officer's findings kept in ``CorrectionSubject.attributes`` (edited on the 个人情况 form).

A condition is ``{"attribute": code, "op": op, "value": v}``; ops: ``eq``, ``ne``, ``in`` (value is a
list), ``gte``/``lte`` (numbers), ``true`` (a yes/no attribute is yes; no value) and ``contains``
(text contains the value, e.g. 罪名 contains 盗窃). All conditions of a rule must hold; an attribute
with no recorded value never satisfies a condition (an unknown is not evidence).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from sifa.core.errors import ValidationFailed

if TYPE_CHECKING:
    from sifa.modules.correction.models import CorrectionCase, PlanRule


@dataclass(frozen=True)
class Attribute:
    code: str
    label: str
    kind: str  # "choice" | "int" | "bool" | "text"
    source: str  # "person" | "case" | "subject"
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def editable(self) -> bool:
        return self.source == "subject"

    def value_label(self, value: Any) -> str:
        if value is None or value == "":
            return "未填写"
        if self.kind == "bool":
            return "是" if value else "否"
        if self.kind == "choice":
            return dict(self.dynamic_choices()).get(str(value), str(value))
        return str(value)

    def dynamic_choices(self) -> tuple[tuple[str, str], ...]:
        if self.code == "level":
            from sifa.modules.correction import config

            return tuple(config.level_choices())
        return self.choices


def _c(*pairs: str) -> tuple[tuple[str, str], ...]:
    return tuple((pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2))


ATTRIBUTES: tuple[Attribute, ...] = (
    # from the person and the case (read-only here)
    Attribute("sex", "性别", "choice", "person", _c("M", "男", "F", "女")),
    Attribute("age", "年龄", "int", "person"),
    Attribute("minor", "未成年人（矫正开始时未满十八周岁）", "bool", "case"),
    Attribute("sentence_type", "矫正类别", "choice", "case",
              _c("control", "管制", "probation", "缓刑", "parole", "假释", "temporary_execution", "暂予监外执行")),
    Attribute("crimes", "罪名", "text", "case"),
    Attribute("level", "管理等级", "choice", "case"),
    Attribute("medical_parole", "保外就医", "bool", "case"),
    Attribute("prohibition_order", "有禁止令", "bool", "case"),
    # the officer's findings (个人情况)
    Attribute("education", "文化程度", "choice", "subject",
              _c("illiterate", "文盲或半文盲", "primary", "小学", "junior", "初中", "senior", "高中（中专）", "college", "大专及以上")),
    Attribute("employment", "就业就学情况", "choice", "subject",
              _c("employed", "在职", "self_employed", "个体经营", "farmer", "务农", "unemployed", "无业", "student", "在校学生",
                 "retired", "离退休")),
    Attribute("marital", "婚姻状况", "choice", "subject",
              _c("single", "未婚", "married", "已婚", "divorced", "离异", "widowed", "丧偶")),
    Attribute("family", "家庭关系", "choice", "subject",
              _c("stable", "和睦稳定", "strained", "关系紧张", "broken", "家庭破裂或无家庭")),
    Attribute("residence", "居住情况", "choice", "subject",
              _c("stable", "固定住所", "rented", "租住", "unstable", "居无定所")),
    Attribute("local_household", "本地户籍", "bool", "subject"),
    Attribute("income", "经济状况", "choice", "subject",
              _c("sufficient", "有稳定收入", "low", "收入低", "destitute", "生活困难")),
    Attribute("dependents", "有抚养、赡养负担", "bool", "subject"),
    Attribute("health", "身体状况", "choice", "subject",
              _c("healthy", "健康", "chronic", "慢性病", "serious", "严重疾病", "disabled", "残疾")),
    Attribute("mental", "心理状况", "choice", "subject",
              _c("normal", "正常", "anxious", "焦虑、情绪不稳", "depressed", "抑郁倾向", "disorder", "精神障碍")),
    Attribute("addiction", "不良嗜好", "choice", "subject",
              _c("none", "无", "drugs", "吸毒史", "gambling", "赌博", "alcohol", "酗酒", "internet", "沉迷网络")),
    Attribute("crime_type", "犯罪类型", "choice", "subject",
              _c("violent", "暴力犯罪", "property", "侵财犯罪", "fraud", "诈骗犯罪", "drug", "毒品犯罪", "traffic", "交通肇事、危险驾驶",
                 "duty", "职务犯罪", "sexual", "性犯罪", "other", "其他")),
    Attribute("crime_cause", "犯罪原因", "choice", "subject",
              _c("economic", "经济困难", "impulse", "一时冲动", "ignorance", "法律意识淡薄", "peer", "交友不慎", "habit", "不良习性",
                 "other", "其他")),
    Attribute("prior_record", "前科情况", "choice", "subject",
              _c("none", "无前科", "prior", "有前科", "recidivist", "累犯、再犯")),
    Attribute("attitude", "认罪悔罪态度", "choice", "subject",
              _c("good", "好", "fair", "一般", "poor", "差")),
    Attribute("victim_reconciled", "已取得被害人谅解", "bool", "subject"),
    Attribute("compensation", "民事赔偿、财产刑履行", "choice", "subject",
              _c("fulfilled", "已履行", "partial", "部分履行", "unfulfilled", "未履行", "none", "无此判项")),
    Attribute("social_contacts", "社会交往", "choice", "subject",
              _c("normal", "正常", "bad_company", "与不良人员交往")),
    Attribute("skills", "有职业技能", "bool", "subject"),
)

BY_CODE: dict[str, Attribute] = {a.code: a for a in ATTRIBUTES}
EDITABLE: tuple[Attribute, ...] = tuple(a for a in ATTRIBUTES if a.editable)

OPS: dict[str, str] = {"eq": "等于", "ne": "不等于", "in": "属于", "gte": "不小于", "lte": "不大于", "true": "为“是”",
                       "contains": "包含"}
OPS_BY_KIND: dict[str, tuple[str, ...]] = {
    "choice": ("eq", "ne", "in"), "int": ("eq", "ne", "gte", "lte"), "bool": ("true", "eq"), "text": ("contains", "eq"),
}


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def subject_values(detail: CorrectionCase, *, today: datetime.date | None = None) -> dict[str, Any]:
    """Every attribute's value for a case (missing findings are absent)."""
    today = today or timezone.localdate()
    subject = detail.subject
    person = subject.person
    values: dict[str, Any] = {
        "sex": person.gender or None,
        "age": age_on(person.birth_date, today) if person.birth_date else None,
        "minor": subject.is_minor,
        "sentence_type": detail.sentence_type,
        "crimes": detail.crimes,
        "level": detail.level or None,
        "medical_parole": detail.medical_parole,
        "prohibition_order": bool(detail.prohibition_order.strip()),
    }
    for attr in EDITABLE:
        value = (subject.attributes or {}).get(attr.code)
        if value is not None and value != "":
            values[attr.code] = value
    return {k: v for k, v in values.items() if v is not None and v != ""}


# --- conditions ------------------------------------------------------------------------------------


def clean_value(attr: Attribute, value: Any, *, where: str, field_name: str = "value") -> Any:
    """A stored finding or a condition value checked against the attribute's type; errors name ``where``."""
    if attr.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "是", "on"):
            return True
        if text in ("0", "false", "no", "否", "off"):
            return False
        raise ValidationFailed(f"{where}：「{attr.label}」应为 是/否", field=field_name)
    if attr.kind == "int":
        try:
            return int(str(value).strip())
        except ValueError:
            raise ValidationFailed(f"{where}：「{attr.label}」应为整数，收到 {value!r}", field=field_name) from None
    if attr.kind == "choice":
        codes = dict(attr.dynamic_choices())
        text = str(value).strip()
        if text not in codes:
            label_to_code = {label: code for code, label in codes.items()}
            if text in label_to_code:
                return label_to_code[text]
            allowed = "、".join(f"{c}（{lbl}）" for c, lbl in codes.items())
            raise ValidationFailed(f"{where}：「{attr.label}」没有取值 {text!r}，可选：{allowed}", field=field_name)
        return text
    text = str(value).strip()
    if not text:
        raise ValidationFailed(f"{where}：「{attr.label}」的值不能为空", field=field_name)
    return text[:100]


def clean_conditions(conditions: Any, *, rule: str = "") -> list[dict[str, Any]]:
    """Validate and normalise a rule's conditions; an error names the rule, the condition's row and field."""
    prefix = f"规则 {rule} " if rule else ""
    if conditions in (None, ""):
        return []
    if not isinstance(conditions, list):
        raise ValidationFailed(f"{prefix}触发条件应为列表", field="conditions")
    out: list[dict[str, Any]] = []
    for n, cond in enumerate(conditions, start=1):
        where = f"{prefix}第{n}条条件"
        if not isinstance(cond, Mapping):
            raise ValidationFailed(f"{where}应为 {{attribute, op, value}}", field="conditions")
        code = str(cond.get("attribute", "")).strip()
        attr = BY_CODE.get(code)
        if attr is None:
            raise ValidationFailed(f"{where}：未知的属性 {code!r}", field="conditions")
        op = str(cond.get("op", "")).strip()
        if op not in OPS:
            raise ValidationFailed(f"{where}：未知的运算 {op!r}（可用 {'、'.join(OPS)}）", field="conditions")
        if op not in OPS_BY_KIND[attr.kind]:
            raise ValidationFailed(f"{where}：「{attr.label}」不能使用运算 {op}（可用 {'、'.join(OPS_BY_KIND[attr.kind])}）",
                                   field="conditions")
        value: Any = cond.get("value")
        if op == "true":
            value = True
        elif op == "in":
            items = value if isinstance(value, list) else [v for v in str(value or "").replace("，", ",").split(",")]
            items = [v for v in items if str(v).strip()]
            if not items:
                raise ValidationFailed(f"{where}：「属于」须列出至少一个取值", field="conditions")
            value = [clean_value(attr, v, where=where, field_name="conditions") for v in items]
        else:
            if value is None or str(value).strip() == "":
                raise ValidationFailed(f"{where}：须填写比较的值", field="conditions")
            value = clean_value(attr, value, where=where, field_name="conditions")
        out.append({"attribute": code, "op": op, "value": value})
    return out


def holds(cond: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    code, op, target = cond["attribute"], cond["op"], cond.get("value")
    if code not in values:
        return False
    value = values[code]
    if op == "eq":
        return bool(value == target)
    if op == "ne":
        return bool(value != target)
    if op == "in":
        return value in (target or [])
    if op == "gte":
        return isinstance(value, int) and value >= int(str(target))
    if op == "lte":
        return isinstance(value, int) and value <= int(str(target))
    if op == "true":
        return value is True
    if op == "contains":
        return str(target) in str(value)
    return False


def describe(cond: Mapping[str, Any]) -> str:
    """「就业就学情况 属于 无业、务农」: a condition in words."""
    attr = BY_CODE.get(cond.get("attribute", ""))
    if attr is None:
        return str(cond)
    op = cond.get("op", "")
    if op == "true":
        return f"{attr.label}为“是”"
    value = cond.get("value")
    shown = "、".join(attr.value_label(v) for v in value) if isinstance(value, list) else attr.value_label(value)
    return f"{attr.label} {OPS.get(op, op)} {shown}"


def trigger(cond: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """What a matched condition cites: the attribute, its value in words and the condition."""
    attr = BY_CODE[cond["attribute"]]
    value = values.get(attr.code)
    return {"attribute": attr.code, "label": attr.label, "value": value, "value_label": attr.value_label(value),
            "condition": describe(cond)}


@dataclass
class Recommendation:
    """A measure the rules recommend, with the rule and the attributes that triggered it."""

    category: str
    text: str
    rule_code: str
    triggered_by: list[dict[str, Any]] = field(default_factory=list)
    hours_per_month: int | None = None
    order: int = 100


def evaluate(rules: Sequence[PlanRule], values: Mapping[str, Any]) -> list[Recommendation]:
    """The recommendations of the active rules whose conditions all hold, in rule order."""
    out = []
    for rule in rules:
        if not rule.active:
            continue
        conditions = list(rule.conditions or [])
        if all(holds(c, values) for c in conditions):
            cited = [trigger(c, values) for c in conditions] or [
                {"attribute": "", "label": "通用规则", "value": None, "value_label": "适用于所有社区矫正对象",
                 "condition": "无条件"}]
            out.append(Recommendation(category=rule.category, text=rule.recommendation, rule_code=rule.code,
                                      triggered_by=cited, hours_per_month=rule.hours_per_month, order=rule.order))
    return out


def generate_plan(detail: CorrectionCase) -> list[Recommendation]:
    """CC-09: the recommendations of the active rule table for this case's attributes (nothing written)."""
    from sifa.modules.correction.models import PlanRule

    return evaluate(list(PlanRule.objects.filter(active=True).order_by("order", "code")), subject_values(detail))


def clean_findings(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The 个人情况 form/API input checked: only editable attributes; empty removes the finding."""
    out: dict[str, Any] = {}
    for code, value in raw.items():
        attr = BY_CODE.get(code)
        if attr is None or not attr.editable:
            raise ValidationFailed(f"未知或不可编辑的属性：{code}", field=code)
        if value is None or (isinstance(value, str) and value.strip() == ""):
            continue
        out[code] = clean_value(attr, value, where=attr.label, field_name=code)
    return out


def default_rules_file() -> Any:
    from pathlib import Path

    return Path(__file__).resolve().parent / "data" / "plan_rules.json"


def load_default_rules() -> int:
    """Fill the rule table from ``data/plan_rules.json`` when it is empty (after migrate). Returns rows created."""
    import json

    from sifa.modules.correction.models import PlanRule

    if PlanRule.objects.exists():
        return 0
    rows = json.loads(default_rules_file().read_text(encoding="utf-8"))["rules"]
    PlanRule.objects.bulk_create([
        PlanRule(code=r["code"], category=r["category"], recommendation=r["recommendation"],
                 conditions=clean_conditions(r.get("conditions", []), rule=r["code"]),
                 hours_per_month=r.get("hours_per_month"), order=r.get("order", 100), active=True)
        for r in rows])
    return len(rows)
