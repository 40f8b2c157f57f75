"""The admin's dead letters: failed splits are listed with their reason and can be split again;
articles and claims are never deleted there."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.test import Client, RequestFactory

from claims import extraction
from claims.models import Article, Claim, HistoryEvent
from claims.services import article_ingest, article_split
from tests.claims.factories import BODY, client_for, make_article, make_user

CHANGELIST = "/admin/claims/article/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def root() -> User:
    return make_user("root", superuser=True)


@pytest.fixture
def failed(monkeypatch: pytest.MonkeyPatch) -> Article:
    def broken(text: str) -> list[object]:
        raise RuntimeError("segmenter blew up on a table")

    with monkeypatch.context() as patch:
        patch.setattr(extraction, "extract_claims", broken)
        article = article_ingest(body="Prices rose 4% in March, the bureau said.").article
        article_split(article_id=article.pk)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    return article


def split_again(client: Client, *articles: Article) -> str:
    response = client.post(
        CHANGELIST,
        {"action": "split_again", "_selected_action": [a.pk for a in articles]},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_failed_splits_are_listed_with_reason_attempts_and_time(
    root: User, failed: Article
) -> None:
    split = make_article(BODY)
    page = client_for(root).get(CHANGELIST, {"split": "failed"}).content.decode()
    assert failed.title in page and split.title not in page
    assert "segmenter blew up on a table" in page
    assert "Failed at" in page and "Split attempts" in page
    assert '<option value="split_again">Split again</option>' in page
    # The full list keeps its usual columns.
    assert "segmenter blew up" not in client_for(root).get(CHANGELIST).content.decode()


def test_split_again_queues_the_article_and_writes_its_history(
    root: User, failed: Article, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = split_again(client_for(root), failed)
    assert "1 article(s) queued to split again." in page
    failed.refresh_from_db()
    assert (failed.status, failed.failure_reason, failed.split_attempts) == (
        Article.Status.QUEUED,
        "",
        0,
    )
    event = HistoryEvent.objects.filter(article=failed, action="split_retried").get()
    assert (event.actor, event.from_state, event.to_state) == (root, "failed", "queued")
    assert [c.keywords for c in callbacks] == [{"article_id": failed.pk}]  # sent after commit


def test_split_again_leaves_articles_that_did_not_fail_alone(root: User, failed: Article) -> None:
    split = make_article(BODY)
    attempts = split.split_attempts
    page = split_again(client_for(root), failed, split)
    assert "1 article(s) left alone: only a failed split can be run again." in page
    split.refresh_from_db()
    assert (split.status, split.split_attempts) == (Article.Status.SPLIT, attempts)
    assert not HistoryEvent.objects.filter(article=split, action="split_retried").exists()


def test_staff_without_a_workbench_role_cannot_split_again(failed: Article) -> None:
    clerk = User.objects.create_user("clerk", password="pw-for-tests-only", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_article"))
    page = split_again(client_for(clerk), failed)
    assert "Your role does not allow this (triage)." in page
    failed.refresh_from_db()
    assert failed.status == Article.Status.FAILED


def test_articles_and_claims_cannot_be_deleted_in_the_admin(root: User) -> None:
    claim = Claim.objects.filter(article=make_article(BODY)).first()
    assert claim is not None
    request = RequestFactory().get("/")
    request.user = root
    for model in (Article, Claim):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_delete_permission(request)
        assert "delete_selected" not in model_admin.get_actions(request)
    client = client_for(root)
    for url in [
        f"/admin/claims/article/{claim.article_id}/delete/",
        f"/admin/claims/claim/{claim.pk}/delete/",
    ]:
        assert client.post(url, {"post": "yes"}).status_code == 403, url
    bulk = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [claim.article_id]}
    )
    assert bulk.status_code in (200, 302)
    assert Article.objects.filter(pk=claim.article_id).exists()
    assert Claim.objects.filter(pk=claim.pk).exists()
