"""Pages of the law library. Thin: parse, call one selector or service, render. Reading needs a sign-in
only; importing, editing and repealing need ``laws.manage``."""

from __future__ import annotations

import difflib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sifa.core.errors import SifaError, ValidationFailed
from sifa.core.laws import selectors, services
from sifa.core.laws.choices import CHANGE_BADGES, STATUS_BADGES, ArticleChange, LawKind, LawStatus
from sifa.core.laws.forms import LawEditForm, RepealForm
from sifa.core.laws.models import Article, Law, LawVersion
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.forms import attach_error

MAX_UPLOAD_FILES = 50
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _law_or_404(key: str) -> Law:
    law = selectors.law_by_key(key)
    if law is None or law.current_version is None:
        raise Http404("法规不存在")
    return law


def _badges() -> dict[str, Any]:
    return {"status_badges": STATUS_BADGES, "change_badges": CHANGE_BADGES}


@login_required
def law_list(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip() for k in ("q", "kind", "status")}
    laws = selectors.laws_listed(q=params["q"][:100], kind=params["kind"], status=params["status"])[:1000]
    return render(request, "laws/law_list.html", {
        "laws": laws, "params": params, "kinds": LawKind.choices, "statuses": LawStatus.choices, **_badges()})


@login_required
def law_detail(request: HttpRequest, key: str) -> HttpResponse:
    law = _law_or_404(key)
    version = law.current_version
    assert version is not None
    return render(request, "laws/law_detail.html", {
        "law": law, "version": version, "headings": selectors.version_headings(version),
        "articles": selectors.version_articles(version), **_badges()})


@login_required
def article_detail(request: HttpRequest, key: str, ref: str) -> HttpResponse:
    """The stable URL of an article: always the CURRENT version's text, with the article's history."""
    law = _law_or_404(key)
    parsed = selectors.parse_ref(ref)
    if parsed is None or law.current_version is None:
        raise Http404("条文不存在")
    article = selectors.article_in_version(law.current_version, *parsed)
    if article is None:
        raise Http404("现行版本中没有该条")
    siblings = law.current_version.articles.order_by("order")
    return render(request, "laws/article_detail.html", {
        "law": law, "article": article, "history": selectors.article_history(law, *parsed)[1:],
        "compared": law.versions.count() > 1,  # the first version has nothing to be compared with
        "previous": siblings.filter(order__lt=article.order).last(),
        "next": siblings.filter(order__gt=article.order).first(), **_badges()})


@login_required
def version_list(request: HttpRequest, key: str) -> HttpResponse:
    law = _law_or_404(key)
    return render(request, "laws/version_list.html", {
        "law": law, "versions": law.versions.order_by("-id"), **_badges()})


def _diff_html(old: str, new: str) -> SafeString:
    """Character diff of two texts: removed in <del>, added in <ins>, all escaped."""
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(new[b0:b1]))
            continue
        if a1 > a0:
            out.append(f"<del>{escape(old[a0:a1])}</del>")
        if b1 > b0:
            out.append(f"<ins>{escape(new[b0:b1])}</ins>")
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 - escaped piecewise above


@login_required
def version_detail(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """A version's text, and for a later version the changed, added and removed articles vs the previous."""
    law = _law_or_404(key)
    version = law.versions.filter(pk=pk).first()
    if version is None:
        raise Http404("版本不存在")
    previous: LawVersion | None = law.versions.filter(pk__lt=version.pk).order_by("-pk").first()
    changes: list[dict[str, Any]] = []
    removed: list[Article] = []
    if previous is not None:
        old = {(a.number, a.sub): a for a in previous.articles.all()}
        for art in selectors.version_articles(version).exclude(change=ArticleChange.UNCHANGED):
            before = old.get((art.number, art.sub))
            changes.append({"article": art, "diff": _diff_html(before.text if before else "", art.text)})
        current = set(version.articles.values_list("number", "sub"))
        removed = [a for k, a in sorted(old.items()) if k not in current]
    return render(request, "laws/version_detail.html", {
        "law": law, "version": version, "previous": previous, "changes": changes, "removed": removed,
        "headings": selectors.version_headings(version), "articles": selectors.version_articles(version),
        **_badges()})


@login_required
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    law_key = request.GET.get("law", "").strip()
    law = selectors.law_by_key(law_key) if law_key else None
    terms, hits = selectors.search_articles(q, law=law) if q else ([], [])
    return render(request, "laws/search.html", {
        "q": q, "law": law, "law_key": law_key, "terms": terms, "hits": hits,
        "laws": Law.objects.exclude(current_version=None).order_by("key").only("key", "title", "part")})


@login_required
@require_perm("laws.manage")
def law_import(request: HttpRequest) -> HttpResponse:
    """Upload one or more .md law texts; each file is imported on its own and reported on its own line."""
    results: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if not files:
            results.append({"file": "", "result": "error", "message": "请选择要导入的 .md 法规文本"})
            status = 400
        for upload in files[:MAX_UPLOAD_FILES]:
            name = upload.name or "未命名"
            try:
                if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
                    raise ValidationFailed(f"{name}：文件过大（不能超过 5 MB）", field="files")
                try:
                    text = upload.read().decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    raise ValidationFailed(f"{name}：不是 UTF-8 编码的文本", field="files") from exc
                result = services.import_law_text(actor=_actor(request), text=text, source_name=name)
            except SifaError as exc:
                results.append({"file": name, "result": "error", "message": exc.message})
                status = 400
            else:
                results.append({"file": name, "result": result.outcome, "message": result.summary,
                                "url": reverse("laws:detail", args=[result.law.key])})
        if len(files) > MAX_UPLOAD_FILES:
            results.append({"file": "", "result": "error", "message": f"一次最多导入 {MAX_UPLOAD_FILES} 个文件"})
    return render(request, "laws/import.html", {"results": results}, status=status)


@login_required
@require_perm("laws.manage")
def law_edit(request: HttpRequest, key: str) -> HttpResponse:
    law = _law_or_404(key)
    form = LawEditForm(request.POST or None, initial={"kind": law.kind, "short_title": law.short_title})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_law(actor=_actor(request), law=law, **form.cleaned_data)
            except SifaError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, "已保存")
                return redirect("laws:detail", key=law.key)
        status = 400
    return render(request, "laws/form.html", {"law": law, "form": form, "title": "修改法规信息"}, status=status)


@login_required
@require_perm("laws.manage")
def law_repeal(request: HttpRequest, key: str) -> HttpResponse:
    law = _law_or_404(key)
    form = RepealForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.repeal_law(actor=_actor(request), law=law, **form.cleaned_data)
            except SifaError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, f"《{law.cite_key}》已标记为废止，引用其条文的对象已发出复核预警")
                return redirect("laws:detail", key=law.key)
        status = 400
    return render(request, "laws/form.html", {"law": law, "form": form, "title": "废止法规",
                                              "danger": True}, status=status)
