"""Choices of the sanctions part: court-facing proposals (CC-23, CC-25…CC-30) and the arrest (CC-28)."""

from __future__ import annotations

from django.db import models


class ProposalKind(models.TextChoices):
    REVOCATION = "revocation", "提请撤销缓刑（假释）"
    RECOMMITMENT = "recommitment", "提请收监执行"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "已提请、待裁定（决定）"
    GRANTED = "granted", "已裁定撤销（决定收监）"
    REJECTED = "rejected", "裁定（决定）不予撤销、收监"


class ArrestStatus(models.TextChoices):
    NONE = "none", "未提请逮捕"
    REQUESTED = "requested", "已提请、待决定"
    ARRESTED = "arrested", "已逮捕在押"
    REFUSED = "refused", "法院决定不予逮捕"
    RELEASED = "released", "已释放"


class CommutationStatus(models.TextChoices):
    PENDING = "pending", "已提请、待裁定"
    GRANTED = "granted", "裁定减刑"
    REJECTED = "rejected", "裁定不予减刑"


PROPOSAL_BADGES = {"pending": "bg-orange-lt", "granted": "bg-red-lt", "rejected": "bg-green-lt"}
SANCTION_BADGES = {"proposed": "bg-orange-lt", "decided": "bg-blue-lt", "rejected": "bg-secondary-lt"}
