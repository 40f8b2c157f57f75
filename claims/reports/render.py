"""Turn a report into a document: HTML, PDF, JSON and Markdown (spreadsheets: sheets.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO, Protocol
from urllib.parse import quote

from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone

from claims.models import SiteSettings
from claims.reports.claimreview import site_url
from claims.reports.data import Entry, Source, rating_scale

FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "claimreview": ("application/ld+json", "jsonld"),
}
# Raised whenever the JSON report changes shape, so consumers can tell which one they read.
JSON_FORMAT_VERSION = 2

INTERNAL_WARNING = (
    "Internal report: it includes draft verdicts no editor has approved. "
    "Do not share or publish it."
)


class Entries(Protocol):
    """Entries a report lists: a list, or a stream read once whose length is known beforehand
    (the headings give it before the first entry is written)."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Entry]: ...


class Stream:
    """Entries read once as they come from the database, with their number known beforehand."""

    def __init__(self, entries: Iterable[Entry], count: int) -> None:
        self.entries = entries
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)


@dataclass
class Report:
    title: str
    subtitle: str
    approved: Entries = field(default_factory=list)
    open: Entries = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # An internal report shows the draft verdicts of open claims; any other may be shared.
    internal: bool = False
    # What the report covers, for machine readers: {"article": {...}} or {"selection": {...}}.
    scope: dict[str, Any] = field(default_factory=dict)
    generated_at: datetime = field(default_factory=timezone.now)

    @property
    def open_note(self) -> str:
        if self.internal:
            return "Drafts as they stand now: not approved, not published."
        return "Accepted for checking; no verdict has been published yet."

    def meta(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "generated_at": self.generated_at.isoformat(),
            "generated": self.generated_at.strftime("%-d %b %Y %H:%M UTC"),
            "publisher": SiteSettings.load().publisher_name,
            "rating_scale_url": site_url(reverse("rating_scale")),
        }


def to_json(report: Report) -> str:
    return "".join(json_chunks(report))


def json_chunks(report: Report) -> Iterator[str]:
    """Yield the JSON report an entry at a time: the same text as one json.dumps(indent=2)."""
    meta = report.meta()
    head = _dumps(
        {
            "format_version": JSON_FORMAT_VERSION,
            "title": report.title,
            "subtitle": report.subtitle,
            "generated_at": meta["generated_at"],
            "publisher": meta["publisher"],
            "internal": report.internal,
            **report.scope,
            "rating_scale": rating_scale().as_dict(meta["rating_scale_url"]),
            "notes": report.notes,
        }
    )
    yield head.removesuffix("\n}")
    for key, entries in (("approved", report.approved), ("open", report.open)):
        yield f',\n  "{key}": '
        yield from json_list_chunks((e.as_dict() for e in entries), depth=1)
    yield "\n}"


def json_list_chunks(items: Iterable[object], *, depth: int = 0) -> Iterator[str]:
    """Yield a JSON array item by item, as json.dumps(indent=2) writes it `depth` levels down."""
    inner = "  " * (depth + 1)
    empty = True
    for item in items:
        # Split on "\n" alone: JSON escapes it inside strings, but not U+2028 or U+0085, which
        # str.splitlines (and so textwrap.indent) would also break at.
        lines = _dumps(item).split("\n")
        yield ("[\n" if empty else ",\n") + "\n".join(inner + line for line in lines)
        empty = False
    yield "[]" if empty else "\n" + "  " * depth + "]"


def _dumps(data: object) -> str:
    # Strings keep their line breaks escaped, so every line of the text is one of the structure.
    return json.dumps(data, ensure_ascii=False, indent=2)


# Characters that change meaning anywhere in a line; the text is always placed after a prefix
# ("### ", "> ", "- "), so list and heading markers at a line start cannot occur.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
# The start of an HTML tag, comment or declaration; an autolink (<https://…>, <a@b.org>) is not.
_RAW_HTML = re.compile(r"<(?=[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)|[/!?])")


def md_escape(text: str) -> str:
    """Escape text from articles and reviewers so it shows as written in any Markdown viewer."""
    flat = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", flat.replace("<", "&lt;").replace(">", "&gt;"))


