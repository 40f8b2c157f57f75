"""Bad input gets a clear message and writes nothing, through every door."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from claims.ingest import IngestError, decode_upload
from claims.models import Article, HistoryEvent
from claims.services import article_ingest

LIMIT = 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("", "empty"),
        ("   \n\t  \n", "empty"),
        ("text with a \x00 NUL byte", "binary"),
        ("lone surrogate \ud800 here", "encoding"),
        ("\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10 binary junk", "binary"),
    ],
)
@pytest.mark.django_db
def test_bad_text_is_refused_and_nothing_is_written(body: str, code: str) -> None:
    with pytest.raises(IngestError) as excinfo:
        article_ingest(body=body)
    assert excinfo.value.code == code
    assert excinfo.value.message  # a sentence a person can act on
    assert Article.objects.count() == 0
    assert HistoryEvent.objects.count() == 0


@pytest.mark.django_db
def test_text_over_the_size_limit_is_refused(settings) -> None:
    settings.ARTICLE_MAX_BYTES = 1000
    with pytest.raises(IngestError, match="limit is"):
        article_ingest(body="word " * 300)
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.txt", "binary"),
        ("Caf\xe9 au lait co\xfbte 3 \x80.".encode("latin-1"), "latin1.txt", "encoding"),
        (b"%PDF-1.7 ...", "report.pdf", "unsupported_type"),
        (b"some text", "noextension", "unsupported_type"),
        (b"", "empty.txt", "empty"),
        (
            b"<html><head><script>var x = 1;</script></head><body></body></html>",
            "page.html",
            "empty",
        ),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(data: bytes, filename: str, code: str) -> None:
    with pytest.raises(IngestError) as excinfo:
        decode_upload(data, filename=filename, max_bytes=LIMIT)
    assert excinfo.value.code == code


def test_upload_over_the_limit_is_refused() -> None:
    with pytest.raises(IngestError) as excinfo:
        decode_upload(b"a" * 2000, filename="big.txt", max_bytes=1000)
    assert excinfo.value.code == "too_large"


def test_text_upload_is_kept_exactly_as_sent() -> None:
    text = "Line one.\r\n\r\n  • A bullet with “quotes” 🙂\n"
    assert decode_upload(text.encode(), filename="a.TXT", max_bytes=LIMIT).body == text


def test_utf8_byte_order_mark_is_not_part_of_the_article() -> None:
    decoded = decode_upload("\ufeffHello world.".encode(), filename="a.md", max_bytes=LIMIT)
    assert decoded.body == "Hello world."


def test_html_upload_becomes_clean_article_text() -> None:
    html = b"""<html><head><title>Tariffs hit 145%</title>
    <script>alert('x')</script><style>p{color:red}</style></head><body>
    <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe</a></nav>
    <article><h1>Tariffs hit 145%</h1>
    <p>The United States raised its tariff on Chinese goods to 145% in April 2025,
    officials said.</p>
    <p>China answered with a 125% tariff on American goods, according to Beijing's
    commerce ministry,
    which also restricted exports of seven rare earth elements.</p>
    <p>Markets fell sharply: the Dow Jones dropped 0.99% and the Nasdaq fell 1.36% on Thursday.</p>
    </article><footer>Copyright 2025. All rights reserved.</footer></body></html>"""
    decoded = decode_upload(html, filename="story.html", max_bytes=LIMIT)
    assert "tariff on Chinese goods to 145%" in decoded.body
    assert "0.99%" in decoded.body
    assert "alert(" not in decoded.body
    assert "<p>" not in decoded.body
    assert "Subscribe" not in decoded.body
    assert decoded.title == "Tariffs hit 145%"


@pytest.mark.django_db
def test_same_text_twice_points_to_the_existing_article(seed_text: str) -> None:
    first = article_ingest(body=seed_text)
    second = article_ingest(body=seed_text, title="Another title")
    assert first.created and not second.created
    assert second.article.pk == first.article.pk
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_ingest_keeps_the_body_byte_for_byte_and_guesses_a_title(seed_text: str) -> None:
    article = article_ingest(body=seed_text).article
    article.refresh_from_db()
    assert article.body == seed_text
    assert article.title == seed_text.splitlines()[0].strip()
    assert article.status == Article.Status.QUEUED


@pytest.mark.django_db
def test_ingest_command_adds_each_seed_once(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import SEEDS

    paths = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    call_command("ingest", *paths)
    assert Article.objects.count() == 5
    call_command("ingest", *paths)
    assert Article.objects.count() == 5
    assert "already there" in capsys.readouterr().out


@pytest.mark.django_db
def test_ingest_command_reports_bad_files_and_writes_nothing_for_them(tmp_path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("The tariff was raised to 145% in April.")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    missing = tmp_path / "missing.txt"
    with pytest.raises(CommandError, match="2 of 3"):
        call_command("ingest", str(good), str(binary), str(missing))
    assert list(Article.objects.values_list("body", flat=True)) == [good.read_text()]


@pytest.mark.django_db
def test_windows_line_endings_are_stored_as_newlines_so_offsets_match_the_browser() -> None:
    first = article_ingest(body="Exports fell 21%.\r\nImports rose 3%.\r\n").article
    assert first.body == "Exports fell 21%.\nImports rose 3%.\n"
    again = article_ingest(body="Exports fell 21%.\nImports rose 3%.\n")
    assert not again.created and again.article.pk == first.pk


@pytest.mark.django_db
def test_an_unusable_source_url_is_dropped_not_stored() -> None:
    article = article_ingest(
        body="Some text.", source_url="https://x.example/" + "a" * 2100
    ).article
    assert article.source_url == ""
