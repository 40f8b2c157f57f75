from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from claims.errors import NotAllowed


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    """Send anonymous people to the login page, except on the API.

    The API authenticates with tokens too and answers 401/403 in JSON; a redirect to an HTML
    login page would be wrong for a script.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class WorkflowErrorMiddleware:
    """Turn a refused action into a 403 page instead of a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotAllowed):
            return render(request, "403.html", {"message": exception.message}, status=403)
        return None


class NoStoreWorkbenchPagesMiddleware:
    """Keep the browser from storing workbench pages, so Back shows what the server has now.

    A page restored from the cache shows a dismissed claim as a candidate, and its buttons carry
    versions that are long gone. Only HTML for a logged-in person is affected: the public pages
    (views marked `login_not_required`, which anyone may cache), files sent as downloads, static
    files and the JSON API keep their own caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if _is_workbench_page(request, response):
            add_never_cache_headers(response)
        return response


def _is_workbench_page(request: HttpRequest, response: HttpResponseBase) -> bool:
    if not request.user.is_authenticated:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if response.has_header("Content-Disposition"):  # a report or an export: a file, not a page
        return False
    match = request.resolver_match
    # The same mark LoginRequiredMiddleware reads: a page anyone may see is public.
    return match is None or getattr(match.func, "login_required", True)
