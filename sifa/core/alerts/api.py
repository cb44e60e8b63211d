import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from sifa.core.alerts import selectors, services
from sifa.core.alerts.filters import AlertFilter
from sifa.core.alerts.models import Alert
from sifa.core.api import PagePagination, actor_of

router = Router(tags=["预警"])


class AlertHistoryOut(Schema):
    action: str
    label: str
    from_state: str
    to_state: str
    actor_name: str
    org_name: str
    note: str
    created_at: datetime.datetime


class AlertOut(Schema):
    id: int
    rule_code: str
    level: str
    state: str
    title: str
    detail: str
    legal_basis: str
    org_id: int
    org_name: str
    escalations: int
    escalated_to_id: int | None
    case_id: int | None
    object_type: str
    object_id: str
    step_due_at: datetime.datetime
    condition_cleared_at: datetime.datetime | None
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_org_name(obj: Alert) -> str:
        return obj.org.name


class AlertDetailOut(AlertOut):
    steps: list[AlertHistoryOut]

    @staticmethod
    def resolve_steps(obj: Alert) -> list[object]:
        return list(obj.steps.all())


class AlertActionIn(Schema):
    action: str = Field(..., pattern="^(sign|handle|verify|close|reopen)$", description="sign|handle|verify|close|reopen")
    note: str = Field("", max_length=2000)


@router.get("", response=list[AlertOut], summary="预警列表（本机构及下级）")
@paginate(PagePagination)
def list_alerts(request: HttpRequest, filters: Query[AlertFilter]):  # type: ignore[no-untyped-def]
    return selectors.alerts_visible_to(actor_of(request), filters=filters)


@router.get("/{alert_id}", response=AlertDetailOut, summary="预警详情与处置记录")
def get_alert(request: HttpRequest, alert_id: int) -> Alert:
    return selectors.alert_for(actor_of(request), alert_id)


@router.post("/{alert_id}/actions", response=AlertDetailOut, summary="处置预警：签收/处置/核查/办结/退回")
def act(request: HttpRequest, alert_id: int, payload: AlertActionIn) -> Alert:
    actor = actor_of(request)
    actor.require("alerts.handle")
    alert = selectors.alert_for(actor, alert_id)
    return services.act_on_alert(actor=actor, alert=alert, action=payload.action, note=payload.note)
