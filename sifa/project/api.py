"""The REST API root (/api/v1): auth, RFC 9457 problem+json errors, routers from core and modules."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.accounts.middleware import client_agent, client_ip
from sifa.core.errors import DuplicateError, SifaError


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sifa_…``: a personal access token acting as its membership."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from sifa.core.accounts.services import user_for_token

        obj = user_for_token(token)
        if obj is None:
            return None
        now = timezone.now()
        if obj.last_used_at is None or (now - obj.last_used_at).total_seconds() > 60:
            type(obj).objects.filter(pk=obj.pk).update(last_used_at=now)
        request.user = obj.user
        request.actor = Actor.for_membership(obj.membership, ip=client_ip(request), user_agent=client_agent(request))  # type: ignore[attr-defined]
        return obj.user


class SessionAuth(APIKeyCookie):
    """The browser session (with CSRF on unsafe methods), acting as the membership chosen in the header."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        actor = getattr(request, "actor", None)
        if actor is not None and actor.user is not None and actor.membership is not None:
            return actor.user
        return None


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese text as-is (not \\u escapes)."""

    json_dumps_params = {"ensure_ascii": False}


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details. `code` is stable for clients; `detail` is Chinese for people.",
    "type": "object",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message"],
                   "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
        "existing_url": {"type": "string"},
    },
}
_ERROR_STATUSES = {400: "输入有误", 401: "未登录", 403: "无权操作", 404: "对象不存在或无权访问", 409: "状态冲突或重复"}


class SifaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document also declares the problem+json error responses of every operation."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for ops in schema["paths"].values():
            for op in ops.values():
                for status, description in _ERROR_STATUSES.items():
                    op["responses"].setdefault(status, {"description": description, "content": ref})
        return schema


api = SifaAPI(
    renderer=ChineseJSONRenderer(),
    title="sifa API",
    version="1",
    description="sifa 数字司法一体化平台 REST API。错误按 RFC 9457 以 application/problem+json 返回，含稳定的 code 与中文 detail。",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def problem(request: HttpRequest, *, status: int, code: str, title: str, detail: str,
            errors: list[dict[str, str]] | None = None, **extra: Any) -> HttpResponse:
    body: dict[str, Any] = {"type": f"urn:sifa:problem:{code}", "title": title, "status": status, "code": code,
                            "detail": detail, "instance": request.path}
    if errors:
        body["errors"] = errors
    body.update({k: v for k, v in extra.items() if v is not None})
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(SifaError)
def _sifa_error(request: HttpRequest, exc: SifaError) -> HttpResponse:
    extra = {"existing_url": exc.existing_url} if isinstance(exc, DuplicateError) else {}
    return problem(request, status=exc.status, code=exc.code, title=exc.title, detail=exc.message,
                   errors=exc.errors or None, **extra)


def _field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "filters")]
    return ".".join(parts) or "body"


_PYDANTIC_MESSAGES = {
    "missing": "必填",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "string_pattern_mismatch": "格式不正确",
    "int_parsing": "应为整数",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "请求体应为 JSON 对象",
    "bool_parsing": "应为布尔值",
}


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for e in exc.errors:
        field = _field_name(list(e.get("loc", [])))
        errors.append({"field": field, "message": f"{field}：{_PYDANTIC_MESSAGES.get(e.get('type', ''), '格式不正确')}"})
    detail = "；".join(e["message"] for e in errors) or "输入有误"
    return problem(request, status=400, code="validation_failed", title="输入有误", detail=detail, errors=errors)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, status=401, code="unauthenticated", title="未登录", detail="请先登录或提供有效的访问令牌")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, status=404, code="not_found", title="未找到", detail="对象不存在或无权访问")


_HTTP_ERRORS = {
    403: ("csrf_failed", "无权操作", "CSRF 校验失败：使用会话认证的写操作须携带 X-CSRFToken 请求头"),
    405: ("method_not_allowed", "方法不允许", "该接口不支持此 HTTP 方法"),
    429: ("too_many_requests", "请求过于频繁", "请求过于频繁，请稍后再试"),
}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code, title, detail = _HTTP_ERRORS.get(exc.status_code, ("http_error", "请求有误", "请求有误"))
    return problem(request, status=exc.status_code, code=code, title=title, detail=detail)


def _mount_routers() -> None:
    from sifa.core.accounts.api import router as accounts_router
    from sifa.core.alerts.api import router as alerts_router
    from sifa.core.audit.api import router as audit_router
    from sifa.core.cases.api import router as cases_router
    from sifa.core.orgs.api import router as orgs_router
    from sifa.core.persons.api import router as persons_router

    api.add_router("/", accounts_router)
    api.add_router("/orgs", orgs_router)
    api.add_router("/", persons_router)
    api.add_router("/audit", audit_router)
    api.add_router("/cases", cases_router)
    api.add_router("/alerts", alerts_router)
    for prefix, router in registry.api_routers.items():
        api.add_router(prefix, router)


_mount_routers()
