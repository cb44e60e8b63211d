"""类案检索 data: answers to 裁量 warnings (``DiscretionAnswer``) and imported decisions (``ImportedDecision``).

- ``DiscretionAnswer``: the officer's reason for a proposed amount outside the 裁量基准 range or an
  outlier among similar cases. Platform policy built on 《行政处罚法》第三十四条 (行政机关可以依法制定
  行政处罚裁量基准，并向社会公布): the DECIDE step is refused while a warning has no answer
  (``similar.unanswered_discretion_warnings``).
- ``ImportedDecision``: a published 行政处罚决定 or 裁判文书 from elsewhere (Excel/JSONL import), ranked
  beside closed cases (search kind ``enforcement.penalty``, key ``d<id>``). Stored without party
  identity: the import drops any party column, and the facts are masked when shown.

Written only by ``similar_services`` / ``outcome_services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from sifa.core.orgs.scope import ScopedQuerySet


class DiscretionAnswerQuerySet(ScopedQuerySet["DiscretionAnswer"]):
    scope_path_field = "case__case__org__path"


class DiscretionAnswer(models.Model):
    """The reason an officer gives for a 裁量 warning on one amount of one case (《行政处罚法》第三十四条)."""

    case = models.ForeignKey("enforcement.PenaltyCase", models.CASCADE, related_name="discretion_answers",
                             verbose_name="行政处罚案件")
    key = models.CharField("预警键", max_length=64, help_text="range:金额 或 outlier:金额")
    amount = models.DecimalField("拟罚款金额（元）", max_digits=14, decimal_places=2)
    warning = models.TextField("裁量预警")
    reason = models.TextField("说明理由")
    answered_by = models.CharField("说明人", max_length=64)
    answered_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                         related_name="+", verbose_name="说明人账号")
    answered_at = models.DateTimeField("说明时间", default=timezone.now)

    objects = DiscretionAnswerQuerySet.as_manager()

    class Meta:
        verbose_name = "裁量预警说明"
        verbose_name_plural = "裁量预警说明"
        ordering = ["-answered_at", "-id"]
        indexes = [models.Index(fields=["case", "key"], name="enf_discretion_answer_key")]

    def __str__(self) -> str:
        return f"{self.key}：{self.reason[:20]}"


class ImportedDecisionQuerySet(ScopedQuerySet["ImportedDecision"]):
    scope_path_field = "org__path"


class ImportedDecision(models.Model):
    """An imported 行政处罚决定书 or 裁判文书 (no party identity), a candidate for 类案检索."""

    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="导入机构")
    source_org = models.CharField("作出机关", max_length=128)
    number = models.CharField("文号", max_length=64)
    decided_on = models.DateField("决定日期")
    facts = models.TextField("违法事实")
    power_item = models.CharField("执法事项", max_length=255, blank=True)
    cited_articles = models.TextField("依据条文", blank=True)
    circumstance = models.CharField("违法情节", max_length=16, blank=True)
    penalty_types = models.JSONField("处罚种类", default=list, blank=True)
    amount = models.DecimalField("罚款（没收）金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    outcome = models.CharField("处理结果", max_length=255, blank=True)
    imported_at = models.DateTimeField("导入时间", default=timezone.now)

    objects = ImportedDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "导入的处罚决定"
        verbose_name_plural = "导入的处罚决定"
        ordering = ["-decided_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["source_org", "number"], name="enf_imported_decision_number")]

    def __str__(self) -> str:
        return f"{self.source_org} {self.number}"

    @property
    def search_key(self) -> str:
        return f"d{self.pk}"
