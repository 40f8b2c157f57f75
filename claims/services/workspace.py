"""Backup and restore of a newsroom's work: every row of its records in one JSON document.

The file holds the users (without password hashes), their roles and every table of the claims
app, primary keys included, so the public addresses (/reviews/<public_id>, ClaimReview ids)
survive a restore. Sessions, API tokens and login-throttling rows are left out: they are
credentials or short-lived state, not work.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from claims.errors import WorkflowError
from claims.extraction import EXTRACTOR_VERSION
from claims.models import (
    Article,
    ArticleBand,
    ArticleVersion,
    Citation,
    Claim,
    ClaimMatch,
    ClaimVector,
    Comment,
    ConflictGroup,
    ConflictMember,
    EditorialChecklist,
    HistoryEvent,
    Rating,
    ReportExport,
    SiteSettings,
    Tag,
    Verdict,
    VerdictRevision,
)
from claims.reports.storage import write_atomically

FORMAT = "factcheck-workspace"
FORMAT_VERSION = 1

# Every table in the backup, in the order an import writes them: each after the models it points
# to. Tests check the order and that no model of the claims app is missing from this list.
WORKSPACE_MODELS: list[type[models.Model]] = [
    Group,
    User,
    Rating,
    Tag,
    SiteSettings,
    EditorialChecklist,
    Article,
    ArticleVersion,
    ArticleBand,
    Claim,
    # Derived from the claims, but kept: restoring a large archive should not have to embed
    # every claim again before "checked before?" answers.
    ClaimVector,
    ClaimMatch,
    ConflictGroup,
    ConflictMember,
    Verdict,
    Citation,
    VerdictRevision,
    Comment,
    HistoryEvent,
    ReportExport,
]
# Rows a fresh database already has (migrate makes the roles and the rating scale, `load()` the
# singletons): a database holding only these counts as empty, and the backup's rows replace them.
SEEDED_MODELS: set[type[models.Model]] = {Group, Rating, SiteSettings, EditorialChecklist}
# Permissions are rows migrate makes, with ids of each database's own: groups and users name
# them by natural key (codename, app, model), and users name their groups, instead of by id.
NATURAL_KEY_MODELS: set[type[models.Model]] = {Group, User}
# Never in the file: an imported user gets an unusable password and must set a new one.
OMITTED_FIELDS: dict[type[models.Model], set[str]] = {User: {"password"}}


class WorkspaceError(WorkflowError):
    """A backup that cannot be read or restored here; the message says why."""


@dataclass(frozen=True)
class WorkspaceSummary:
    rows: dict[str, int]
    usernames: list[str] = field(default_factory=list)
    # Migrations this database has that the backup predates: their data steps never ran on it.
    newer_migrations: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """Return the row counts as a person reads them: "2 articles, 9 claims, ..."."""
        parts = []
        for model in WORKSPACE_MODELS:
            count = self.rows.get(model._meta.label_lower, 0)
            name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            parts.append(f"{count} {name}")
        return ", ".join(parts)


class _LosslessEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but keeping microseconds: it cuts datetimes to milliseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


# --- Export ----------------------------------------------------------------------------------


def workspace_export(*, path: Path | str) -> WorkspaceSummary:
    """Write every row of the workspace to `path`: JSON, gzip'd when the name ends in .gz."""
    path = Path(path)
    document = _snapshot()
    data = json.dumps(document, cls=_LosslessEncoder, ensure_ascii=False).encode("utf-8")
    if path.name.endswith(".gz"):
        data = gzip.compress(data)
    try:
        # Beside the target, then renamed: an interrupted export never leaves half a backup.
        write_atomically(path.absolute(), data)
    except OSError as exc:
        raise WorkspaceError(f"Cannot write {path}: {exc.strerror or exc}") from None
    rows = {label: len(items) for label, items in document["models"].items()}
    return WorkspaceSummary(rows=rows)


def _snapshot() -> dict[str, Any]:
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # One snapshot for every table: a verdict written while the export runs is either
            # in the file with its claim, or not at all. (SQLite's transaction is one already.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        tables = {model._meta.label_lower: _rows(model) for model in WORKSPACE_MODELS}
        migrations = _applied_migrations()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "extractor_version": EXTRACTOR_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "migrations": migrations,
        "models": tables,
    }


def _rows(model: type[models.Model]) -> list[dict[str, Any]]:
    many = [f.name for f in model._meta.many_to_many]
    if model is User:
        many.append("user_permissions__content_type")
    if model is Group:
        many.append("permissions__content_type")
    queryset = model._base_manager.order_by("pk").prefetch_related(*many)
    serialized = serializers.serialize(
        "python",
        queryset.iterator(chunk_size=2000),
        use_natural_foreign_keys=model in NATURAL_KEY_MODELS,
    )
    omitted = OMITTED_FIELDS.get(model, set())
    rows = []
    for item in serialized:
        fields = {name: value for name, value in item["fields"].items() if name not in omitted}
        for relation in model._meta.many_to_many:
            # In a stable order, so the same data always gives the same file.
            fields[relation.name] = sorted(fields[relation.name])
        rows.append({"pk": item["pk"], "fields": fields})
    return rows


def _applied_migrations() -> dict[str, list[str]]:
    apps = {model._meta.app_label for model in WORKSPACE_MODELS}
    applied = MigrationRecorder(connection).applied_migrations()
    return {app: sorted(name for label, name in applied if label == app) for app in sorted(apps)}


