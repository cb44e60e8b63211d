"""Error pages; API paths answer RFC 9457 problem+json instead of HTML."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader


def _problem(status: int, code: str, title: str, detail: str) -> JsonResponse:
    return JsonResponse({"type": f"urn:sifa:problem:{code}", "title": title, "status": status, "code": code, "detail": detail},
                        status=status, content_type="application/problem+json", json_dumps_params={"ensure_ascii": False})


def _page(request: HttpRequest, status: int, code: str, title: str, detail: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _problem(status, code, title, detail)
    context = {"status": status, "title": title, "detail": detail}
    return HttpResponse(loader.get_template("ui/status_page.html").render(context, None), status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 400, "bad_request", "请求有误", "请求格式不正确或超过大小限制。")


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 403, "permission_denied", "无权操作", "当前身份无权访问此页面。")


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 404, "not_found", "未找到", "页面不存在或无权访问。")


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(request, 500, "server_error", "服务器内部错误", "服务器内部错误，已记录。")
