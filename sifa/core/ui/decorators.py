from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse


def require_perm(code: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Page guard: the acting membership's role must carry ``code`` (403 otherwise)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            request.actor.require(code)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