# --- Import ----------------------------------------------------------------------------------


def workspace_import(*, path: Path | str) -> WorkspaceSummary:
    """Restore a backup into an empty workspace, in one transaction: all of it or nothing.

    Imported users get an unusable password: the backup holds none.
    """
    path = Path(path)
    document = _read(path)
    tables = _tables(document)
    newer = _check_migrations(document)
    _require_empty()
    try:
        with transaction.atomic():
            for model in reversed(WORKSPACE_MODELS):
                if model in SEEDED_MODELS and model._meta.label_lower in tables:
                    model._base_manager.all().delete()
            for model in WORKSPACE_MODELS:
                _load(model, tables.get(model._meta.label_lower, []))
            # Foreign keys are checked at commit; check now, to report them as the others.
            connection.check_constraints()
            _reset_sequences()
    except DatabaseError as exc:
        raise WorkspaceError(f"The backup does not fit this database: {exc}") from None
    return WorkspaceSummary(
        rows={label: len(rows) for label, rows in tables.items()},
        usernames=sorted(row["fields"].get("username", "") for row in tables.get("auth.user", [])),
        newer_migrations=newer,
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WorkspaceError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if raw[:2] == b"\x1f\x8b":  # gzip's magic number, whatever the file is called
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise WorkspaceError(
                f"{path} is not a complete gzip file ({exc}): the backup may be truncated."
            ) from None
    try:
        document = json.loads(raw)
    except UnicodeDecodeError:
        raise WorkspaceError(
            f"{path} is not UTF-8 text: it is not a workspace backup, or it was cut short."
        ) from None
    except json.JSONDecodeError as exc:
        raise WorkspaceError(
            f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}): "
            "it is not a workspace backup, or it was cut short."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise WorkspaceError(f"{path} is not a workspace backup (made by export_workspace).")
    return document


def _tables(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Return the backup's rows by model label, once its shape is known to be right."""
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise WorkspaceError(
            f"The backup is in format version {version!r}; this version of the workbench reads "
            f"version {FORMAT_VERSION} only."
        )
    tables = document.get("models")
    if not isinstance(tables, dict):
        raise WorkspaceError("The backup has no tables (its 'models' entry is missing).")
    known = {model._meta.label_lower for model in WORKSPACE_MODELS}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise WorkspaceError(
            f"The backup has tables this version does not know ({', '.join(unknown)}): "
            "restore it with the version of the workbench that made it."
        )
    for label, rows in tables.items():
        if not isinstance(rows, list) or not all(_is_row(row) for row in rows):
            raise WorkspaceError(f"The backup's {label} rows are damaged.")
    return tables


def _is_row(row: object) -> bool:
    return isinstance(row, dict) and "pk" in row and isinstance(row.get("fields"), dict)


def _check_migrations(document: dict[str, Any]) -> list[str]:
    """Refuse a backup of a newer schema; return this database's migrations it predates."""
    recorded = document.get("migrations")
    if not isinstance(recorded, dict):
        raise WorkspaceError("The backup does not say which schema it was made with.")
    theirs = {f"{app}.{name}" for app, names in recorded.items() for name in names}
    ours = {f"{app}.{name}" for app, names in _applied_migrations().items() for name in names}
    missing = sorted(theirs - ours)
    if missing:
        raise WorkspaceError(
            f"The backup was made with a newer schema ({', '.join(missing)} not applied here): "
            "update the workbench and run `manage.py migrate` first."
        )
    return sorted(ours - theirs)


def _require_empty() -> None:
    found = [
        str(model._meta.verbose_name_plural)
        for model in WORKSPACE_MODELS
        if model not in SEEDED_MODELS and model._base_manager.exists()
    ]
    if found:
        raise WorkspaceError(
            f"This database already holds {', '.join(found)}: a backup is restored only into a "
            "fresh database (create one and run `manage.py migrate`, nothing else), never "
            "merged into existing work."
        )


def _load(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    label = model._meta.label_lower
    try:
        for item in serializers.deserialize("python", _with_model(label, rows)):
            if isinstance(item.object, User):
                item.object.set_unusable_password()
            # `.set([])` would still cost a query per row; an empty relation needs no write.
            item.m2m_data = {name: ids for name, ids in (item.m2m_data or {}).items() if ids}
            # A raw save, as loaddata's: it keeps created_at and updated_at as stored (a
            # bulk_create would stamp them with now) and skips custom save() methods, so
            # Article.content_hash comes from the backup too.
            item.save(force_insert=True)
    except (DeserializationError, FieldDoesNotExist, ValidationError) as exc:
        raise WorkspaceError(f"The backup's {label} rows cannot be read: {exc}") from None
    except DatabaseError as exc:
        raise WorkspaceError(f"The backup's {label} rows do not fit this database: {exc}") from None


def _with_model(label: str, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for row in rows:
        yield {"model": label, "pk": row["pk"], "fields": row["fields"]}


def _reset_sequences() -> None:
    # Rows came in with their ids: move PostgreSQL's sequences past them, or the next article
    # would take an id already used. SQLite moves its own counters and returns no SQL.
    statements = connection.ops.sequence_reset_sql(no_style(), WORKSPACE_MODELS)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
