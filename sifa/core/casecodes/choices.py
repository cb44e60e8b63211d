"""The states of an access grant (授权查阅) and the badge colours shown beside them."""

from django.db import models


class GrantState(models.TextChoices):
    """有效 until it expires (已过期) or is revoked (已撤销); a link grant also locks after wrong codes (已锁定)."""

    LIVE = "live", "有效"
    EXPIRED = "expired", "已过期"
    REVOKED = "revoked", "已撤销"
    LOCKED = "locked", "已锁定"


STATE_BADGE: dict[str, str] = {GrantState.LIVE: "bg-green text-white", GrantState.EXPIRED: "bg-secondary-lt",
                               GrantState.REVOKED: "bg-red-lt", GrantState.LOCKED: "bg-orange-lt"}


class GrantUse(models.TextChoices):
    """What a grant was used for (every use is audited as casecodes.grant.used)."""

    REVIEW_PAGE = "review_page", "打开查阅页"
    EVIDENCE_LIST = "evidence_list", "读取证据清单（API）"
    FILE = "file", "下载证据文件"
    PACKAGE = "package", "下载证据包"
