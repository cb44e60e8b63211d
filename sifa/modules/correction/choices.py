"""Choices of the 社区矫正 module (CONVENTIONS §4.19: TextChoices with badge colours beside them)."""

from __future__ import annotations

from django.db import models


class SentenceType(models.TextChoices):
    """CC-01: who is supervised (《社区矫正法》第二条)."""

    CONTROL = "control", "管制"
    PROBATION = "probation", "缓刑"
    PAROLE = "parole", "假释"
    TEMPORARY_EXECUTION = "temporary_execution", "暂予监外执行"


class DecisionOrgType(models.TextChoices):
    COURT = "court", "人民法院"
    PRISON_ADMIN = "prison_admin", "监狱管理机关"
    POLICE = "police", "公安机关"


class CommissionerType(models.TextChoices):
    """Who commissions a 调查评估 (CC-03)."""

    COURT = "court", "人民法院"
    PROCURATORATE = "procuratorate", "人民检察院"
    POLICE = "police", "公安机关"
    PRISON = "prison", "监狱"


class AssessmentConclusion(models.TextChoices):
    SUITABLE = "suitable", "适宜社区矫正"
    UNSUITABLE = "unsuitable", "不适宜社区矫正"


class TeamRole(models.TextChoices):
    """矫正小组 member roles (CC-10)."""

    OFFICER = "officer", "司法所工作人员"
    GRID_WORKER = "grid_worker", "网格员"
    VILLAGE_CADRE = "village_cadre", "村（居）委会人员"
    FAMILY = "family", "家庭成员或监护人"
    EMPLOYER = "employer", "所在单位或就读学校人员"
    VOLUNTEER = "volunteer", "社会工作者或志愿者"
    POLICE = "police", "社区民警"
    MINOR_EXPERT = "minor_expert", "熟悉未成年人身心特点的人员"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "待审批"
    APPROVED = "approved", "已生效"
    SUPERSEDED = "superseded", "已调整（旧版）"


class MeasureCategory(models.TextChoices):
    SUPERVISION = "supervision", "监督管理措施"
    EDUCATION = "education", "教育矫正内容"
    PUBLIC_SERVICE = "public_service", "公益活动"
    ASSISTANCE = "assistance", "帮困扶助"


class TaskKind(models.TextChoices):
    REPORT_IN = "report_in", "报告（报到）"
    VISIT = "visit", "走访"
    EDUCATION = "education", "教育学习"
    PUBLIC_SERVICE = "public_service", "公益活动"
    HEALTH_REPORT = "health_report", "病情复查报告"


class TaskStatus(models.TextChoices):
    OPEN = "open", "待完成"
    DONE = "done", "已完成"
    MISSED = "missed", "逾期未完成"
    PAUSED = "paused", "暂停（被羁押期间）"


class LibertyRestrictionKind(models.TextChoices):
    """CC-22 (《社区矫正法》第三十二条): 拘留、强制隔离戒毒、采取刑事强制措施等限制人身自由情形. The 刑事强制措施
    are those of 《刑事诉讼法》第六十六条 (拘传、取保候审、监视居住) and 第八十条 (逮捕), 第八十二条 (拘留);
    行政拘留 and 司法拘留 are the two other 拘留."""

    ADMINISTRATIVE_DETENTION = "administrative_detention", "行政拘留"
    JUDICIAL_DETENTION = "judicial_detention", "司法拘留"
    COMPULSORY_DRUG_REHAB = "compulsory_drug_rehab", "强制隔离戒毒"
    SUMMONS = "summons", "拘传"
    CRIMINAL_DETENTION = "criminal_detention", "刑事拘留"
    ARREST = "arrest", "逮捕"
    BAIL = "bail", "取保候审"
    RESIDENTIAL_SURVEILLANCE = "residential_surveillance", "监视居住"


# The kinds that hold the subject in custody (supervision tasks pause); 取保候审 and 监视居住 restrict liberty
# without custody, so the subject's tasks go on.
CUSTODIAL_KINDS = frozenset({
    LibertyRestrictionKind.ADMINISTRATIVE_DETENTION, LibertyRestrictionKind.JUDICIAL_DETENTION,
    LibertyRestrictionKind.COMPULSORY_DRUG_REHAB, LibertyRestrictionKind.SUMMONS,
    LibertyRestrictionKind.CRIMINAL_DETENTION, LibertyRestrictionKind.ARREST,
})


class LeaveKind(models.TextChoices):
    LEAVE = "leave", "外出"
    RELOCATION = "relocation", "迁居（变更执行地）"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "不予批准"
    RETURNED = "returned", "已销假"
    OVERDUE = "overdue", "逾期未归"
    CANCELLED = "cancelled", "已撤回"


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", "待新执行地回复"
    ACCEPTED = "accepted", "新执行地同意接收"
    REJECTED = "rejected", "新执行地不同意"
    COMPLETED = "completed", "已交接"


class MonitoringGround(models.TextChoices):
    """CC-19 (《社区矫正法》第二十九条第一款) — the five statutory grounds for electronic monitoring."""

    PROHIBITION_ORDER = "prohibition_order", "违反人民法院禁止令的"
    LEFT_AREA = "left_area", "无正当理由，未经批准离开所居住的市、县的"
    REFUSED_REPORT_WARNED = "refused_report_warned", "拒不按照规定报告自己的活动情况，被给予警告的"
    SECURITY_PENALTY = "security_penalty", "违反监督管理规定，被给予治安管理处罚的"
    REVOCATION_PLANNED = "revocation_planned", "拟提请撤销缓刑、假释或者暂予监外执行收监执行的"


class MonitoringStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    ACTIVE = "active", "使用中"
    ENDED = "ended", "已解除"
    REJECTED = "rejected", "不予批准"


class SanctionKind(models.TextChoices):
    """CC-15: rewards and sanctions by seriousness."""

    COMMENDATION = "commendation", "表扬"
    ADMONITION = "admonition", "训诫"
    WARNING = "warning_sanction", "警告"
    SECURITY_PENALTY_REQUEST = "security_penalty_request", "提请治安管理处罚"


class SanctionStatus(models.TextChoices):
    PROPOSED = "proposed", "司法所已核实、待县级机构决定"
    DECIDED = "decided", "已决定"
    REJECTED = "rejected", "不予决定"


class ReportStatus(models.TextChoices):
    RECEIVED = "received", "已接收"
    REVIEWED = "reviewed", "已查看"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    ACCEPTED = "accepted", "已采纳"
    DISMISSED = "dismissed", "不采纳"


LEVEL_BADGES = {"strict": "red", "normal": "blue", "lenient": "green"}
