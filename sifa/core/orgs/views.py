from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sifa.core.orgs import selectors
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.ui.decorators import require_perm


@login_required
@require_perm("orgs.view")
def tree(request: HttpRequest) -> HttpResponse:
    roots = selectors.root_orgs(request.actor)  # type: ignore[attr-defined]
    if len(roots) == 1:
        return redirect("orgs:detail", pk=roots[0].pk)
    return render(request, "orgs/tree.html", {"roots": roots})


@login_required
@require_perm("orgs.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    org = get_visible_or_404(Org, actor, pk=pk)
    ancestors = [a for a in org.ancestors() if actor.org is None or a.is_within(actor.org)]
    nodes = selectors.child_nodes(actor, org)
    return render(request, "orgs/detail.html", {"org": org, "ancestors": ancestors, "nodes": nodes})