def md_markdown(text: str) -> str:
    """Keep a reviewer's Markdown as written: emphasis, links, lists and paragraphs.

    Only raw HTML is neutralised (it shows as text), as the HTML report drops it: a report
    opened in a Markdown viewer must not run a reviewer's markup.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    lines = _RAW_HTML.sub("&lt;", lines)
    # Links keep only the schemes the HTML report keeps (nh3): a `javascript:` target becomes
    # inert text, in inline links and autolinks alike.
    return _UNSAFE_LINK.sub(lambda m: m.group(0).replace(m.group("scheme"), "unsafe-link"), lines)


# `](scheme:` or `<scheme:` whose scheme is not http(s) or mailto.
_UNSAFE_LINK = re.compile(
    r"(?:\]\(\s*|<)(?P<scheme>(?!(?:https?|mailto):)[A-Za-z][A-Za-z0-9+.-]*:)", re.I
)


def md_url(url: str) -> str:
    """Percent-encode what could close a Markdown link early and start another one."""
    return quote(url, safe=":/?#@!$&'*+,;=%~[]")


def _md_source(source: Source) -> str:
    label = md_escape(source.title or source.url)
    line = f"1. {md_escape(source.stance_label)}: [{label}]({md_url(source.url)})"
    if source.publisher:
        line += f" — {md_escape(source.publisher)}"
    if source.is_primary:
        line += " (primary source)"
    if source.accessed_at:
        line += f", accessed {source.accessed_at.isoformat()}"
    if source.quote:
        line += f": “{md_escape(source.quote)}”"
    if source.archived_url:
        line += f" · [archived]({md_url(source.archived_url)})"
    return line


def _md_entry(item: Entry) -> list[str]:
    lines = [f"### {md_escape(item.claim)}", ""]
    lines += [f"> {md_escape(item.quote)} ([in the article]({md_url(item.quote_url)}))", ""]
    if item.claimant:
        when = f", {item.said_on.isoformat()}" if item.said_on else ""
        lines.append(f"- **Claimed by:** {md_escape(item.claimant)}{when}")
    if item.rating:
        state = "" if item.published else f" ({md_escape(item.verdict_status_label)})"
        lines.append(f"- **Rating:** {md_escape(item.rating)}{state}")
    if item.summary:
        lines.append(f"- **Claim reviewed:** {md_escape(item.summary)}")
    article = f"[{md_escape(item.article_title)}]({md_url(item.article_url)})"
    if item.publisher:
        article += f" — {md_escape(item.publisher)}"
    lines.append(f"- **Article:** {article}")
    if item.reviewer:
        lines.append(f"- **Reviewer:** {md_escape(item.reviewer)}")
    if item.editor:
        lines.append(f"- **Editor:** {md_escape(item.editor)}")
    if item.approved_at:
        lines.append(f"- **Approved:** {item.approved_at.date().isoformat()}")
    if item.corrected_at:
        lines.append(
            f"- **Corrected on {item.corrected_at.date().isoformat()}:** "
            f"{md_escape(item.correction_note)}"
        )
    if item.review_url:
        lines.append(f"- **Published review:** <{md_url(item.review_url)}>")
    if item.rationale.strip():
        lines += ["", md_markdown(item.rationale)]
    if item.citations:
        lines += ["", "Sources:", ""]
        lines += [_md_source(c) for c in item.citations]
    lines.append("")
    return lines


def to_markdown(report: Report) -> str:
    return "".join(markdown_chunks(report))


def markdown_chunks(report: Report) -> Iterator[str]:
    """Yield the Markdown report line by line; blank lines at the end are left out."""
    blank = 0
    for line in _md_lines(report):
        if line == "":
            blank += 1
            continue
        # Blank lines are held back until a line of text follows them.
        yield "\n" * blank + line + "\n"
        blank = 0


def _md_lines(report: Report) -> Iterator[str]:
    meta = report.meta()
    yield from (f"# {md_escape(report.title)}", "")
    if report.internal:
        yield from (f"**{INTERNAL_WARNING}**", "")
    yield from (md_escape(report.subtitle), "")
    yield (
        f"Generated {meta['generated_at'][:16].replace('T', ' ')} UTC by "
        f"{md_escape(meta['publisher'])}. Rating scale: <{meta['rating_scale_url']}>"
    )
    yield ""
    for heading, items in (("Verdicts", report.approved), ("Still open", report.open)):
        if not len(items):
            continue
        yield from (f"## {heading}", "")
        if items is report.open:
            yield from (f"_{md_escape(report.open_note)}_", "")
        for item in items:
            yield from _md_entry(item)
    for note in report.notes:
        yield f"_{md_escape(note)}_"


def to_html(report: Report) -> str:
    return "".join(html_chunks(report))


def html_chunks(report: Report) -> Iterator[str]:
    """Yield the HTML report entry by entry (the templates in templates/claims/reports/)."""
    context = {"report": report, "meta": report.meta(), "internal_warning": INTERNAL_WARNING}
    yield render_to_string("claims/reports/_report_start.html", context)
    entry = get_template("claims/reports/_entry.html")
    sections = (
        ("verdicts", "Verdicts", report.approved, ""),
        ("open", "Still open", report.open, report.open_note),
    )
    for id_, heading, items, note in sections:
        if not len(items):
            continue
        yield render_to_string(
            "claims/reports/_report_section.html",
            {"id": id_, "heading": heading, "count": len(items), "note": note},
        )
        for item in items:
            yield entry.render({"e": item})
        yield "</section>\n"
    empty = not len(report.approved) and not len(report.open)
    yield render_to_string("claims/reports/_report_end.html", {**context, "empty": empty})


def to_pdf(report: Report) -> bytes:
    pdf = _pdf(report)
    assert pdf is not None
    return bytes(pdf)


def write_pdf(report: Report, out: BinaryIO) -> None:
    """Write the PDF to a file. WeasyPrint lays the whole document out first: it needs every
    entry at once, which is why a big PDF is the worker's job."""
    _pdf(report, out)


def _pdf(report: Report, target: BinaryIO | None = None) -> bytes | None:
    # Imported here: WeasyPrint loads pango and fonts, which only PDF exports need.
    from weasyprint import HTML

    # PDF/UA-1 tags headings, paragraphs, lists and links in reading order for screen readers
    # and marks the file as tagged; title, author and creation date come from the <head>.
    document = HTML(string=to_html(report), base_url=site_url("/"))
    return document.write_pdf(target, pdf_variant="pdf/ua-1")
