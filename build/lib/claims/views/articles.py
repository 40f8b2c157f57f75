from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from claims import services
from claims.forms import ArticleForm
from claims.ingest import IngestError
from claims.models import Article
from claims.permissions import Action, require
from claims.selectors import article_text_pieces


def article_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW)
    articles = list(Article.objects.with_claim_counts().select_related("added_by")[:200])
    context = {
        "articles": articles,
        "any_in_progress": any(a.is_in_progress for a in articles),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "claims/_article_rows.html", context)
    return render(request, "claims/article_list.html", context)


def article_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW)
    form = ArticleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.article_ingest(
                body=data["body"],
                title=data.get("title") or "",
                source_url=data.get("source_url") or "",
                publisher=data.get("publisher") or "",
                published_at=data.get("published_at"),
                added_by=request.user,  # type: ignore[arg-type]
            )
        except IngestError as exc:
            form.add_error("body", exc.message)
        else:
            if result.created:
                messages.success(
                    request, "Article added. Its claims appear as soon as it is split."
                )
            else:
                messages.info(request, "This text was already ingested: here is that article.")
            return redirect(result.article)
    return render(request, "claims/article_new.html", {"form": form})


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW)
    article = get_object_or_404(Article, pk=pk)
    claims = list(article.claims.select_related("assignee").order_by("start", "end"))
    context = {
        "article": article,
        "claims": claims,
        "pieces": article_text_pieces(article.body, claims),
        "checkworthy_count": sum(1 for c in claims if c.checkworthy),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "claims/_article_main.html", context)
    return render(request, "claims/article_detail.html", context)


@require_POST
def article_retry(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    try:
        services.article_retry_split(article=article, actor=request.user)  # type: ignore[arg-type]
    except IngestError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The article is queued to be split again.")
    return redirect(article)


def article_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer the page's poll cheaply; once split, send the whole article in its place."""
    require(request.user, Action.VIEW)
    article = get_object_or_404(Article, pk=pk)
    if article.is_in_progress:
        return render(request, "claims/_split_poll.html", {"article": article})
    response = article_detail(request, pk)
    response["HX-Retarget"] = "#article-main"
    response["HX-Reswap"] = "outerHTML"
    return response
