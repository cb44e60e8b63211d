from django.db import models


class AlertLevel(models.TextChoices):
    """预警等级 with the badge colour shown beside it."""

    RED = "red", "红色"
    ORANGE = "orange", "橙色"
    YELLOW = "yellow", "黄色"
    BLUE = "blue", "蓝色"


LEVEL_ORDER: dict[str, int] = {AlertLevel.RED: 0, AlertLevel.ORANGE: 1, AlertLevel.YELLOW: 2, AlertLevel.BLUE: 3}
LEVEL_BADGE: dict[str, str] = {AlertLevel.RED: "bg-red", AlertLevel.ORANGE: "bg-orange",
                               AlertLevel.YELLOW: "bg-yellow", AlertLevel.BLUE: "bg-blue"}


class AlertState(models.TextChoices):
    """The closed loop (闭环): 待签收 → 处置中 → 待核查 → 已办结."""

    PENDING_SIGN = "pending_sign", "待签收"
    HANDLING = "handling", "处置中"
    PENDING_VERIFY = "pending_verify", "待核查"
    CLOSED = "closed", "已办结"


OPEN_STATES = (AlertState.PENDING_SIGN, AlertState.HANDLING, AlertState.PENDING_VERIFY)


class AlertAction(models.TextChoices):
    SIGN = "sign", "签收"
    HANDLE = "handle", "处置"
    VERIFY = "verify", "核查通过"
    CLOSE = "close", "办结"
    REOPEN = "reopen", "退回重办"
