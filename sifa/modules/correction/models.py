"""社区矫正: subjects, their supervision case, team, level, plan, tasks, requests, monitoring,
field reports, sanctions.

- ``CorrectionSubject`` (社区矫正对象): the person's correction file — a core ``Person`` plus the
  attributes the plan rules read (education, employment, family, health …) and the minor flag (CC-35).
- ``CorrectionCase`` (one-to-one with ``cases.Case``, decision 0002): one sentence under supervision —
  judgment, 执行地 (the case's org: the 司法所), term, management level, overlay flags. Its lifecycle
  (RULES.md §2.6) is the workflow in ``workflow.py``. ``org_path`` is the owning office's path, copied so
  that list and cockpit filter a subtree with one indexed range.
- ``PreSentenceAssessment`` (调查评估, CC-03): one-to-one with its own case type.
- ``TeamMember`` (矫正小组, CC-10), ``LevelAssessment`` (管理等级评定, CC-09), ``CorrectionPlan`` +
  ``PlanMeasure`` (个别化矫正方案, versioned) generated from ``PlanRule`` rows (an editable rule table),
  ``SupervisionTask`` (报告/走访/学习/公益 generated from level and plan), ``LeaveRequest`` (外出/迁居,
  CC-12), ``ResidenceTransfer`` (执行地变更, CC-13), ``ElectronicMonitoring`` (CC-19),
  ``FieldReport`` + ``KeywordRule`` + ``CorrectionSuggestion`` (富春微矫正 field reports),
  ``Sanction`` (表扬/训诫/警告/提请治安管理处罚, CC-15…CC-18).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import ScopedQuerySet
from sifa.core.persons.models import Person

if TYPE_CHECKING:
    from sifa.core.accounts.actor import Actor

from sifa.modules.correction.choices import (
    AssessmentConclusion,
    CommissionerType,
    DecisionOrgType,
    LeaveKind,
    LibertyRestrictionKind,
    MeasureCategory,
    MonitoringGround,
    MonitoringStatus,
    PlanStatus,
    ReportStatus,
    RequestStatus,
    SanctionKind,
    SanctionStatus,
    SentenceType,
    SuggestionStatus,
    TaskKind,
    TaskStatus,
    TeamRole,
    TransferStatus,
)
from sifa.modules.correction.sanction_choices import (
    ArrestStatus,
    CommutationStatus,
    ProposalKind,
    ProposalStatus,
)

MINOR_FILES_PERMISSION = "correction.minor_files"


class MinorRuleMixin:
    """CC-35 (《社区矫正法》第五十四条第二款; CASES C-85): a minor's correction file is not provided to anyone
    without a judicial need. Besides org scope, ``visible_to`` leaves minors' rows out for actors without
    ``correction.minor_files``, so every page, API and export of every part of the module inherits the rule
    (404 on a minor's row, as if missing). ``minor_field`` is the lookup of the subject's ``is_minor``."""

    minor_field: str = ""

    def visible_to(self, actor: Actor) -> Any:
        qs = super().visible_to(actor)  # type: ignore[misc]
        if actor.is_system or actor.has_perm(MINOR_FILES_PERMISSION):
            return qs
        return qs.exclude(**{self.minor_field: True})


class SubjectQuerySet(MinorRuleMixin, ScopedQuerySet["CorrectionSubject"]):
    scope_path_field = "org__path"
    minor_field = "is_minor"


class CorrectionSubject(models.Model):
    """A person's correction file. ``org`` is the office that holds the file (scope).

    ``attributes``: the subject's facts the plan rules read (codes in ``plan_rules.ATTRIBUTES``: education,
    employment, marital, family, health, addiction, prior_record, attitude …); sex and age come from the
    person. ``is_minor``: under 18 when correction began — the minor rules continue after the 18th
    birthday (CC-35), so it is fixed at reception and never recomputed.
    """

    person = models.ForeignKey(Person, models.PROTECT, related_name="correction_files", verbose_name="自然人")
    org = models.ForeignKey(Org, models.PROTECT, related_name="correction_subjects", verbose_name="管理机构")
    attributes = models.JSONField("个人情况", default=dict, blank=True)
    is_minor = models.BooleanField("未成年人", default=False, help_text="矫正开始时未满十八周岁；成年后仍适用未成年人规定（CC-35）")
    photo = models.ForeignKey("attachments.Attachment", models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name="照片")
    created_at = models.DateTimeField("建档时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = SubjectQuerySet.as_manager()

    class Meta:
        verbose_name = "社区矫正对象"
        verbose_name_plural = "社区矫正对象"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.person.name


class CorrectionCaseQuerySet(MinorRuleMixin, ScopedQuerySet["CorrectionCase"]):
    scope_path_field = "org_path"
    minor_field = "subject__is_minor"


class CorrectionCase(models.Model):
    """One sentence under community correction (the detail of a ``correction`` case)."""

    case = models.OneToOneField("cases.Case", models.CASCADE, primary_key=True, related_name="correction")
    subject = models.ForeignKey(CorrectionSubject, models.PROTECT, related_name="cases", verbose_name="社区矫正对象")
    org_path = models.CharField("执行地机构路径", max_length=255, db_index=True)
    sentence_type = models.CharField("矫正类别", max_length=24, choices=SentenceType.choices, db_index=True)
    # judgment (判决、裁定、决定)
    decision_org_type = models.CharField("决定机关类别", max_length=16, choices=DecisionOrgType.choices,
                                         default=DecisionOrgType.COURT)
    decision_org_name = models.CharField("决定机关", max_length=128)
    judgment_number = models.CharField("判决（裁定、决定）书文号", max_length=64)
    crimes = models.CharField("罪名", max_length=255)
    original_sentence = models.CharField("原判刑罚", max_length=64, help_text="如 有期徒刑一年")
    term = models.CharField("矫正期限", max_length=32, help_text="管制刑期、缓刑或假释考验期、暂予监外执行期间，如 1年、1年6个月")
    custody_days = models.PositiveIntegerField("判决前先行羁押天数", default=0, help_text="管制：羁押一日折抵刑期二日（CC-34）")
    prohibition_order = models.TextField("禁止令", blank=True)
    medical_parole = models.BooleanField("保外就医", default=False)
    effective_date = models.DateField("判决（裁定、决定）生效日")
    term_start = models.DateField("矫正期起算日", null=True, blank=True,
                                  help_text="管制：判决执行之日；缓刑：判决确定之日；假释：假释之日（CC-34）")
    term_end = models.DateField("矫正期满日", null=True, blank=True, db_index=True)
    execution_address = models.CharField("执行地（居住地）", max_length=255)
    # reception and supervision
    received_on = models.DateField("报到（接收）日期", null=True, blank=True)
    level = models.CharField("管理等级", max_length=16, blank=True, db_index=True,
                             help_text="等级由配置定义（CC-09 [NV]）")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name="责任矫正工作人员")
    # overlay flags (RULES.md §2.6)
    lost_contact = models.BooleanField("失去联系", default=False)
    lost_contact_since = models.DateField("失联起始日", null=True, blank=True)
    em_active = models.BooleanField("电子定位中", default=False)
    liberty_restricted = models.BooleanField("被依法限制人身自由", default=False)
    in_custody = models.BooleanField("被逮捕在押", default=False)
    ended_on = models.DateField("解除/终止日期", null=True, blank=True)
    ended_reason = models.CharField("解除/终止原因", max_length=64, blank=True)

    objects = CorrectionCaseQuerySet.as_manager()

    class Meta:
        verbose_name = "社区矫正案件"
        verbose_name_plural = "社区矫正案件"
        indexes = [
            models.Index(fields=["org_path", "sentence_type"], name="corr_case_path_type"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.subject}"


class AssessmentQuerySet(ScopedQuerySet["PreSentenceAssessment"]):
    scope_path_field = "case__org__path"


class PreSentenceAssessment(models.Model):
    """调查评估 commissioned by a court, procuratorate, police or prison (CC-03, 《社区矫正法》第十八条)."""

    case = models.OneToOneField("cases.Case", models.CASCADE, primary_key=True, related_name="correction_assessment")
    commissioner_type = models.CharField("委托机关类别", max_length=16, choices=CommissionerType.choices)
    commissioner_name = models.CharField("委托机关", max_length=128)
    commission_number = models.CharField("委托函文号", max_length=64, blank=True)
    received_on = models.DateField("收到委托之日")
    urgent = models.BooleanField("紧急", default=False)
    person_name = models.CharField("被评估人", max_length=64)
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="被评估人（已登记）")
    proposed_sentence_type = models.CharField("拟适用", max_length=24, choices=SentenceType.choices)
    crimes = models.CharField("涉嫌（所犯）罪名", max_length=255, blank=True)
    findings = models.TextField("调查情况", blank=True)
    conclusion = models.CharField("评估意见", max_length=16, choices=AssessmentConclusion.choices, blank=True)
    submitted_on = models.DateField("提交评估意见日期", null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "调查评估"
        verbose_name_plural = "调查评估"

    def __str__(self) -> str:
        return f"调查评估 {self.person_name}"


class CaseChildQuerySet(MinorRuleMixin, ScopedQuerySet[models.Model]):
    scope_path_field = "correction_case__org_path"
    minor_field = "correction_case__subject__is_minor"


class TeamMember(models.Model):
    """A 矫正小组 member (CC-10: a female subject's team includes a woman; a minor's, people who know minors)."""

    correction_case = models.ForeignKey(CorrectionCase, models.CASCADE, related_name="team", verbose_name="社区矫正案件")
    name = models.CharField("姓名", max_length=64)
    role = models.CharField("身份", max_length=24, choices=TeamRole.choices)
    gender = models.CharField("性别", max_length=1, choices=(("M", "男"), ("F", "女")))
    phone = models.CharField("联系电话", max_length=32, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name="平台用户")
    active = models.BooleanField("在组", default=True)
    added_at = models.DateTimeField("加入时间", default=timezone.now)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "矫正小组成员"
        verbose_name_plural = "矫正小组"
        ordering = ["correction_case", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class LevelAssessment(models.Model):
    """One 管理等级 decision: computed level with its reasons, the chosen level and any override reason."""

    correction_case = models.ForeignKey(CorrectionCase, models.CASCADE, related_name="level_assessments",
                                        verbose_name="社区矫正案件")
    kind = models.CharField("类型", max_length=16, choices=(("initial", "初次评定"), ("periodic", "定期复评"),
                                                              ("adjustment", "变更调整")))
    computed_level = models.CharField("建议等级", max_length=16)
    level = models.CharField("确定等级", max_length=16)
    reasons = models.JSONField("评定依据", default=list)
    override_reason = models.TextField("调整理由", blank=True)
    assessed_on = models.DateField("评定日期", default=timezone.localdate)
    assessed_by = models.CharField("评定人", max_length=150)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "管理等级评定"
        verbose_name_plural = "管理等级评定"
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.assessed_on} {self.level}"


class PlanRule(models.Model):
    """A row of the plan rule table (an administrator edits it as data).

    ``conditions``: all must hold — ``[{"attribute": "employment", "op": "in", "value": ["unemployed"]}]``
    (ops: eq, ne, in, gte, lte, true). Empty conditions apply to everyone. The measure cites the
    attributes that triggered it.
    """

    code = models.SlugField("编码", max_length=48, unique=True)
    category = models.CharField("类别", max_length=16, choices=MeasureCategory.choices)
    recommendation = models.CharField("建议措施", max_length=255)
    conditions = models.JSONField("触发条件", default=list, blank=True)
    hours_per_month = models.PositiveSmallIntegerField("每月小时数", null=True, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "矫正方案规则"
        verbose_name_plural = "矫正方案规则表"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.recommendation}"


class CorrectionPlan(models.Model):
    """个别化矫正方案, versioned (CC-09): a draft is generated, edited by the officer, approved; an
    adjustment creates the next version and supersedes the approved one."""

    correction_case = models.ForeignKey(CorrectionCase, models.CASCADE, related_name="plans", verbose_name="社区矫正案件")
    version = models.PositiveSmallIntegerField("版本")
    status = models.CharField("状态", max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    reason = models.TextField("制定/调整理由", blank=True)
    attributes_snapshot = models.JSONField("生成时的个人情况", default=dict)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    created_by = models.CharField("生成人", max_length=150)
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    approved_by = models.CharField("审批人", max_length=150, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "矫正方案"
        verbose_name_plural = "矫正方案"
        ordering = ["correction_case", "-version"]
        constraints = [models.UniqueConstraint(fields=["correction_case", "version"], name="corr_plan_version_unique")]

    def __str__(self) -> str:
        return f"矫正方案 第{self.version}版"


class PlanMeasure(models.Model):
    """One recommendation of a plan: its text, the rule and attributes that triggered it, officer edits."""

    plan = models.ForeignKey(CorrectionPlan, models.CASCADE, related_name="measures", verbose_name="矫正方案")
    category = models.CharField("类别", max_length=16, choices=MeasureCategory.choices)
    text = models.CharField("措施", max_length=255)
    rule_code = models.CharField("来源规则", max_length=48, blank=True, help_text="空 = 工作人员手工添加")
    triggered_by = models.JSONField("触发因素", default=list, blank=True)
    hours_per_month = models.PositiveSmallIntegerField("每月小时数", null=True, blank=True)
    edited = models.BooleanField("经人工修改", default=False)
    order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "矫正措施"
        verbose_name_plural = "矫正措施"
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.text


class SupervisionTask(models.Model):
    """A supervision task due on a day (报告、走访、教育学习、公益活动、病情报告), generated from the level
    and the plan; done on the subject page or through the office's work log; a miss opens an alert."""

    correction_case = models.ForeignKey(CorrectionCase, models.CASCADE, related_name="tasks", verbose_name="社区矫正案件")
    org_path = models.CharField("机构路径", max_length=255, db_index=True)
    kind = models.CharField("类型", max_length=24, choices=TaskKind.choices)
    due_date = models.DateField("应完成日期", db_index=True)
    status = models.CharField("状态", max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    hours = models.DecimalField("时长（小时）", max_digits=5, decimal_places=1, null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    done_by = models.CharField("完成登记人", max_length=150, blank=True)
    done_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.TextField("情况记录", blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "监管任务"
        verbose_name_plural = "监管任务"
        ordering = ["due_date", "id"]
        constraints = [models.UniqueConstraint(fields=["correction_case", "kind", "due_date"], name="corr_task_unique")]
        indexes = [
            models.Index(fields=["status", "due_date"], name="corr_task_status_due"),
            # the cockpit's task figures (perf): a day range, then the subtree's path prefix, answered from
            # the index alone (status, kind, done_on and id included) — no heap read per task at province scale
            models.Index(fields=["due_date", "org_path"], name="corr_task_due_path",
                         opclasses=["date_ops", "varchar_pattern_ops"], include=["status", "kind", "done_on", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_date}"


class LeaveRequest(models.Model):
    """外出 or 迁居 request with approval and return check-in (CC-12; caps from config [NV])."""

    correction_case = models.ForeignKey(CorrectionCase, models.CASCADE, related_name="leave_requests",
                                        verbose_name="社区矫正案件")
    kind = models.CharField("类型", max_length=16, choices=LeaveKind.choices, default=LeaveKind.LEAVE)
    destination = models.CharField("目的地", max_length=255)
    reason = models.TextField("事由")
    start_date = models.DateField("外出日期")
    end_date = models.DateField("返回日期")
    days = models.PositiveSmallIntegerField("天数")
    approval_level = models.CharField("审批层级", max_length=16, choices=(("office", "司法所"), ("county", "县级社区矫正机构")))
    status = models.CharField("状态", max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.CharField("审批人", max_length=150, blank=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)
    returned_on = models.DateField("销假日期", null=True, blank=True)
    created_at = models.DateTimeField("申请时间", default=timezone.now)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "外出（迁居）申请"
        verbose_name_plural = "外出（迁居）申请"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.destination} {self.start_date}—{self.end_date}"


class ResidenceTransfer(models.Model):
    """执行地变更 (CC-13): the file moves from one office to another, with notices."""

    correction_case = models.ForeignKey(CorrectionCase, models.CASCADE, related_name="transfers", verbose_name="社区矫正案件")
    from_org = models.ForeignKey(Org, models.PROTECT, related_name="+", verbose_name="原执行地机构")
    to_org = models.ForeignKey(Org, models.PROTECT, related_name="+", verbose_name="新执行地机构")
    new_address = models.CharField("新居住地", max_length=255)
    reason = models.TextField("变更理由")
    status = models.CharField("状态", max_length=16, choices=TransferStatus.choices, default=TransferStatus.REQUESTED)
    requested_on = models.DateField("申请日期", default=timezone.localdate)
    planned_move_on = models.DateField("拟迁居日期", null=True, blank=True)
    reply_due = models.DateField("回复期限", null=True, blank=True)
    handover_due = models.DateField("交接期限", null=True, blank=True)
    replied_by = models.CharField("回复人", max_length=150, blank=True)
    reply_note = models.TextField("回复意见", blank=True)
    completed_on = models.DateField("交接完成日期", null=True, blank=True)
    report_due = models.DateField("到新执行地报到期限", null=True, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "执行地变更"
        verbose_name_plural = "执行地变更"
        ordering = ["-requested_on", "-id"]

    def __str__(self) -> str:
        return f"执行地变更 → {self.new_address}"


class ElectronicMonitoring(models.Model):
    """One electronic monitoring period (CC-19): ≤三个月, approved by the 县级司法行政部门负责人; an
    extension is a new row pointing at the period it extends."""

    correction_case = models.ForeignKey(CorrectionCase, models.CASCADE, related_name="monitoring",
                                        verbose_name="社区矫正案件")
    ground = models.CharField("适用情形", max_length=32, choices=MonitoringGround.choices)
    facts = models.TextField("事实依据")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("期满日期")
    extends = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="extensions",
                                verbose_name="延长的期间")
    status = models.CharField("状态", max_length=16, choices=MonitoringStatus.choices, default=MonitoringStatus.PENDING)
    approved_by = models.CharField("批准人", max_length=150, blank=True)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    removed_on = models.DateField("解除日期", null=True, blank=True)
    removal_reason = models.TextField("解除理由", blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "电子定位"
        verbose_name_plural = "电子定位"
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return f"电子定位 {self.start_date}—{self.end_date}"


class LibertyRestriction(models.Model):
    """A liberty-restricting event the agency was told of (CC-22, 《社区矫正法》第三十二条: the organ that decides
    拘留、强制隔离戒毒 or a 刑事强制措施 notifies the 社区矫正机构 及时). ``notified_on`` is the day the agency
    learned of it, so a late notice shows against ``decided_on``. Active while ``ended_on`` is empty; any
    active row sets the case's overlay flag ``liberty_restricted``."""

    correction_case = models.ForeignKey(CorrectionCase, models.CASCADE, related_name="liberty_restrictions",
                                        verbose_name="社区矫正案件")
    kind = models.CharField("限制人身自由情形", max_length=32, choices=LibertyRestrictionKind.choices)
    deciding_organ = models.CharField("决定机关", max_length=128)
    decision_number = models.CharField("决定书文号", max_length=64, blank=True)
    decided_on = models.DateField("决定日期")
    start_date = models.DateField("开始执行日期")
    expected_end = models.DateField("预计结束日期", null=True, blank=True)
    notified_on = models.DateField("社区矫正机构获知日期")
    note = models.TextField("情况说明", blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    end_note = models.TextField("结束情况", blank=True)
    recorded_by = models.CharField("登记人", max_length=150)
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "被依法限制人身自由"
        verbose_name_plural = "被依法限制人身自由"
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date}"


class KeywordRule(models.Model):
    """A field-report classification rule: any keyword in the note → the category (editable as data).

    ``alert_level``: empty = no alert; otherwise the level of the alert the category opens.
    ``suggestion``: the 精准矫正建议 queued for the officer when a report falls in the category.
    """

    code = models.SlugField("编码", max_length=48, unique=True)
    category = models.CharField("类别", max_length=32)
    keywords = models.JSONField("关键词", default=list)
    alert_level = models.CharField("预警等级", max_length=8, blank=True)
    suggestion = models.CharField("矫正建议", max_length=255, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "现场报告分类规则"
        verbose_name_plural = "现场报告分类规则"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.category}：{'、'.join(self.keywords)}"


class FieldReport(models.Model):
    """A field report from a 网格员 or volunteer (富春微矫正): photo, note, browser location.

    The photo is an attachment hashed into the ledger at arrival; ``ledger_seq`` is the entry that
    attests the photo hash together with the capture time and place (capture-time attestation).
    ``classification``: per category, the rule and the keywords that matched (shown on the page).
    """

    correction_case = models.ForeignKey(CorrectionCase, models.CASCADE, related_name="field_reports",
                                        verbose_name="社区矫正案件")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="报告人")
    reporter_name = models.CharField("报告人姓名", max_length=150)
    photo = models.ForeignKey("attachments.Attachment", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="照片")
    note = models.TextField("情况说明")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField("定位精度（米）", null=True, blank=True)
    captured_at = models.DateTimeField("拍摄（采集）时间", null=True, blank=True)
    received_at = models.DateTimeField("接收时间", default=timezone.now)
    ledger_seq = models.BigIntegerField("存证序号", null=True, blank=True)
    location_nonce = models.CharField("定位承诺随机数", max_length=32, blank=True,
                                      help_text="账本只存定位的承诺值 SM3(随机数|纬度|经度|精度)，不存坐标（PI-03 行踪信息）")
    categories = models.JSONField("分类", default=list, blank=True)
    classification = models.JSONField("分类依据", default=list, blank=True)
    status = models.CharField("状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.RECEIVED)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "现场报告"
        verbose_name_plural = "现场报告"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"现场报告 {self.received_at:%Y-%m-%d %H:%M} {self.reporter_name}"


class CorrectionSuggestion(models.Model):
    """精准矫正建议 queued for the officer from a classified field report; accepted or dismissed with a reason."""

    correction_case = models.ForeignKey(CorrectionCase, models.CASCADE, related_name="suggestions",
                                        verbose_name="社区矫正案件")
    field_report = models.ForeignKey(FieldReport, models.CASCADE, related_name="suggestions", verbose_name="现场报告")
    category = models.CharField("类别", max_length=32)
    text = models.CharField("建议", max_length=255)
    status = models.CharField("状态", max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING)
    decided_by = models.CharField("处理人", max_length=150, blank=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    reason = models.TextField("理由", blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "矫正建议"
        verbose_name_plural = "矫正建议"
        ordering = ["status", "-id"]

    def __str__(self) -> str:
        return self.text


class Sanction(models.Model):
    """表扬, 训诫, 警告 or a request for 治安管理处罚 (CC-15…CC-18): proposed by the office after
    verification, decided by the county agency, with its document and evidence."""

    correction_case = models.ForeignKey(CorrectionCase, models.CASCADE, related_name="sanctions", verbose_name="社区矫正案件")
    kind = models.CharField("类型", max_length=32, choices=SanctionKind.choices)
    ground = models.CharField("情形", max_length=32, help_text="规则情形编码，如 CC-16.1、CC-17.5")
    facts = models.TextField("事实")
    status = models.CharField("状态", max_length=16, choices=SanctionStatus.choices, default=SanctionStatus.PROPOSED)
    proposed_by = models.CharField("提出人", max_length=150)
    proposed_at = models.DateTimeField("提出时间", default=timezone.now)
    decided_by = models.CharField("决定人", max_length=150, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    document = models.ForeignKey("documents.GeneratedDocument", models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name="文书")
    evidence = models.ManyToManyField("attachments.Attachment", blank=True, related_name="+", verbose_name="证据")
    # added by the sanctions part (migration 0002): facts it was proposed on, the decision note, the addressee
    occurred_on = models.DateField("违规（表现）发生日期", null=True, blank=True,
                                   help_text="认定“仍不改正”“再次违规”时以此日期排序（CC-17.5、CC-25(2)4）")
    basis = models.JSONField("认定依据", default=dict, blank=True,
                             help_text="提出时核验情形的计算：报到期限、迟到天数、档次、此前训诫等（CC-16、CC-17）")
    recipient = models.CharField("受文机关", max_length=128, blank=True, help_text="提请治安管理处罚：公安机关名称（CC-18）")
    decision_note = models.TextField("决定（不予决定）意见", blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "考核奖惩"
        verbose_name_plural = "考核奖惩"
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ground}"


# ---------------------------------------------------------------- part "sanctions" (additive)
# Added by the sanctions part (migration 0002_sanctions_proposals): the facts a sanction was proposed on,
# the county agency's decision note, and the court-facing proposals (撤销缓刑/假释、收监执行 with an
# optional arrest request; 减刑建议). Choices live in sanction_choices.py.


class RevocationProposal(models.Model):
    """提请撤销缓刑、假释 (CC-25…CC-27, CC-29) or 提请收监执行 (CC-30), with an optional 提请逮捕 (CC-28).

    Sent by the county agency to the court (or 决定机关) with a 建议书 and an evidence package; copied
    to the 人民检察院 (CC-27). ``court_received_at``: when the court received it — the 四十八小时 of the
    arrest decision run from this time (CC-28), the 三十日 of the ruling from its day (CC-29 / CC-30).
    ``credited_custody_days``: custody after arrest credited 1:1 when revoked (CC-29, C-42a).
    """

    correction_case = models.ForeignKey(CorrectionCase, models.CASCADE, related_name="revocation_proposals",
                                        verbose_name="社区矫正案件")
    kind = models.CharField("类型", max_length=16, choices=ProposalKind.choices)
    grounds = models.JSONField("提请事由", default=list, help_text="情形编码，如 CC-25(2)4")
    facts = models.TextField("事实和理由")
    court = models.CharField("受理法院（决定机关）", max_length=128)
    court_received_at = models.DateTimeField("法院（决定机关）收到建议书时间")
    procuratorate = models.CharField("抄送人民检察院", max_length=128)
    procuratorate_copied_on = models.DateField("抄送日期")
    status = models.CharField("状态", max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    arrest_requested = models.BooleanField("同时提请逮捕", default=False)
    arrest_reason = models.TextField("提请逮捕理由", blank=True, help_text="可能逃跑或者可能发生社会危险（CC-28）")
    arrest_decision_due = models.DateTimeField("逮捕决定期限", null=True, blank=True)
    arrest_status = models.CharField("逮捕", max_length=16, choices=ArrestStatus.choices, default=ArrestStatus.NONE)
    arrested_on = models.DateField("逮捕日期", null=True, blank=True)
    released_on = models.DateField("释放日期", null=True, blank=True)
    ruling_date = models.DateField("裁定（决定）日期", null=True, blank=True)
    ruling_number = models.CharField("裁定（决定）书文号", max_length=64, blank=True)
    credited_custody_days = models.PositiveIntegerField("折抵刑期的羁押天数", null=True, blank=True)
    outcome_note = models.TextField("结果说明", blank=True)
    document = models.ForeignKey("documents.GeneratedDocument", models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name="建议书")
    arrest_document = models.ForeignKey("documents.GeneratedDocument", models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name="提请逮捕建议书")
    evidence = models.ManyToManyField("attachments.Attachment", blank=True, related_name="+", verbose_name="证据材料")
    proposed_by = models.CharField("提请人", max_length=150)
    proposed_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "撤销（收监）建议"
        verbose_name_plural = "撤销（收监）建议"
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.court}"


class CommutationProposal(models.Model):
    """减刑建议 for a 社区矫正对象 (CC-23): to the 中级以上人民法院 of the 执行地, copied to the 检察院; the
    court rules within 三十日 of receipt (deadline "commutation_ruling", rule CC-23; C-47)."""

    correction_case = models.ForeignKey(CorrectionCase, models.CASCADE, related_name="commutation_proposals",
                                        verbose_name="社区矫正案件")
    facts = models.TextField("减刑事实和理由")
    proposed_reduction = models.CharField("建议减刑幅度", max_length=64)
    court = models.CharField("受理法院", max_length=128)
    court_received_on = models.DateField("法院收到建议书日期")
    procuratorate = models.CharField("抄送人民检察院", max_length=128)
    status = models.CharField("状态", max_length=16, choices=CommutationStatus.choices,
                              default=CommutationStatus.PENDING)
    ruling_date = models.DateField("裁定日期", null=True, blank=True)
    ruling_number = models.CharField("裁定书文号", max_length=64, blank=True)
    granted_reduction = models.CharField("裁定减刑幅度", max_length=64, blank=True)
    document = models.ForeignKey("documents.GeneratedDocument", models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name="减刑建议书")
    proposed_by = models.CharField("提请人", max_length=150)
    proposed_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = "减刑建议"
        verbose_name_plural = "减刑建议"
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"减刑建议 {self.court}"
