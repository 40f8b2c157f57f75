from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from claims import services
from claims.errors import NotAllowed, VersionConflict, WorkflowError
from claims.forms import ArticleDetailsForm, ArticleForm
from claims.ingest import IngestError
from claims.models import Article, ArticleVersion
from claims.permissions import Action, require
from claims.selectors import article_text_pieces
from claims.services.articles import article_version_number


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
                messages.info(request, ingest_message(result))
            return redirect(result.article)
    return render(request, "claims/article_new.html", {"form": form})


def ingest_message(result: services.IngestResult) -> str:
    """Say where a text that was not stored as a new article went (messages escape it)."""
    article = result.article
    ingested = timezone.localtime(article.created_at)
    on = date_format(ingested, "j M" if ingested.year == timezone.localdate().year else "j M Y")
    where = f"“{article.title}”, ingested on {on}"
    if result.version is None:
        return (
            f"This text was already ingested: it is the same as “{article.title}”, already in "
            f"the workbench since {on}; its claims are below."
        )
    # Rounded as the versions table rounds, but never "100 %" for a text kept because it differs.
    percent = min(99, round((result.similarity or 0.0) * 100))
    if result.version_created:
        return (
            f"This text is {percent} % the same as {where}: it was kept as version "
            f"{result.version_number} of that article; its claims are below."
        )
    return (
        f"This text is already version {result.version_number} of {where} ({percent} % the "
        "same): its claims are below."
    )


ARTICLE_PAGE_CLAIM_FIELDS = (
    "id",
    "article_id",
    "start",
    "end",
    "status",
    "checkworthy",
    "kind",
    "score",
    "claim_text",
    "reasons",
    "parts",
)


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW)
    article = get_object_or_404(Article, pk=pk)
    return _render_article(request, article, details_form=_details_form(article))


def _details_form(article: Article) -> ArticleDetailsForm:
    return ArticleDetailsForm(
        initial={
            # ISO with microseconds: the form's own rendering would drop them.
            "seen": article.updated_at.isoformat(),
            "source_url": article.source_url,
            "publisher": article.publisher,
            "published_at": article.published_at,
        }
    )


def _render_article(
    request: HttpRequest,
    article: Article,
    *,
    details_form: ArticleDetailsForm,
    details_conflict: Article | None = None,
    status: int = 200,
) -> HttpResponse:
    # What the highlights and the cards show, no more: 1,500 claims load in a few ms.
    claims = list(article.claims.only(*ARTICLE_PAGE_CLAIM_FIELDS).order_by("start", "end"))
    context = {
        "article": article,
        "claims": claims,
        "pieces": article_text_pieces(article.body, claims),
        "checkworthy_count": sum(1 for c in claims if c.checkworthy),
        "details_form": details_form,
        "details_conflict": details_conflict,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "claims/_article_main.html", context, status=status)
    # Outside #article-main, so only the whole page lists them; their texts load on their own page.
    # In id order, the order article_version_number counts them in.
    context["versions"] = list(
        article.versions.select_related("added_by").defer("body").order_by("id")
    )
    return render(request, "claims/article_detail.html", context, status=status)


def article_version(request: HttpRequest, pk: int, version_id: int) -> HttpResponse:
    """Show the text of a near-copy kept as a version of the article, read-only."""
    require(request.user, Action.VIEW)
    version = get_object_or_404(
        ArticleVersion.objects.select_related("article", "added_by"), pk=version_id, article_id=pk
    )
    return render(
        request,
        "claims/article_version.html",
        {
            "version": version,
            "article": version.article,
            "number": article_version_number(version=version),
        },
    )


@require_POST
def article_details_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the article's public URL, publisher and date from the article page."""
    article = get_object_or_404(Article, pk=pk)
    form = ArticleDetailsForm(request.POST)
    if not form.is_valid():
        return _render_article(request, article, details_form=form, status=400)
    try:
        services.article_update_details(
            article=article,
            actor=request.user,  # type: ignore[arg-type]
            seen=form.cleaned_data["seen"],
            source_url=form.cleaned_data["source_url"],
            publisher=form.cleaned_data["publisher"],
            published_at=form.cleaned_data["published_at"],
        )
    except VersionConflict as exc:
        # Keep what this person typed beside what is saved now; saving again keeps theirs.
        data = request.POST.copy()
        data["seen"] = exc.current.updated_at.isoformat()
        return _render_article(
            request,
            exc.current,
            details_form=ArticleDetailsForm(data),
            details_conflict=exc.current,
            status=409,
        )
    except NotAllowed:
        raise  # the 403 page, not a form error
    except WorkflowError as exc:
        form.add_error(None, exc.message)
        return _render_article(request, article, details_form=form, status=400)
    messages.success(request, "Publication details saved.")
    return redirect(article)


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
