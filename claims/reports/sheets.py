"""Spreadsheet exports: CSV (streamed, one row per verdict) and XLSX (Verdicts and Citations)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from django.utils import timezone

from claims.reports.data import CITATION_FIELDS, Entry
from claims.validators import is_web_url


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header, the attribute it shows and how wide it opens."""

    name: str
    width: int = 14  # characters, for the XLSX
    attr: str = ""  # the attribute read, when it is not the header
    link: bool = False  # an address: a hyperlink in the XLSX

    def value(self, row: object) -> Any:
        return getattr(row, self.attr or self.name)


def values(columns: Iterable[Column], row: object) -> list[Any]:
    return [column.value(row) for column in columns]


# Statuses, kinds and stances show their labels: these sheets are read by people (the JSON
# export carries the codes).
VERDICT_COLUMNS = (
    Column("claim_id", 9),
    Column("claim", 50),
    Column("claimant", 24),
    Column("said_on", 12),
    Column("quote", 50),
    Column("quote_url", 24, link=True),
    Column("article_id", 9),
    Column("article_title", 36),
    Column("article_url", 24, link=True),
    Column("publisher", 18),
    Column("claim_status", 12, attr="claim_status_label"),
    Column("kind", 16, attr="kind_label"),
    Column("verdict_id", 9),
    Column("verdict_status", 14, attr="verdict_status_label"),
    Column("rating", 14),
    Column("rating_value", 8),
    Column("summary", 50),
    Column("rationale", 80),
    Column("reviewer", 14),
    Column("editor", 14),
    Column("submitted_at", 17),
    Column("approved_at", 17),
    Column("corrected", 10),
    Column("corrected_at", 17),
    Column("correction_note", 40),
    Column("review_url", 24, link=True),
)
CITATION_WIDTHS = {"quote": 50, "title": 36, "url": 30, "archived_url": 30, "publisher": 18}
CITATION_COLUMNS = tuple(
    Column(
        name,
        CITATION_WIDTHS.get(name, 12),
        attr="stance_label" if name == "stance" else "",
        link=name.endswith("url"),
    )
    for name in CITATION_FIELDS
)

# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """Neutralise spreadsheet formulas: the cell shows the text, never runs it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_text(value: Any) -> str:
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    return safe_cell(value)


def _numbered(n: int) -> list[str]:
    return [f"citation_{n}_{column.name}" for column in CITATION_COLUMNS]


INTERNAL_MARK = "INTERNAL: includes draft verdicts. Do not share or publish."


def csv_rows(entries: Iterable[Entry], *, citations: int, internal: bool = False) -> Iterator[str]:
    """Yield CSV text line by line, header first, so a big export can stream.

    The file starts with a UTF-8 byte order mark, without which Excel reads it as ANSI.
    Citations are numbered columns (`citation_1_url`, …) up to `citations`, the most any
    verdict in the selection has, so every field of every citation keeps its own cell. An
    internal report opens with a `report` column saying so on every row, so a forwarded or
    pasted copy still says it holds drafts.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    header = (["report"] if internal else []) + [column.name for column in VERDICT_COLUMNS]
    for n in range(1, citations + 1):
        header += _numbered(n)
    writer.writerow(header)
    yield "\ufeff" + flush()
    blank = [""] * len(CITATION_COLUMNS)
    for item in entries:
        row = [INTERNAL_MARK] if internal else []
        row += [_csv_text(v) for v in values(VERDICT_COLUMNS, item)]
        for source in item.citations[:citations]:
            row += [_csv_text(v) for v in values(CITATION_COLUMNS, source)]
        row += blank * (citations - len(item.citations))
        writer.writerow(row)
        yield flush()


# Excel's limits: longer text is refused, and more links per sheet make it "repair" the file.
XLSX_MAX_TEXT = 32_767
XLSX_MAX_LINKS = 65_530
TRUNCATED = " […cut: Excel keeps 32,767 characters a cell; the JSON export has it all]"


@dataclass(frozen=True)
class SheetInfo:
    title: str
    author: str
    internal: bool = False


def to_xlsx(entries: Iterable[Entry], info: SheetInfo) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(entries, info, buffer)
    return buffer.getvalue()


def write_xlsx(entries: Iterable[Entry], info: SheetInfo, out: BinaryIO) -> None:
    """Write a workbook: Verdicts (one row per verdict) and Citations (one row per citation).

    openpyxl's write-only mode streams rows to temporary files as they are added, so memory
    stays flat however many verdicts there are; the sheets are then zipped into `out`.
    """
    # Imported here, like WeasyPrint for PDFs: only XLSX exports need it.
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.properties.title = info.title
    book.properties.creator = info.author
    if info.internal:
        book.properties.keywords = "internal"
        book.properties.subject = INTERNAL_MARK
        # The first sheet a person sees says it, not only the file's properties.
        about = book.create_sheet("Internal")
        about.append([INTERNAL_MARK])
    verdicts = _Sheet(book, "Verdicts", VERDICT_COLUMNS)
    sources = _Sheet(
        book,
        "Citations",
        (Column("verdict_id", 9), Column("claim_id", 9), Column("number", 8), *CITATION_COLUMNS),
    )
    for item in entries:
        verdicts.append(values(VERDICT_COLUMNS, item))
        for number, source in enumerate(item.citations, start=1):
            cited = values(CITATION_COLUMNS, source)
            sources.append([item.verdict_id, item.claim_id, number, *cited])
    verdicts.close()
    sources.close()
    book.save(out)


class _Sheet:
    """A write-only worksheet with a frozen, filterable header row and typed cells."""

    def __init__(self, book: Any, title: str, columns: tuple[Column, ...]) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self.sheet = book.create_sheet(title)
        self.columns = columns
        self.rows = 1
        self.links = 0
        self._cell: Callable[..., Any] = WriteOnlyCell
        # Widths and the frozen header are written before the first row: set them first.
        for index, column in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for column in columns:
            cell = WriteOnlyCell(self.sheet, value=column.name)
            cell.font = bold
            header.append(cell)
        self.sheet.append(header)
        self.last_column = get_column_letter(len(columns))

    def append(self, row: list[Any]) -> None:
        self.rows += 1
        self.sheet.append([self._typed(v, c) for v, c in zip(row, self.columns, strict=True)])

    def _typed(self, value: Any, column: Column) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            # Excel has no time zones: times are written in the workbench's own zone.
            cell = self._cell(self.sheet, value=timezone.localtime(value).replace(tzinfo=None))
            cell.number_format = "yyyy-mm-dd hh:mm"
            return cell
        if isinstance(value, date):
            cell = self._cell(self.sheet, value=value)
            cell.number_format = "yyyy-mm-dd"
            return cell
        if not isinstance(value, str):
            return value  # numbers and booleans keep their type
        text = _clean(value)
        cell = self._cell(self.sheet, value=text)
        # Typed as text, a cell starting with "=" is shown as written and never evaluated.
        cell.data_type = "s"
        if column.link and is_web_url(text) and self.links < XLSX_MAX_LINKS:
            self.links += 1
            cell.hyperlink = text
            cell.style = "Hyperlink"
        return cell

    def close(self) -> None:
        if self.rows > 1:
            self.sheet.auto_filter.ref = f"A1:{self.last_column}{self.rows}"


def _clean(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # Control characters are invalid in the file's XML: Excel would refuse to open it.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > XLSX_MAX_TEXT:
        text = text[: XLSX_MAX_TEXT - len(TRUNCATED)] + TRUNCATED
    return text
