from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from claims.models import Article
from claims.services import article_ingest, article_split


@pytest.fixture
def browser_client(reviewer) -> Client:
    client = Client()
    client.force_login(reviewer)
    return client


@pytest.mark.django_db
def test_anonymous_sees_only_the_login_page() -> None:
    article = article_ingest(body="Draft about 145% tariffs.").article
    client = Client()
    for url in ["/", "/articles/new/", article.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    assert client.get("/login/").status_code == 200


@pytest.mark.django_db
def test_article_list_shows_status_and_claim_counts(browser_client: Client, seed_text: str) -> None:
    article = article_ingest(body=seed_text).article
    queued = article_ingest(body="Waiting to be split.").article
    count = article_split(article_id=article.pk)
    html = browser_client.get("/").content.decode()
    assert article.title in html and queued.title in html
    assert f'<td class="num">{count}</td>' in html
    assert "Queued" in html and "Split" in html
    # The list keeps itself fresh while something is still being split.
    assert 'hx-trigger="every 2s"' in html


@pytest.mark.django_db
def test_article_page_highlights_every_claim_at_its_span(
    browser_client: Client, seed_text: str
) -> None:
    article = article_ingest(body=seed_text).article
    article_split(article_id=article.pk)
    html = browser_client.get(article.get_absolute_url()).content.decode()
    claims = list(article.claims.all())
    for claim in claims:
        assert f'id="span-{claim.pk}"' in html
        assert f'id="claim-{claim.pk}"' in html
    assert 'hx-trigger="every 1s"' not in html  # split: nothing left to wait for


@pytest.mark.django_db
def test_queued_article_page_polls_until_split(browser_client: Client) -> None:
    article = article_ingest(body="Exports fell 21% in May.").article
    html = browser_client.get(article.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "splitting into claims" in html
    status_url = f"/articles/{article.pk}/status/"
    # While splitting, the poll answers with a few bytes, not the article.
    poll = browser_client.get(status_url, HTTP_HX_REQUEST="true")
    assert poll.content.decode().startswith('<p id="split-poll"') and len(poll.content) < 600
    article_split(article_id=article.pk)
    done = browser_client.get(status_url, HTTP_HX_REQUEST="true")
    assert done["HX-Retarget"] == "#article-main"
    assert done.content.decode().lstrip().startswith('<div id="article-main"')
    assert 'class="hl' in done.content.decode()


@pytest.mark.django_db
def test_hostile_html_in_an_article_is_shown_as_text(browser_client: Client) -> None:
    body = (
        'Officials said <script>alert("x")</script> tariffs rose 145%. <img src=x onerror=alert(1)>'
    )
    article = article_ingest(body=body, title="<b>bold</b> title").article
    article_split(article_id=article.pk)
    for url in ["/", article.get_absolute_url()]:
        html = browser_client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;" in html or url == "/"
        assert "<b>bold</b>" not in html


@pytest.mark.django_db
def test_pasting_an_article_stores_it_and_redirects_to_it(browser_client: Client) -> None:
    response = browser_client.post(
        "/articles/new/", {"title": "", "body": "Line one said 145%.\r\nLine two.\r\n"}
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert article.body == "Line one said 145%.\nLine two.\n"
    assert article.added_by is not None


@pytest.mark.django_db
def test_uploading_html_stores_the_article_text(browser_client: Client) -> None:
    html = (
        b"<html><head><title>Exports fall</title></head><body><article><h1>Exports fall</h1>"
        b"<p>China's exports to the United States fell 21% in May from a year earlier, "
        b"according to customs data published on Monday in Beijing.</p>"
        b"<p>The drop followed the tariff increases announced in April by Washington.</p>"
        b"</article></body></html>"
    )
    response = browser_client.post(
        "/articles/new/", {"upload": SimpleUploadedFile("exports.html", html, "text/html")}
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert "fell 21% in May" in article.body
    assert "<p>" not in article.body
    assert article.title == "Exports fall"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "   "}, "The article is empty"),
        ({"upload": ("x.exe", b"MZ\x00\x00binary")}, "Unsupported file type"),
        ({"upload": ("x.txt", b"\x00\x01\x02\x03")}, "binary file"),
        ({"upload": ("x.txt", "caf\xe9".encode("latin-1"))}, "not UTF-8"),
        ({"body": "both", "upload": ("x.txt", b"text")}, "not both"),
    ],
)
@pytest.mark.django_db
def test_bad_form_input_shows_the_reason_and_writes_nothing(
    browser_client: Client, data: dict[str, object], message: str
) -> None:
    post: dict[str, object] = dict(data)
    upload = data.get("upload")
    if isinstance(upload, tuple):
        name, content = upload
        post["upload"] = SimpleUploadedFile(name, content)
    response = browser_client.post("/articles/new/", post)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_pasting_the_same_text_again_opens_the_existing_article(
    browser_client: Client, seed_text: str
) -> None:
    existing = article_ingest(body=seed_text).article
    response = browser_client.post("/articles/new/", {"body": seed_text}, follow=True)
    assert response.redirect_chain[-1][0] == existing.get_absolute_url()
    assert "already ingested" in response.content.decode()
    assert Article.objects.count() == 1


def test_nested_claims_each_get_their_own_clickable_run() -> None:
    from claims.models import Claim
    from claims.selectors import article_text_pieces

    body = "Stocks fell: the Dow 0.99% and the Nasdaq 1.36%. Done."
    sentence = Claim(pk=1, start=0, end=48)
    dow = Claim(pk=2, start=body.index("the Dow"), end=body.index(" and"))
    nasdaq = Claim(pk=3, start=body.index("the Nasdaq"), end=body.index("%.") + 1)
    pieces = article_text_pieces(body, [sentence, dow, nasdaq])
    assert "".join(p.text for p in pieces) == body
    anchors = {p.claim.pk: p.text for p in pieces if p.anchor and p.claim}
    assert anchors == {1: "Stocks fell: ", 2: "the Dow 0.99%", 3: "the Nasdaq 1.36%"}
    assert [p.layers for p in pieces if p.claim and p.claim.pk == 2] == [2]
