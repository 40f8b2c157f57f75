"""Report files on disk: finished exports, and article PDFs cached per version of the article."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from claims.reports import render

# The generation time is the one thing in a report that changes when nothing else does.
_TIMELESS = datetime(2000, 1, 1, tzinfo=UTC)


def write_atomically(path: os.PathLike[str] | str, data: bytes) -> None:
    with atomic_file(path) as handle:
        handle.write(data)


@contextmanager
def atomic_file(path: os.PathLike[str] | str) -> Iterator[BinaryIO]:
    """Open a file to write `path` as it goes; it takes the name only once complete.

    Written beside the target and renamed, so a download never sees half a file; removed if
    the writing fails.
    """
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=directory, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def fingerprint(report: render.Report) -> str:
    """A digest of everything the report shows, its generation time left out.

    Taken over the rendered page rather than over row versions: any change a reader would see
    (a verdict, a claim, a citation, a rating's label, the publisher's name, the layout itself)
    gives a new digest, including writes that bypass `updated_at`, and nothing else does.
    """
    page = render.to_html(replace(report, generated_at=_TIMELESS))
    return hashlib.sha256(page.encode()).hexdigest()[:32]


def article_pdf_folder() -> Path:
    return Path(settings.EXPORT_ROOT) / "article-reports"


def article_pdf(report: render.Report, *, article_id: int) -> bytes:
    """Return the article's PDF, laid out once per version of its content, then read from disk.

    WeasyPrint needs about a second for an article; rendering the page to fingerprint it takes
    milliseconds. The file lives under EXPORT_ROOT, which the web processes and the worker share.
    """
    kind = "internal" if report.internal else "shareable"
    folder = article_pdf_folder()
    path = folder / f"article-{article_id}-{kind}-{fingerprint(report)}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    pdf = render.to_pdf(report)
    write_atomically(path, pdf)
    # Older versions of this article's PDF can never be asked for again.
    for stale in folder.glob(f"article-{article_id}-{kind}-*.pdf"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return pdf
