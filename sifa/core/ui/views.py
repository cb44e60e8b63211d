from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from sifa.core.ui.selectors import home_counts


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "ui/home.html", {"counts": home_counts(request.actor)})  # type: ignore[attr-defined]


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
