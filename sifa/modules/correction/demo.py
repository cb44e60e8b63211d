"""Demo data of 社区矫正 (``sifa demo``; registered in ``registry.demo_generators`` by ``cockpit.register``).

For every 司法所 of the load: subjects drawn from the persons the office registered (the core tests pin
the demo's persons, so none are added), each with a ``correction`` case in one of the states of
RULES.md §2.6 — from 判决生效 to 解除/撤销/收监/死亡 — and what the module's services would have written
on the way: the case (numbered like ``create_case``, in time order per prefix and year, the counters
updated), its subject party, the timeline (``CaseTransition`` rows), the statutory deadlines
(CC-05 notice and documents, CC-06 report or CC-07 transfer, CC-34 term, CC-29/CC-30 rulings; computed
by the deadlines engine, stopped where the case moved on), the level with its assessment, the
矫正小组 (a woman for a woman, CC-10; a person who knows minors for a minor, CC-35), a year of
supervision tasks at the level's frequencies (done, some late or missed, open ahead), some leave
requests, electronic monitoring periods (≤ 三个月, CC-19), field reports from the office's 网格员,
commendations and sanctions, and an open "期限已超期" alert for each overdue running deadline.

The first cases of the first offices follow a script that covers every state and every sentence type,
so even the smallest load has them all; a few subjects are minors (under 18 at the start, CC-35).
Sizes per office: ``demo`` 6–10, ``county`` ≈ 27, ``city`` ≈ 47, ``province`` ≈ 36 (about one subject
per 1,300 inhabitants: ≈ 50,000 in 浙江省). Deterministic: one ``random.Random`` from the seed; dates
are relative to the day of loading (a year of history up to today). Big tables are written with COPY on
PostgreSQL (executemany elsewhere), no ORM object per row.
"""

from __future__ import annotations

import base64
import datetime
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from sifa.core.accounts.models import Membership
from sifa.core.alerts.choices import AlertLevel, AlertState
from sifa.core.alerts.models import Alert
from sifa.core.cases.models import (
    Case,
    CaseDeadline,
    CaseNumberCounter,
    CaseParty,
    CaseTransition,
    DeadlineStatus,
)
from sifa.core.cases.numbering import format_number, number_prefix
from sifa.core.orgs.models import Org
from sifa.core.persons.models import Person
from sifa.modules.correction import config
from sifa.modules.correction.choices import (
    LeaveKind,
    MonitoringGround,
    MonitoringStatus,
    ReportStatus,
    RequestStatus,
    SanctionKind,
    SanctionStatus,
    TaskKind,
    TaskStatus,
    TeamRole,
)
from sifa.modules.correction.models import (
    CorrectionCase,
    CorrectionSubject,
    ElectronicMonitoring,
    FieldReport,
    LeaveRequest,
    LevelAssessment,
    Sanction,
    SupervisionTask,
    TeamMember,
)
from sifa.modules.correction.workflow import CORRECTION, CORRECTION_CASE, CORRECTION_WORKFLOW

BY = "演示数据"
PER_OFFICE: dict[str, tuple[int, int]] = {"demo": (6, 10), "county": (22, 32), "city": (38, 56), "province": (28, 44)}
TASK_AHEAD_DAYS = 14

# (state, sentence type): the first cases, spread over the first offices, so that every state and type exists
SCRIPT: list[tuple[str, str]] = [
    ("decided", "probation"), ("notified", "parole"), ("awaiting_report", "control"),
    ("in_transfer", "temporary_execution"), ("received", "probation"), ("under_correction", "temporary_execution"),
    ("lost_contact", "probation"), ("revocation_proposed", "parole"), ("recommitment_proposed", "temporary_execution"),
    ("revoked", "probation"), ("recommitted", "temporary_execution"), ("deceased", "parole"),
    ("discharged", "control"), ("under_correction", "control"), ("under_correction", "parole"),
]
STATE_WEIGHTS: list[tuple[str, float]] = [
    ("under_correction", 70), ("received", 1.5), ("discharged", 13), ("lost_contact", 1.2), ("decided", 0.8),
    ("notified", 0.8), ("awaiting_report", 1.5), ("in_transfer", 0.4), ("revocation_proposed", 0.7),
    ("recommitment_proposed", 0.3), ("revoked", 1.6), ("recommitted", 0.3), ("deceased", 0.5),
]
SENTENCE_WEIGHTS: list[tuple[str, float]] = [("probation", 80), ("parole", 7), ("control", 2),
                                             ("temporary_execution", 11)]
