"""Turn what a user hands us (pasted text, an uploaded file) into article text, or say why not.

Every door (web form, API, `manage.py ingest`) goes through these checks before anything is
written, so bad input is refused with the same clear message everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES

# C0 controls other than tab, newline, vertical tab, form feed and carriage return, and DEL:
# their presence means the bytes were not meant as text.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class IngestError(ValueError):
    """Input that cannot become an article; the message is shown to the user as is."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class DecodedUpload:
    body: str
    title: str = ""
    source_url: str = ""
    publisher: str = ""


def check_body(body: str, *, max_bytes: int) -> str:
    """Return the body unchanged if it can be an article; raise IngestError if not."""
    if not body or not body.strip():
        raise IngestError("The article is empty: paste or upload some text.", code="empty")
    try:
        size = len(body.encode("utf-8"))
    except UnicodeEncodeError:
        raise IngestError(
            "The text contains characters that are not valid Unicode.", code="encoding"
        ) from None
    if size > max_bytes:
        raise IngestError(
            f"The article is {_mb(size)}; the limit is {_mb(max_bytes)}.", code="too_large"
        )
    if "\x00" in body or len(_CONTROL.findall(body[:100_000])) > 8:
        raise IngestError(
            "This looks like a binary file, not text. Upload .txt, .md or .html.", code="binary"
        )
    return body


def decode_upload(data: bytes, *, filename: str, max_bytes: int) -> DecodedUpload:
    """Decode an uploaded file by its type: text as UTF-8, HTML through trafilatura."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            f"Unsupported file type {suffix or '(none)'!s}: upload .txt, .md or .html.",
            code="unsupported_type",
        )
    if len(data) > max_bytes:
        raise IngestError(
            f"The file is {_mb(len(data))}; the limit is {_mb(max_bytes)}.", code="too_large"
        )
    if b"\x00" in data[:65536]:
        raise IngestError(
            "This looks like a binary file, not text. Upload .txt, .md or .html.", code="binary"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"The file is not UTF-8 text (bad byte at position {exc.start}). "
            "Save it as UTF-8 and upload it again.",
            code="encoding",
        ) from None
    if suffix in HTML_SUFFIXES:
        return _from_html(text, max_bytes=max_bytes)
    return DecodedUpload(body=check_body(text, max_bytes=max_bytes))


def _from_html(html: str, *, max_bytes: int) -> DecodedUpload:
    # Imported here: trafilatura pulls in lxml and takes a moment to import.
    import trafilatura

    body = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )
    if not body or not body.strip():
        raise IngestError("No article text was found in this HTML page.", code="empty")
    meta = trafilatura.extract_metadata(html)
    return DecodedUpload(
        body=check_body(body, max_bytes=max_bytes),
        title=(meta.title or "").strip() if meta else "",
        source_url=(meta.url or "").strip() if meta else "",
        publisher=(meta.sitename or "").strip() if meta else "",
    )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
