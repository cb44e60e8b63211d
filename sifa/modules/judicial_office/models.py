"""数字司法所: the work catalogue, daily work logs (工作日志), their rollup, and work plans (工作规划).

"每天一分钟，数据全打通": a 司法所 staff member records the day once; every statistic, the 1000-point
assessment, plan tracking and the cockpit read from these rows.

- ``WorkCatalogueItem``: what can be logged (人民调解, 法治宣传活动 …), with its unit and a plausible
  daily ceiling. ``org`` empty = the installation default; a county or city adds items for its area
  (items of the org and of every org above it apply).
- ``WorkLog``: one staff member's day at one office (draft → submitted), with free text.
  ``WorkLogItem``: one catalogue item × count on that day, with a note, photos and linked cases.
- ``AutoWorkItem``: work another module already recorded (a mediation closed, a correction visit),
  pulled in through ``registry.work_sources``: shown on the day's log as 自动汇入 and never typed again.
  It belongs to the office (and to the user when the source knows one), so it is counted once.
- ``WorkLogCorrection``: a change to a log after the edit lock, with reason and a supervisor's decision.
- ``WorkDailyTotal``: per office × day × catalogue item, the submitted manual counts plus the auto
  counts, with the office's path copied in so that a cockpit sums any subtree with one indexed range.
  Kept exact by the services that change its inputs (no nightly batch), with the coarser rollups the cockpit
  reads: ``WorkOfficeDayTotal`` (office × day), ``WorkMonthTotal`` (office × month × item),
  ``WorkOfficeMonthTotal`` (office × month) and ``WorkCountyMonthTotal`` (county × month × item).
- ``WorkPlan`` / ``PlanItem`` / ``PlanOccurrence``: plans with items and due dates, made by an office
  or assigned from above to every office under the assigning org; recurring items are spread into
  one occurrence per period and per office, each tracked against the work log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import ScopedQuerySet
from sifa.modules.judicial_office.choices import (
    CorrectionStatus,
    ItemOrigin,
    OccurrenceStatus,
    Recurrence,
    WorkLogStatus,
)


class WorkCatalogueItem(models.Model):
    """One kind of work a 司法所 logs (工作事项), counted in ``unit``.

    ``daily_ceiling``: a count above it on one day and one log is implausible and opens an
    anti-gaming alert for the county bureau (the count is still saved: the alert asks a person to look).
    """

    code = models.SlugField("编码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=64)
    category = models.CharField("类别", max_length=32, blank=True)
    unit = models.CharField("单位", max_length=8, default="件")
    daily_ceiling = models.PositiveIntegerField("单日合理上限", default=20)
    org = models.ForeignKey(Org, models.PROTECT, null=True, blank=True, related_name="work_catalogue_items",
                            verbose_name="适用机构", help_text="留空为全省（安装）默认事项")
    order = models.PositiveSmallIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "工作事项"
        verbose_name_plural = "工作事项目录"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class WorkLogQuerySet(ScopedQuerySet["WorkLog"]):
    scope_path_field = "org__path"


class WorkLog(models.Model):
    """One staff member's working day at one 司法所 (工作日志).

    Editable by its author until the lock (``SIFA_WORKLOG_LOCK_WORKING_DAYS`` working days after
    ``day``, default 3); after that a change goes through a ``WorkLogCorrection``.
    """

    org = models.ForeignKey(Org, models.PROTECT, related_name="work_logs", verbose_name="司法所")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="work_logs",
                               verbose_name="填报人")
    author_name = models.CharField("填报人姓名", max_length=64)
    day = models.DateField("工作日期")
    status = models.CharField("状态", max_length=16, choices=WorkLogStatus.choices, default=WorkLogStatus.DRAFT)
    text = models.TextField("工作记事", blank=True)
    revision = models.PositiveIntegerField("修改次数", default=0)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    objects = WorkLogQuerySet.as_manager()

    class Meta:
        verbose_name = "工作日志"
        verbose_name_plural = "工作日志"
        ordering = ["-day", "org_id", "author_id"]
        constraints = [models.UniqueConstraint(fields=["org", "author", "day"], name="worklog_one_per_day")]
        # (day, org): a cockpit over a city or province reads a day range across many offices
        indexes = [models.Index(fields=["org", "day"]), models.Index(fields=["day", "org"], name="jo_worklog_day_org")]

    def __str__(self) -> str:
        return f"{self.author_name} {self.day:%Y-%m-%d} 工作日志"


class WorkLogItem(models.Model):
    """One catalogue item × count on a work log, with an optional note, photos and linked cases."""

    log = models.ForeignKey(WorkLog, models.CASCADE, related_name="items", verbose_name="工作日志")
    catalogue_item = models.ForeignKey(WorkCatalogueItem, models.PROTECT, related_name="log_items",
                                       verbose_name="工作事项")
    count = models.PositiveIntegerField("数量")
    note = models.CharField("备注", max_length=500, blank=True)
    photos = models.ManyToManyField("attachments.Attachment", blank=True, related_name="work_log_items",
                                    verbose_name="照片")
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="work_log_items", verbose_name="关联案件")

    class Meta:
        verbose_name = "日志事项"
        verbose_name_plural = "日志事项"
        ordering = ["log_id", "catalogue_item__order", "id"]
        constraints = [models.UniqueConstraint(fields=["log", "catalogue_item"], name="worklog_item_once")]

    origin = ItemOrigin.MANUAL

    def __str__(self) -> str:
        return f"{self.catalogue_item} × {self.count}"


class AutoWorkItemQuerySet(ScopedQuerySet["AutoWorkItem"]):
    scope_path_field = "org__path"


class AutoWorkItem(models.Model):
    """Work another module already recorded, pulled into the office's day (自动汇入, never typed again).

    ``source`` is the key of a ``registry.work_sources`` entry and ``ref`` the record's id in it; the
    pair is unique, so pulling again updates instead of adding.
    """

    org = models.ForeignKey(Org, models.PROTECT, related_name="auto_work_items", verbose_name="司法所")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="auto_work_items", verbose_name="经办人")
    day = models.DateField("工作日期")
    catalogue_item = models.ForeignKey(WorkCatalogueItem, models.PROTECT, related_name="auto_items",
                                       verbose_name="工作事项")
    count = models.PositiveIntegerField("数量", default=1)
    source = models.CharField("来源", max_length=64)
    ref = models.CharField("来源记录", max_length=64)
    label = models.CharField("说明", max_length=255, blank=True)
    url = models.CharField("链接", max_length=255, blank=True)
    pulled_at = models.DateTimeField("汇入时间", default=timezone.now)

    objects = AutoWorkItemQuerySet.as_manager()

    class Meta:
        verbose_name = "自动汇入事项"
        verbose_name_plural = "自动汇入事项"
        ordering = ["-day", "org_id", "id"]
        constraints = [models.UniqueConstraint(fields=["source", "ref"], name="auto_work_item_once")]
        indexes = [models.Index(fields=["org", "day"])]

    origin = ItemOrigin.AUTO

    def __str__(self) -> str:
        return f"{self.catalogue_item} × {self.count}（{self.label or self.source}）"


class WorkLogCorrectionQuerySet(ScopedQuerySet["WorkLogCorrection"]):
    scope_path_field = "log__org__path"


class WorkLogCorrection(models.Model):
    """A change to a locked work log (更正申请): the proposed items and text, a reason, and a supervisor's decision.

    ``proposed`` holds the complete new content: ``{"text": …, "items": [{"code": …, "count": …, "note": …}]}``.
    """

    log = models.ForeignKey(WorkLog, models.CASCADE, related_name="corrections", verbose_name="工作日志")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name="申请人")
    requested_by_name = models.CharField("申请人姓名", max_length=64)
    reason = models.TextField("更正理由")
    proposed = models.JSONField("更正内容")
    status = models.CharField("状态", max_length=16, choices=CorrectionStatus.choices,
                              default=CorrectionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="审批人")
    decided_by_name = models.CharField("审批人姓名", max_length=64, blank=True)
    decision_note = models.CharField("审批意见", max_length=500, blank=True)
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)

    objects = WorkLogCorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = "日志更正申请"
        verbose_name_plural = "日志更正申请"
        ordering = ["-requested_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["log"], condition=Q(status="pending"),
                                               name="worklog_one_pending_correction")]

    def __str__(self) -> str:
        return f"{self.log} 更正申请"


class WorkDailyTotalQuerySet(ScopedQuerySet["WorkDailyTotal"]):
    scope_path_field = "org_path"


class WorkDailyTotal(models.Model):
    """Per office × day × catalogue item: submitted manual counts + auto counts (the cockpit's rollup).

    ``org_path`` copies the office's path so that any subtree is one indexed prefix range; the row is
    rewritten by the services that submit, edit or correct a log and by the auto-item pull.
    """

    org = models.ForeignKey(Org, models.CASCADE, related_name="+", verbose_name="司法所")
    org_path = models.CharField("机构路径", max_length=255)
    day = models.DateField("日期")
    item_code = models.CharField("事项编码", max_length=64)
    manual = models.PositiveIntegerField("手工填报", default=0)
    auto = models.PositiveIntegerField("自动汇入", default=0)
    total = models.PositiveIntegerField("合计", default=0)

    objects = WorkDailyTotalQuerySet.as_manager()

    class Meta:
        verbose_name = "工作量日汇总"
        verbose_name_plural = "工作量日汇总"
        constraints = [models.UniqueConstraint(fields=["org", "day", "item_code"], name="work_daily_total_once")]
        # varchar_pattern_ops: on PostgreSQL a ``LIKE 'prefix%'`` (startswith) uses these indexes whatever the
        # database collation (with the default opclass only a "C" collation would); other databases ignore it.
        indexes = [
            models.Index(fields=["org_path", "day"], name="jo_total_path_day", opclasses=["varchar_pattern_ops", "date_ops"]),
            models.Index(fields=["day", "org_path"], name="jo_total_day_path", opclasses=["date_ops", "varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.item_code} {self.total}"


class WorkOfficeDayTotalQuerySet(ScopedQuerySet["WorkOfficeDayTotal"]):
    scope_path_field = "org_path"


class WorkOfficeDayTotal(models.Model):
    """Per office × day: the day's ``WorkDailyTotal`` summed over the items (the cockpit's trend and ranking grain).

    Rewritten with the daily rows by ``services.rewrite_totals`` in the same transaction; a cockpit's daily
    trend and office ranking read one row per office and day here instead of one per item.
    """

    org = models.ForeignKey(Org, models.CASCADE, related_name="+", verbose_name="司法所")
    org_path = models.CharField("机构路径", max_length=255)
    day = models.DateField("日期")
    manual = models.PositiveIntegerField("手工填报", default=0)
    auto = models.PositiveIntegerField("自动汇入", default=0)
    total = models.PositiveIntegerField("合计", default=0)

    objects = WorkOfficeDayTotalQuerySet.as_manager()

    class Meta:
        verbose_name = "司法所工作量日合计"
        verbose_name_plural = "司法所工作量日合计"
        constraints = [models.UniqueConstraint(fields=["org", "day"], name="work_office_day_total_once")]
        indexes = [
            models.Index(fields=["day", "org_path"], name="jo_officeday_day_path", opclasses=["date_ops", "varchar_pattern_ops"],
                         include=["org_id", "total"]),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.total}"

class WorkMonthTotalQuerySet(ScopedQuerySet["WorkMonthTotal"]):
    scope_path_field = "org_path"


class WorkMonthTotal(models.Model):
    """Per office × month × catalogue item: the month's sums of ``WorkDailyTotal`` (the cockpit's month grain).

    Rewritten with the office's daily rows by ``services.rewrite_totals`` in the same transaction (so it is
    as fresh as the daily rows; no batch). A cockpit reads whole months of a period here — about 14 rows
    per office and month instead of one per working day and item — and only the days of a partly covered
    month from ``WorkDailyTotal``. ``services.rebuild_month_totals`` (command ``rebuild_work_totals``)
    rebuilds it from the daily rows after a bulk load.
    """

    org = models.ForeignKey(Org, models.CASCADE, related_name="+", verbose_name="司法所")
    org_path = models.CharField("机构路径", max_length=255)
    month = models.DateField("月份（当月1日）")
    item_code = models.CharField("事项编码", max_length=64)
    manual = models.PositiveIntegerField("手工填报", default=0)
    auto = models.PositiveIntegerField("自动汇入", default=0)
    total = models.PositiveIntegerField("合计", default=0)

    objects = WorkMonthTotalQuerySet.as_manager()

    class Meta:
        verbose_name = "工作量月汇总"
        verbose_name_plural = "工作量月汇总"
        constraints = [models.UniqueConstraint(fields=["org", "month", "item_code"], name="work_month_total_once")]
        indexes = [
            models.Index(fields=["month", "org_path"], name="jo_month_month_path", opclasses=["date_ops", "varchar_pattern_ops"],
                         include=["org_id", "item_code", "manual", "auto", "total"]),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.item_code} {self.total}"


class WorkOfficeMonthTotalQuerySet(ScopedQuerySet["WorkOfficeMonthTotal"]):
    scope_path_field = "org_path"


class WorkOfficeMonthTotal(models.Model):
    """Per office × month: the office's ``WorkMonthTotal`` rows of the month summed over the items.

    Rewritten with the month rows by ``services.rewrite_totals`` in the same transaction. A cockpit charted by
    month (a period over ``DAILY_SERIES_MAX_DAYS``) ranks its offices from these rows — one per office and
    month instead of one per office, month and item.
    """

    org = models.ForeignKey(Org, models.CASCADE, related_name="+", verbose_name="司法所")
    org_path = models.CharField("机构路径", max_length=255)
    month = models.DateField("月份（当月1日）")
    manual = models.PositiveIntegerField("手工填报", default=0)
    auto = models.PositiveIntegerField("自动汇入", default=0)
    total = models.PositiveIntegerField("合计", default=0)

    objects = WorkOfficeMonthTotalQuerySet.as_manager()

    class Meta:
        verbose_name = "司法所工作量月合计"
        verbose_name_plural = "司法所工作量月合计"
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="work_office_month_total_once")]
        indexes = [
            models.Index(fields=["month", "org_path"], name="jo_officemonth_month_path",
                         opclasses=["date_ops", "varchar_pattern_ops"], include=["org_id", "total"]),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.total}"


class WorkCountyMonthTotalQuerySet(ScopedQuerySet["WorkCountyMonthTotal"]):
    scope_path_field = "org_path"


class WorkCountyMonthTotal(models.Model):
    """Per county × month × catalogue item: the ``WorkMonthTotal`` rows of the offices right below ``org`` summed
    (``org`` is the office's parent in the org tree — the county bureau — and ``org_path`` its path).

    Kept by ``services.rewrite_totals`` in the same transaction as the office rows it sums, by adding the
    change of the office's month rows (a delta: ``INSERT … ON CONFLICT DO UPDATE``), so that many offices of
    one county submitting at once only queue briefly on the county's row, and never lose an update; a row
    that falls to 0 is deleted. A province or city cockpit reads whole months here — one row per county
    instead of one per office. The counts are plain integers (no ``CHECK >= 0``): the upsert's proposed row
    carries the delta, which may be negative. Rebuilt from the month rows by ``services.rebuild_month_totals``.
    """

    org = models.ForeignKey(Org, models.CASCADE, related_name="+", verbose_name="县级司法局（上级机构）")
    org_path = models.CharField("机构路径", max_length=255)
    month = models.DateField("月份（当月1日）")
    item_code = models.CharField("事项编码", max_length=64)
    manual = models.IntegerField("手工填报", default=0)
    auto = models.IntegerField("自动汇入", default=0)
    total = models.IntegerField("合计", default=0)

    objects = WorkCountyMonthTotalQuerySet.as_manager()

    class Meta:
        verbose_name = "县级工作量月汇总"
        verbose_name_plural = "县级工作量月汇总"
        constraints = [models.UniqueConstraint(fields=["org", "month", "item_code"], name="work_county_month_total_once")]
        indexes = [
            models.Index(fields=["month", "org_path"], name="jo_countymonth_month_path",
                         opclasses=["date_ops", "varchar_pattern_ops"],
                         include=["item_code", "manual", "auto", "total"]),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.item_code} {self.total}"


class WorkPlanQuerySet(ScopedQuerySet["WorkPlan"]):
    scope_path_field = "org__path"


class WorkPlan(models.Model):
    """A work plan (工作规划) of an org for a year: its own, or assigned to every office under ``org``."""

    org = models.ForeignKey(Org, models.PROTECT, related_name="work_plans", verbose_name="制定机构")
    title = models.CharField("标题", max_length=128)
    year = models.PositiveSmallIntegerField("年度")
    description = models.TextField("说明", blank=True)
    assigned = models.BooleanField("下达给下级司法所", default=False)
    created_by_name = models.CharField("制定人", max_length=64)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "工作规划"
        verbose_name_plural = "工作规划"
        ordering = ["-year", "org_id", "id"]

    def __str__(self) -> str:
        return self.title


class PlanItem(models.Model):
    """One task of a plan: a target count of a catalogue item (or a task checked off by hand), due by a date,
    once or recurring (monthly: due on the day of month of ``due_date``, clamped to the month end; quarterly: in the last month of each quarter)."""

    plan = models.ForeignKey(WorkPlan, models.CASCADE, related_name="items", verbose_name="工作规划")
    title = models.CharField("事项", max_length=128)
    catalogue_item = models.ForeignKey(WorkCatalogueItem, models.PROTECT, null=True, blank=True,
                                       related_name="plan_items", verbose_name="对应工作事项",
                                       help_text="填写后按工作日志自动统计完成量；留空则手工确认完成")
    target = models.PositiveIntegerField("目标数量", default=1)
    recurrence = models.CharField("周期", max_length=16, choices=Recurrence.choices, default=Recurrence.ONCE)
    due_date = models.DateField("完成期限", help_text="一次性事项的期限；周期事项为首期期限")
    remind_days = models.PositiveSmallIntegerField("提前提醒天数", default=3)

    class Meta:
        verbose_name = "规划事项"
        verbose_name_plural = "规划事项"
        ordering = ["plan_id", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class PlanOccurrenceQuerySet(ScopedQuerySet["PlanOccurrence"]):
    scope_path_field = "org__path"


class PlanOccurrence(models.Model):
    """One period of one plan item for one office: what it must do by ``due_date`` and how much is done.

    ``done`` counts the office's log (manual + auto) of the item's catalogue item within
    [``period_start``, ``due_date``]; a manual task is marked done by hand.
    """

    item = models.ForeignKey(PlanItem, models.CASCADE, related_name="occurrences", verbose_name="规划事项")
    org = models.ForeignKey(Org, models.PROTECT, related_name="plan_occurrences", verbose_name="承办司法所")
    period_start = models.DateField("周期开始")
    due_date = models.DateField("完成期限")
    target = models.PositiveIntegerField("目标数量")
    done = models.PositiveIntegerField("已完成数量", default=0)
    status = models.CharField("状态", max_length=16, choices=OccurrenceStatus.choices, default=OccurrenceStatus.OPEN)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    reminded_at = models.DateTimeField("提醒时间", null=True, blank=True)

    objects = PlanOccurrenceQuerySet.as_manager()

    class Meta:
        verbose_name = "规划事项周期"
        verbose_name_plural = "规划事项周期"
        ordering = ["due_date", "org_id", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "org", "due_date"], name="plan_occurrence_once")]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.item} {self.due_date:%Y-%m-%d}"


class WorkLogMonthTotalQuerySet(ScopedQuerySet["WorkLogMonthTotal"]):
    scope_path_field = "org_path"


class WorkLogMonthTotal(models.Model):
    """Per office × month: the working days with a submitted log (上报天数) and the logs submitted after their
    deadline (迟报日志数), as the cockpit's ``log_figures`` counts them from the logs.

    Both depend on the holiday calendar, so each row carries the signature of the calendar it was computed
    under (``calendar``: the month's year, and for December the next year too — see
    ``log_totals.month_stamp``; "" when the month's year was not loaded). The cockpit reads a whole month here
    only when every row of it carries the current signature, and counts it from the logs otherwise. Rewritten
    for the office's month by ``services.rewrite_totals`` in the transaction that submits, edits or corrects a
    log; rebuilt for a year when its calendar is loaded (``registry.calendar_hooks``) and by
    ``services.rebuild_month_totals``. A row exists for every office and month with a submitted log.
    """

    org = models.ForeignKey(Org, models.CASCADE, related_name="+", verbose_name="司法所")
    org_path = models.CharField("机构路径", max_length=255)
    month = models.DateField("月份（当月1日）")
    reported_days = models.PositiveIntegerField("上报天数", default=0)
    late_logs = models.PositiveIntegerField("迟报日志数", default=0)
    calendar = models.CharField("节假日安排签名", max_length=64, blank=True)

    objects = WorkLogMonthTotalQuerySet.as_manager()

    class Meta:
        verbose_name = "司法所日志上报月合计"
        verbose_name_plural = "司法所日志上报月合计"
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="work_log_month_total_once")]
        indexes = [
            models.Index(fields=["month", "org_path"], name="jo_logmonth_month_path",
                         opclasses=["date_ops", "varchar_pattern_ops"],
                         include=["org_id", "reported_days", "late_logs", "calendar"]),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.reported_days}/{self.late_logs}"