TERM_MONTHS: dict[str, list[int]] = {
    "control": [6, 9, 12, 18, 24], "probation": [12, 12, 18, 24, 24, 36, 36, 48, 60],
    "parole": [6, 8, 12, 18, 24, 30], "temporary_execution": [6, 12, 12, 18, 24],
}
CRIMES = [("危险驾驶罪", "拘役三个月"), ("盗窃罪", "有期徒刑一年"), ("诈骗罪", "有期徒刑二年"), ("故意伤害罪", "有期徒刑一年六个月"),
          ("交通肇事罪", "有期徒刑一年"), ("帮助信息网络犯罪活动罪", "有期徒刑一年"), ("寻衅滋事罪", "有期徒刑一年"),
          ("开设赌场罪", "有期徒刑二年"), ("非法吸收公众存款罪", "有期徒刑三年"), ("掩饰、隐瞒犯罪所得罪", "有期徒刑一年")]
ENDED_REASON = {"discharged": "矫正期满", "revoked": "撤销缓刑、假释", "recommitted": "收监执行", "deceased": "死亡"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉鹏飞宇浩晨欣怡雪梅琳海波斌志新"
DESTINATIONS = ["杭州市西湖区", "宁波市鄞州区", "上海市浦东新区", "绍兴市柯桥区", "金华市义乌市", "江苏省苏州市", "安徽省黄山市"]
LEAVE_REASONS = ["探望住院亲属", "务工", "参加子女婚礼", "就医复查", "处理房产事宜"]
FIELD_NOTES = ["入户走访，本人在家，情绪稳定，正常务工", "本人近期在村里务工，表现良好", "家属反映其近期情绪低落，建议加强谈话",
               "夜间多次外出饮酒，需关注", "参加村公益劳动，态度积极", "反映经济困难，希望介绍工作"]


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _term_text(months: int) -> str:
    years, rest = divmod(months, 12)
    return (f"{years}年" if years else "") + (f"{rest}个月" if rest else "")


class _Rows:
    """Rows of one table written in bulk: COPY on PostgreSQL, executemany elsewhere; ids from the database."""

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        self.model = model
        meta = model._meta
        given: list[Any] = [meta.get_field(f) for f in fields]
        # every other column gets its field's default (so a column added to the model later is filled)
        others: list[Any] = [f for f in meta.concrete_fields if not f.primary_key and f not in given]
        self.columns = [f.column for f in given + others]
        self.kinds = [f.get_internal_type() for f in given + others]
        self.defaults = tuple(timezone.now() if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                              else f.get_default() for f in others)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, *values: Any) -> None:
        self.rows.append(values + self.defaults)

    def _adapt(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        ops = connection.ops
        out: list[Any] = []
        for kind, v in zip(self.kinds, row, strict=True):
            if v is None:
                out.append(None)
            elif kind == "JSONField":
                out.append(json.dumps(v, ensure_ascii=False))
            elif connection.vendor == "postgresql":
                out.append(v)
            elif kind == "DateTimeField":
                out.append(ops.adapt_datetimefield_value(v))
            elif kind == "DateField":
                out.append(ops.adapt_datefield_value(v))
            elif kind == "DecimalField":
                out.append(str(v))
            else:
                out.append(v)
        return tuple(out)

    def flush(self) -> None:
        if not self.rows:
            return
        qn = connection.ops.quote_name
        table, columns = qn(str(self.model._meta.db_table)), ", ".join(qn(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(self._adapt(row))
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model's meta)
                for i in range(0, len(self.rows), 5000):
                    cursor.executemany(sql, [self._adapt(r) for r in self.rows[i:i + 5000]])
        self.written += len(self.rows)
        self.rows = []


def _without_ri_checks(enable: bool) -> None:
    """PostgreSQL superuser only: skip the deferred foreign-key checks of the COPYed rows (they point at ids
    written or read just now), as the work-log demo does; elsewhere the checks run as usual."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute(f"SET LOCAL session_replication_role = {'replica' if enable else 'origin'}")


class _Deadlines:
    """The deadlines engine (``deadline_bridge.compute`` without its per-call calendar query), memoised."""

    def __init__(self) -> None:
        from sifa.core.deadlines.selectors import working_calendar

        self.calendar = working_calendar()
        self.memo: dict[tuple[Any, ...], Any] = {}

    def compute(self, rule_id: str, start: datetime.date, *, variant: str | None = None, period: str | None = None,
                custody_days: int = 0) -> tuple[datetime.date, str, str, str, list[str]] | None:
        key = (rule_id, start, variant, period, custody_days)
        if key not in self.memo:
            from sifa.core.deadlines.periods import parse_period
            from sifa.core.deadlines.rules import compute_rule, get_rule

            try:
                rule = get_rule(rule_id)
                stated = parse_period(period, field="period") if period else None
                result = compute_rule(rule_id, start, self.calendar, variant=variant, period=stated,
                                      custody_days=custody_days)
            except Exception:  # noqa: BLE001 (a year without a holiday calendar: the deadline is left out)
                self.memo[key] = None
            else:
                due = result.due.date() if isinstance(result.due, datetime.datetime) else result.due
                steps = [s.text + (f"（{s.basis}）" if s.basis else "") for s in result.steps]
                self.memo[key] = (due, rule.title, rule.article, f"[{rule.status}]" if rule.flagged else "", steps)
        return self.memo[key]


@dataclass
class Plan:
    """One subject's story, decided before anything is written."""

    office: Org
    person: tuple[int, datetime.date | None, str, str]  # pk, birth date, gender, name
    state: str
    sentence: str
    minor: bool
    effective: datetime.date
    months: int = 0
    term_start: datetime.date | None = None
    term_end: datetime.date | None = None
    received_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    custody_days: int = 0
    steps: list[tuple[str, datetime.date, dict[str, Any]]] = field(default_factory=list)
    lost_since: datetime.date | None = None
    in_custody: bool = False
    proposal_on: datetime.date | None = None
    level: str = ""
    case_id: int = 0


def _weighted(rng: random.Random, table: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in table], [w for _, w in table])[0]


def _fit(state: str, sentence: str) -> str:
    """The sentence type a state allows (in_transfer, 收监 only for 暂予监外执行; 撤销 only for 缓刑/假释)."""
    if state in ("in_transfer", "recommitment_proposed", "recommitted"):
        return "temporary_execution"
    if state in ("revocation_proposed", "revoked") and sentence not in ("probation", "parole"):
        return "probation"
    if state == "awaiting_report" and sentence == "temporary_execution":
        return "probation"
    return sentence


def _plan(rng: random.Random, office: Org, person: tuple[int, datetime.date | None, str, str], state: str,
          sentence: str, today: datetime.date, minor: bool) -> Plan:
    """Dates and steps of one case in ``state`` (RULES.md §2.6), all on or before today."""
    d = datetime.timedelta
    p = Plan(office, person, state, sentence, minor, today)
    if state in ("decided", "notified", "awaiting_report", "in_transfer"):
        p.effective = today - d(days={"decided": rng.randint(1, 3), "notified": rng.randint(3, 6),
                                      "awaiting_report": rng.randint(5, 13), "in_transfer": rng.randint(4, 12)}[state])
        p.months = rng.choice(TERM_MONTHS[sentence])
        if state != "decided":
            p.steps.append(("notify", p.effective + d(days=rng.randint(1, 2)), {}))
            p.steps.append(("expect_transfer" if sentence == "temporary_execution" else "expect_report",
                            p.steps[-1][1], {}))
        return p
    p.months = rng.choice(TERM_MONTHS[sentence])
    if minor and person[1] is not None and state in ("under_correction", "discharged"):
        # under 18 when correction began (CC-35): a 5-year probation from the 17th year; ended if it has run out
        p.months = 60
        start = _add_months(person[1], 17 * 12) + d(days=rng.randint(0, 200))
        p.term_start = min(start, today - d(days=40))
        p.term_end = _add_months(p.term_start, p.months) - d(days=1)
        p.state = state = "discharged" if p.term_end < today else "under_correction"
    elif state == "discharged":
        p.term_end = today - d(days=rng.randint(2, 366))
        p.term_start = _add_months(p.term_end + d(days=1), -p.months)
    elif state in ("revoked", "recommitted", "deceased"):
        p.ended_on = today - d(days=rng.randint(1, 360))
        total = (_add_months(p.ended_on, p.months) - p.ended_on).days
        p.term_start = p.ended_on - d(days=rng.randint(45, max(46, total - 5)))
    elif state == "received":
        p.term_start = today - d(days=rng.randint(2, 12))
    else:
        total = (_add_months(today, p.months) - today).days
        p.term_start = today - d(days=rng.randint(12, max(13, total - 3)))
    if p.term_end is None:
        if sentence == "control" and rng.random() < 0.3:  # CC-34: custody before judgment counts 1:2
            p.custody_days = rng.choice([15, 30, 45])
        p.term_end = _add_months(p.term_start, p.months) - d(days=1 + 2 * p.custody_days)
        if p.term_end <= today and p.ended_on is None:
            p.custody_days = 0
            p.term_end = _add_months(p.term_start, p.months) - d(days=1)
    # 缓刑：判决确定之日；假释：假释之日；管制：判决执行之日 (CC-34) — the judgment's effect is the start
    p.effective = p.term_start
    late = rng.random() < 0.04
    p.received_on = min(p.effective + d(days=rng.randint(11, 15) if late else rng.randint(1, 9)), today)
    notified = min(p.effective + d(days=rng.randint(1, 3)), p.received_on)
    p.steps += [("notify", notified, {"documents_received_on": notified.isoformat()}),
                ("expect_transfer" if sentence == "temporary_execution" else "expect_report", notified, {}),
                ("receive", p.received_on, {"received_on": p.received_on.isoformat()})]
    if state == "received":
        return p
    announced = min(p.received_on + d(days=rng.randint(0, 1)), today)
    p.steps.append(("announce", announced, {"announced_on": announced.isoformat()}))
    if state == "lost_contact":
        p.lost_since = max(announced, today - d(days=rng.randint(2, 40)))
        p.steps.append(("lose_contact", p.lost_since, {"since": p.lost_since.isoformat()}))
    elif state in ("revocation_proposed", "recommitment_proposed"):
        p.proposal_on = max(announced, today - d(days=rng.randint(3, 25)))
        p.in_custody = rng.random() < 0.3
        p.steps.append(_proposal(state, p.proposal_on, p.in_custody))
    elif state in ("revoked", "recommitted", "deceased"):
        assert p.ended_on is not None and p.term_end is not None
        p.ended_on = min(max(announced + d(days=20), p.ended_on), today, p.term_end)
        if state == "deceased":
            p.steps.append(("record_death", p.ended_on, {"died_on": p.ended_on.isoformat()}))
        else:
            p.proposal_on = max(announced, p.ended_on - d(days=rng.randint(8, 28)))
            proposal = "revocation_proposed" if state == "revoked" else "recommitment_proposed"
            p.steps.append(_proposal(proposal, p.proposal_on, False))
            if state == "revoked":
                p.steps.append(("revoke", p.ended_on, {"ruling_date": p.ended_on.isoformat(),
                                                        "ruling_number": f"（{p.ended_on.year}）浙刑更{rng.randint(100, 999)}号"}))
            else:
                p.steps.append(("recommit", p.ended_on, {"decision_date": p.ended_on.isoformat(),
                                                          "decision_number": f"（{p.ended_on.year}）收监{rng.randint(10, 99)}号"}))
    elif state == "discharged":
        p.ended_on = min(p.term_end + d(days=1), today)
        p.steps.append(("discharge", p.ended_on, {"discharged_on": p.ended_on.isoformat(), "reason": "矫正期满"}))
    return p


def _proposal(state: str, on: datetime.date, in_custody: bool) -> tuple[str, datetime.date, dict[str, Any]]:
    if state == "revocation_proposed":
        return ("propose_revocation", on, {"grounds": "违反监督管理规定，受到两次警告仍不改正", "court": "原审人民法院",
                                           "court_received_on": on.isoformat(), "in_custody": in_custody})
    return ("propose_recommitment", on, {"grounds": "违反监督管理规定，受到两次警告仍不改正", "decision_org": "原决定机关",
                                         "received_on": on.isoformat(), "in_custody": in_custody})


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def generate_correction(*, actor: Any, structure: dict[str, Any], scale: Any, seed: int) -> dict[str, int]:
    """Write the demo subjects and their correction cases for every office of ``structure``; returns row counts."""
    offices: list[Org] = sorted(structure.get("offices", []), key=lambda o: o.path)
    if not offices:
        return {}
    rng = random.Random(seed * 1_000_033 + 71)  # noqa: S311 (demo data, not security)
    today = timezone.localdate()
    plans, staff = plan_all(offices, scale.name, rng, today)
    return _write(plans, rng, today, staff)


def plan_all(offices: list[Org], scale_name: str, rng: random.Random, today: datetime.date
             ) -> tuple[list[Plan], dict[tuple[int, str], list[tuple[int, str]]]]:
    """Every subject's story (nothing written): the same offices, persons, seed and day give the same plans."""
    low, high = PER_OFFICE.get(scale_name, PER_OFFICE["demo"])
    office_ids = {o.pk for o in offices}
    pools: dict[int, list[tuple[int, datetime.date | None, str, str]]] = defaultdict(list)
    for pk, org_id, birth, gender, name in (Person.objects.filter(org_id__in=office_ids).order_by("pk")
                                            .values_list("pk", "org_id", "birth_date", "gender", "name")):
        pools[org_id].append((pk, birth, gender, name))
    staff: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    for org_id, role, user_id, display, username in (
            Membership.objects.filter(org_id__in=office_ids, role__code__in=("office_staff", "grid_worker"))
            .order_by("org_id", "id").values_list("org_id", "role__code", "user_id", "user__display_name",
                                                  "user__username")):
        staff[(org_id, role)].append((user_id, (display or username)[:64]))
    # the youngest persons of the load (1 in 1,500, at least 3) are the minors: under 18 when correction began (CC-35)
    dated = sorted((p for pool in pools.values() for p in pool if p[1] is not None), key=lambda p: (p[1], p[0]))
    minors = {p[0] for p in dated[-max(3, len(dated) // 1500):]} if dated else set()

    plans: list[Plan] = []
    script = list(SCRIPT)
    for index, office in enumerate(offices):
        pool = pools.get(office.pk, [])
        if not pool:
            continue
        wanted = rng.randint(low, high)
        chosen = rng.sample(pool, min(wanted, len(pool)))
        chosen += [p for p in pool if p[0] in minors and p not in chosen][:1]
        scripted = [script[j] for j in range(len(script)) if j % len(offices) == index]
        for n, person in enumerate(chosen):
            if n < len(scripted):
                state, sentence = scripted[n]
            else:
                state, sentence = _weighted(rng, STATE_WEIGHTS), _weighted(rng, SENTENCE_WEIGHTS)
                sentence = _fit(state, sentence)
            minor = person[0] in minors
            if minor and n >= len(scripted):
                state, sentence = "under_correction", "probation"
            plans.append(_plan(rng, office, person, state, sentence, today, minor))
    return plans, staff


def _write(plans: list[Plan], rng: random.Random, today: datetime.date,
           staff: dict[tuple[int, str], list[tuple[int, str]]]) -> dict[str, int]:
    tz = timezone.get_current_timezone()
    now = timezone.now()

    def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
        return min(datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60)), tzinfo=tz), now)

    # 1. subjects
    subjects = CorrectionSubject.objects.bulk_create([
        CorrectionSubject(person_id=p.person[0], org=p.office, is_minor=p.minor, created_at=at(p.effective),
                          attributes={"employment": rng.choice(["employed", "employed", "unemployed", "farmer"]),
                                      "marital": rng.choice(["married", "married", "single", "divorced"])})
        for p in plans], batch_size=2000)
    # 2. cases, numbered per prefix and year in the order they were opened (like create_case)
    levels = [lv.code for lv in config.levels()]
    weights = [0.2, 0.55, 0.25][:len(levels)] + [0.1] * max(0, len(levels) - 3)
    opened: list[tuple[str, datetime.datetime, int]] = []
    for i, p in enumerate(plans):
        opened.append((number_prefix(p.office), at(p.effective + datetime.timedelta(days=1), 9), i))
        if p.received_on:
            p.level = rng.choices(levels, weights)[0]
    opened.sort()
    counters: dict[tuple[str, int], int] = {}
    for row in CaseNumberCounter.objects.filter(case_type=CORRECTION).values("prefix", "year", "last"):
        counters[(row["prefix"], row["year"])] = row["last"]
    cases: list[Case] = [Case()] * len(plans)
    for prefix, opened_at, i in opened:
        p = plans[i]
        year = timezone.localtime(opened_at).year
        sequence = counters.get((prefix, year), 0) + 1
        counters[(prefix, year)] = sequence
        terminal = CORRECTION_WORKFLOW.state(p.state).terminal
        cases[i] = Case(case_type=CORRECTION, year=year, sequence=sequence,
                        number=format_number(year=year, prefix=prefix, word=CORRECTION_CASE.number_word,
                                             sequence=sequence),
                        case_code=base64.urlsafe_b64encode(rng.getrandbits(128).to_bytes(16, "big")).decode()[:22],
                        org=p.office, state=p.state, title=f"{p.person[3]} 社区矫正", opened_at=opened_at,
                        opened_by=BY, closed_at=at(p.ended_on, 16) if terminal and p.ended_on else None)
    cases = Case.objects.bulk_create(cases, batch_size=2000)
    for (prefix, year), last in counters.items():
        CaseNumberCounter.objects.update_or_create(case_type=CORRECTION, prefix=prefix, year=year,
                                                   defaults={"last": last})
    details: list[CorrectionCase] = []
    for p, case, subject in zip(plans, cases, subjects, strict=True):
        p.case_id = case.pk
        crime, sentence_text = rng.choice(CRIMES)
        officers = staff.get((p.office.pk, "office_staff"), [])
        detail = CorrectionCase(
            case=case, subject=subject, org_path=p.office.path, sentence_type=p.sentence,
            decision_org_name="杭州市富阳区人民法院" if p.sentence != "temporary_execution" else "浙江省乔司监狱",
            decision_org_type="court" if p.sentence != "temporary_execution" else "prison_admin",
            judgment_number=f"（{p.effective.year}）浙0111刑初{rng.randint(100, 2999)}号", crimes=crime,
            original_sentence=sentence_text if p.sentence != "control" else f"管制{_term_text(p.months)}",
            term=_term_text(p.months), custody_days=p.custody_days, effective_date=p.effective,
            medical_parole=p.sentence == "temporary_execution" and rng.random() < 0.5,
            term_start=p.term_start if p.received_on else None, term_end=p.term_end if p.received_on else None,
            execution_address=f"{p.office.name.removesuffix('司法所')}{rng.randint(1, 300)}号",
            received_on=p.received_on, level=p.level,
            officer_id=officers[0][0] if officers and p.received_on else None,
            lost_contact=p.state == "lost_contact", lost_contact_since=p.lost_since,
            in_custody=p.in_custody, ended_on=p.ended_on, ended_reason=ENDED_REASON.get(p.state, ""))
        details.append(detail)
    CorrectionCase.objects.bulk_create(details, batch_size=2000)
    CaseParty.objects.bulk_create([CaseParty(case_id=p.case_id, role="subject", person_id=p.person[0],
                                             name=p.person[3]) for p in plans], batch_size=2000)

    _without_ri_checks(True)
    counts = _write_children(plans, rng, today, staff, at)
    _without_ri_checks(False)
    counts.update({"correction_subjects": len(subjects), "correction_cases": len(details)})
    return counts


def _write_children(plans: list[Plan], rng: random.Random, today: datetime.date,
                    staff: dict[tuple[int, str], list[tuple[int, str]]], at: Any) -> dict[str, int]:
    d = datetime.timedelta
    engine = _Deadlines()
    transitions = _Rows(CaseTransition, ["case", "name", "label", "from_state", "to_state", "actor_name", "data",
                                         "created_at"])
    deadlines = _Rows(CaseDeadline, ["case", "key", "rule_id", "variant", "period", "custody_days", "label", "article",
                                     "flagged", "start_date", "due_date", "status", "stopped_at", "explanation",
                                     "adjustments"])
    team = _Rows(TeamMember, ["correction_case", "name", "role", "gender", "phone", "user", "active", "added_at"])
    assessments = _Rows(LevelAssessment, ["correction_case", "kind", "computed_level", "level", "reasons",
                                          "override_reason", "assessed_on", "assessed_by"])
    tasks = _Rows(SupervisionTask, ["correction_case", "org_path", "kind", "due_date", "status", "hours", "done_on",
                                    "done_by", "note"])
    leaves = _Rows(LeaveRequest, ["correction_case", "kind", "destination", "reason", "start_date", "end_date", "days",
                                  "approval_level", "status", "decided_by", "decided_at", "decision_note",
                                  "returned_on", "created_at"])
    monitoring = _Rows(ElectronicMonitoring, ["correction_case", "ground", "facts", "start_date", "end_date",
                                              "status", "approved_by", "approved_at", "removed_on", "removal_reason"])
    reports = _Rows(FieldReport, ["correction_case", "reporter", "reporter_name", "note", "captured_at",
                                  "received_at", "categories", "classification", "status"])
    sanctions = _Rows(Sanction, ["correction_case", "kind", "ground", "facts", "status", "proposed_by", "proposed_at",
                                 "decided_by", "decided_on"])
    alerts = _Rows(Alert, ["rule_code", "level", "org", "escalations", "object_type", "object_id", "case", "title",
                           "detail", "legal_basis", "dedup_key", "state", "step_due_at", "opened_at"])
    leave_cfg = config.section("leave")
    health_days = int(config.section("health")["report_days"])
    level_of = {lv.code: lv for lv in config.levels()}
    overdue_deadlines: list[tuple[Plan, str, datetime.date, str, str]] = []
    em_active: list[int] = []
    big = [transitions, deadlines, team, assessments, tasks]

    for p in plans:
        case_id = p.case_id
        state = "decided"
        stop_at: dict[str, datetime.date] = {}
        for name, day, data in p.steps:
            step = CORRECTION_WORKFLOW.transition(name)
            assert step is not None
            transitions.add(case_id, name, step.label, state, step.target, BY, data, at(day, 11))
            for key in step.stops:
                stop_at.setdefault(key, day)
            state = step.target
        officers = staff.get((p.office.pk, "office_staff"), [])
        officer_name = officers[0][1] if officers else BY

        # deadlines (rule ids of the workflow: CC-05, CC-05.documents, CC-06 / CC-07, CC-34, CC-29, CC-30)
        wanted: list[tuple[str, str, datetime.date, str | None, str | None, int]] = [
            ("notice", "CC-05", p.effective, None, None, 0), ("documents", "CC-05.documents", p.effective, None, None, 0),
            ("transfer", "CC-07", p.effective, None, None, 0) if p.sentence == "temporary_execution"
            else ("report", "CC-06", p.effective, None, None, 0)]
        if p.received_on and p.sentence != "temporary_execution" and p.term_start:
            wanted.append(("term", f"CC-34.{p.sentence}", p.term_start, None, _term_text(p.months), p.custody_days))
        if p.proposal_on:
            variant = "在押" if p.in_custody else None
            wanted.append(("ruling", "CC-29", p.proposal_on, variant, None, 0) if p.sentence != "temporary_execution"
                          else ("recommit_decision", "CC-30", p.proposal_on, variant, None, 0))
        for key, rule, start, variant, period, custody in wanted:
            computed = engine.compute(rule, start, variant=variant, period=period, custody_days=custody)
            if computed is None:
                continue
            due, label, article, flag, steps = computed
            stopped = stop_at.get(key)
            if key in ("notice", "documents") and "notify" in (s[0] for s in p.steps):
                stopped = next(s[1] for s in p.steps if s[0] == "notify")
            deadlines.add(case_id, key, rule, variant or "", period or "", custody, label, article, flag, start, due,
                          DeadlineStatus.STOPPED if stopped else DeadlineStatus.RUNNING,
                          at(stopped, 11) if stopped else None, steps, [])
            if not stopped and due < today:
                overdue_deadlines.append((p, key, due, label, article))

        if not p.received_on:
            continue
        # level, team
        assessments.add(case_id, "initial", p.level, p.level, ["演示数据：依据犯罪类型、悔罪表现和个人情况初次评定"], "",
                        p.received_on, officer_name)
        added = at(p.received_on, 15)
        if officers:
            team.add(case_id, officers[0][1], TeamRole.OFFICER, "M", "", officers[0][0], True, added)
        grids = staff.get((p.office.pk, "grid_worker"), [])
        if grids:
            team.add(case_id, grids[0][1], TeamRole.GRID_WORKER, "M", "", grids[0][0], True, added)
        female = p.person[2] == "F"
        team.add(case_id, _name(rng), TeamRole.FAMILY, "F" if female or rng.random() < 0.5 else "M",
                 f"1{rng.choice('3589')}{rng.randrange(10**9):09d}", None, True, added)
        if female:  # CC-10: a woman in a woman's team
            team.add(case_id, _name(rng), TeamRole.VILLAGE_CADRE, "F", "", None, True, added)
        if p.minor:  # CC-10, CC-35: people who know minors
            team.add(case_id, _name(rng), TeamRole.MINOR_EXPERT, "F", "", None, True, added)

        # a year of supervision tasks at the level's frequencies
        level = level_of.get(p.level) or next(iter(level_of.values()))
        first = max(p.received_on + d(days=1), today - d(days=365))
        last = min(p.ended_on - d(days=1) if p.ended_on else today + d(days=TASK_AHEAD_DAYS),
                   p.term_end or today + d(days=TASK_AHEAD_DAYS))
        schedule: list[tuple[str, int, Decimal | None]] = [
            (TaskKind.REPORT_IN, level.report_days, None), (TaskKind.VISIT, level.visit_days, None),
            (TaskKind.EDUCATION, 30, Decimal(level.education_hours)),
            (TaskKind.PUBLIC_SERVICE, 30, Decimal(level.public_service_hours))]
        if p.sentence == "temporary_execution":
            schedule.append((TaskKind.HEALTH_REPORT, health_days, None))
        for kind, every, hours in schedule:
            due = first + d(days=rng.randint(0, every - 1))
            while due <= last:
                status, done_on = TaskStatus.OPEN, None
                if due < today:
                    roll = rng.random()
                    if p.lost_since and due >= p.lost_since:
                        status = TaskStatus.MISSED
                    elif roll < 0.9:
                        status, done_on = TaskStatus.DONE, max(first, due - d(days=rng.randint(0, 2)))
                    elif roll < 0.94 and due + d(days=3) < today:
                        status, done_on = TaskStatus.DONE, due + d(days=rng.randint(1, 3))
                    elif roll < 0.99 or due < today - d(days=10):
                        status = TaskStatus.MISSED
                tasks.add(case_id, p.office.path, kind, due, status, hours if done_on else None, done_on,
                          (officer_name if kind == TaskKind.VISIT else "本人报告") if done_on else "", "")
                due += d(days=every)
        if len(tasks.rows) > 50_000:
            for rows in big:
                rows.flush()

        active_until = p.ended_on or today
        span = (active_until - first).days
        # leave requests (CC-12; caps from config [NV])
        if span > 20 and rng.random() < 0.09:
            start = first + d(days=rng.randint(0, span - 10))
            days = rng.randint(2, 12)
            end = start + d(days=days - 1)
            approval = "office" if days <= int(leave_cfg["office_max_days"]) else "county"
            leave_status: str = (RequestStatus.PENDING if start > today else RequestStatus.APPROVED if end >= today
                                 else rng.choice([RequestStatus.RETURNED] * 6 + [RequestStatus.REJECTED]))
            decided = leave_status != RequestStatus.PENDING
            leaves.add(case_id, LeaveKind.LEAVE, rng.choice(DESTINATIONS), rng.choice(LEAVE_REASONS), start, end, days,
                       approval, leave_status, officer_name if decided else "",
                       at(start - d(days=2), 15) if decided else None,
                       "同意" if leave_status != RequestStatus.REJECTED else "理由不充分，不予批准",
                       end + d(days=1) if leave_status == RequestStatus.RETURNED else None, at(start - d(days=3), 9))
        # electronic monitoring (CC-19: ≤ 三个月, approved by the 县级司法行政部门负责人)
        monitored = p.state in ("under_correction", "lost_contact", "revocation_proposed") and rng.random() < 0.04
        if monitored or (span > 120 and rng.random() < 0.02):
            start = (today - d(days=rng.randint(3, 80))) if monitored else first + d(days=rng.randint(0, span - 100))
            end = _add_months(start, 3)
            ground: str = rng.choice([MonitoringGround.REFUSED_REPORT_WARNED, MonitoringGround.LEFT_AREA,
                                 MonitoringGround.PROHIBITION_ORDER])
            monitoring.add(case_id, ground, "经核实，存在法定情形，经县级司法行政部门负责人批准使用电子定位装置", start, end,
                           MonitoringStatus.ACTIVE if monitored else MonitoringStatus.ENDED, "县司法局负责人（演示）",
                           at(start - d(days=1), 16), None if monitored else end,
                           "" if monitored else "期满解除")
            if monitored:
                em_active.append(case_id)
        # field reports from the office's 网格员
        if grids and span > 10 and rng.random() < 0.12:
            for _ in range(rng.randint(1, 2)):
                day = active_until - d(days=rng.randint(0, min(span, 90)))
                captured = at(day, 14)
                reports.add(case_id, grids[0][0], grids[0][1], rng.choice(FIELD_NOTES), captured, captured, [], [],
                            rng.choice([ReportStatus.RECEIVED, ReportStatus.REVIEWED]))
        # commendations and sanctions (CC-15 … CC-17)
        if span > 30 and (rng.random() < 0.07 or p.state in ("lost_contact", "revocation_proposed", "revoked")):
            kind, basis = (rng.choice([(SanctionKind.COMMENDATION, "CC-15"), (SanctionKind.ADMONITION, "CC-16.1"),
                                        (SanctionKind.WARNING, "CC-17.1")])
                            if p.state == "under_correction" else (SanctionKind.WARNING, "CC-17.5"))
            day = first + d(days=rng.randint(0, span - 1))
            decided = day < today - d(days=5)
            sanctions.add(case_id, kind, basis, "经司法所核实" + ("，表现突出" if kind == SanctionKind.COMMENDATION
                                                                else "，违反监督管理规定"),
                          SanctionStatus.DECIDED if decided else SanctionStatus.PROPOSED, officer_name, at(day, 10),
                          "县级社区矫正机构（演示）" if decided else "", day + d(days=3) if decided else None)

    # open "期限已超期" alerts for overdue running deadlines (what the deadline.overdue rule would open)
    for rows in (*big, leaves, monitoring, reports, sanctions):
        rows.flush()
    if overdue_deadlines:
        wanted_ids = {p.case_id for p, *_ in overdue_deadlines}
        ids = {(cid, key): pk for pk, cid, key in CaseDeadline.objects.filter(case_id__in=wanted_ids)
               .values_list("pk", "case_id", "key")}
        numbers = dict(Case.objects.filter(pk__in=wanted_ids).values_list("pk", "number"))
        for p, key, due, label, article in overdue_deadlines:
            pk = ids.get((p.case_id, key))
            if pk is None:
                continue
            alerts.add("deadline.overdue", AlertLevel.RED, p.office.pk, 0, "cases.casedeadline", str(pk), p.case_id,
                       f"{numbers[p.case_id]}「{label}」已超期 {(today - due).days} 天", article, article,
                       f"deadline.overdue:cases.casedeadline:{pk}", AlertState.PENDING_SIGN,
                       timezone.now() + d(hours=8), timezone.now())
        alerts.flush()
    CorrectionCase.objects.filter(pk__in=em_active).update(em_active=True)
    return {"case_transitions": transitions.written, "case_deadlines": deadlines.written,
            "correction_team_members": team.written, "correction_tasks": tasks.written,
            "correction_leave_requests": leaves.written, "correction_monitoring": monitoring.written,
            "correction_field_reports": reports.written, "correction_sanctions": sanctions.written,
            "alerts": alerts.written}
