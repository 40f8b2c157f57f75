"""Backup and restore: every row of a newsroom's work survives an export and an import."""

from __future__ import annotations

import gzip
import importlib
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from claims import services
from claims.models import (
    Article,
    Claim,
    ClaimMatch,
    ConflictGroup,
    EditorialChecklist,
    HistoryEvent,
    Rating,
    ReportExport,
    SiteSettings,
    Verdict,
)
from claims.services.matching import article_match, claim_match_confirm, conflict_group_dismiss
from claims.services.workspace import (
    NATURAL_KEY_MODELS,
    WORKSPACE_MODELS,
    WorkspaceError,
    workspace_export,
    workspace_import,
)
from tests.claims.factories import (
    BODY,
    good_input,
    make_article,
    make_user,
    rating,
    submitted_verdict,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

Rows = dict[str, list[dict[str, Any]]]


# --- A newsroom's work, built as its people would ----------------------------------------------


@pytest.fixture
def newsroom(rita: User, rob: User, eddie: User, erin: User, seed_text: str) -> None:
    """Two articles; a verdict published, corrected, and a correction withdrawn; a verdict sent
    back; comments, tags, a custom rating, the admins' settings, a report export and accounts."""
    ada = make_user("ada", "Admin", superuser=True)
    User.objects.filter(pk=ada.pk).update(
        first_name="Ada", last_name="Ngozi", email="ada@news.example.org"
    )
    olga = make_user("olga")  # left the newsroom: kept, for the history she wrote
    User.objects.filter(pk=olga.pk).update(is_active=False, last_login=timezone.now())
    rob.user_permissions.add(Permission.objects.get(codename="view_article"))
    Rating.objects.create(label="Satire", description="Not meant as fact.", colour="#0ea5e9")
    SiteSettings.objects.create(
        pk=1, publisher_name="The Example Post", publisher_url="https://post.example.org/"
    )
    EditorialChecklist.objects.create(pk=1, min_rationale_words=40, require_archived_url=False)

    article = make_article()
    make_article(seed_text, source_url="https://news.example.org/seed")
    first, second = article.claims.order_by("start")[:2]
    services.claim_edit(claim=first, actor=rita, tags=["minerals", "China"])
    services.comment_add(claim=first, actor=rob, body="The USGS table is on page 7 — check it.")

    published = services.verdict_approve(verdict=submitted_verdict(first, rita), editor=eddie)
    correction = services.verdict_correction_open(verdict=published, actor=rita, note="Wrong year")
    services.verdict_save_draft(
        claim=first,
        author=rita,
        verdict=correction,
        version=correction.version,
        data=good_input(rating_id=rating("Mostly false").pk, correction_note="The 2025 table."),
    )
    correction = services.verdict_submit(verdict=Verdict.objects.get(pk=correction.pk), actor=rita)
    corrected = services.verdict_approve(verdict=correction, editor=erin)
    withdrawn = services.verdict_correction_open(verdict=corrected, actor=eddie, note="Typo")
    services.verdict_correction_withdraw(verdict=withdrawn, actor=eddie)

    sent_back = submitted_verdict(Claim.objects.get(pk=second.pk), rob)
    services.verdict_request_changes(verdict=sent_back, editor=eddie, note="Cite the survey.")
    ReportExport.objects.create(
        requested_by=eddie,
        format="csv",
        filters={"status": ["approved"], "q": "minerals"},
        status=ReportExport.Status.DONE,
        total=2,
        done=2,
        file_name="verdicts-1.csv",
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    # The newsroom's memory: another paper repeats a claim and gives another figure (a match
    # and a conflict, one reviewer's decision on each), and a near-copy kept as a version.
    other = make_article(
        "The U.S. depends on China for all of its 15 critical minerals, a report found. "
        "Exports dropped 25% in May, customs data show.",
        source_url="",
    )
    for each in (article, other):
        article_match(article_id=each.pk)
    match = ClaimMatch.objects.first()
    assert match is not None, "the fixture's repeated claim should be matched"
    claim_match_confirm(
        claim=Claim.objects.get(pk=match.claim_low_id), other_id=match.claim_high_id, actor=rob
    )
    group = ConflictGroup.objects.first()
    assert group is not None, "the fixture's two export figures should conflict"
    conflict_group_dismiss(group=group, actor=eddie, note="Different months in the reports.")
    services.article_ingest(body=BODY + " Officials declined to comment.", added_by=rita)


def dump() -> Rows:
    """Every exported model's rows, every concrete field and relation, read back from the ORM."""
    tables: Rows = {}
    for model in WORKSPACE_MODELS:
        rows = []
        for obj in model._base_manager.order_by("pk"):
            row = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
            row.pop("password", None)  # never exported: compared on its own below
            for relation in model._meta.many_to_many:
                related = getattr(obj, relation.name).all()
                row[relation.name] = sorted(str(item) for item in related)
            rows.append(row)
        tables[model._meta.label] = rows
    return tables


def empty_workspace() -> None:
    """Leave the database as `migrate` leaves it: no work, only the roles and rating scale."""
    Verdict.objects.update(corrects=None, original=None)  # PROTECT, even among themselves
    for model in reversed(WORKSPACE_MODELS):
        model._base_manager.all().delete()
    migration = importlib.import_module("claims.migrations.0002_span_trigger_groups_ratings")
    migration.add_groups_and_ratings(django_apps, None)


def restart_sequences() -> None:
    """Point PostgreSQL's sequences back at 1, as in a database that never held these rows."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), WORKSPACE_MODELS):
            cursor.execute(sql)


def file_rows(path: Path) -> Rows:
    raw = path.read_bytes()
    document = json.loads(gzip.decompress(raw) if path.name.endswith(".gz") else raw)
    rows: Rows = document["models"]
    return rows


# --- The backup holds every table -----------------------------------------------------------


def test_every_model_of_the_claims_app_is_in_the_backup() -> None:
    missing = set(django_apps.get_app_config("claims").get_models()) - set(WORKSPACE_MODELS)
    assert not missing, f"add {sorted(m.__name__ for m in missing)} to WORKSPACE_MODELS"


def test_backup_models_come_after_every_model_they_point_to() -> None:
    # Permissions and content types are made by migrate itself; the backup names them by key.
    made_by_migrate = {"auth.Permission", "contenttypes.ContentType"}
    for position, model in enumerate(WORKSPACE_MODELS):
        earlier = {m._meta.label for m in WORKSPACE_MODELS[:position]}
        for field in model._meta.get_fields():
            # Forward relations only (reverse ones are auto-created), and not to itself.
            if field.auto_created or not field.is_relation or field.related_model is model:
                continue
            assert field.related_model is not None
            target = field.related_model._meta.label
            if target in made_by_migrate:
                assert model in NATURAL_KEY_MODELS, f"{model.__name__}.{field.name} by id"
                continue
            assert target in earlier, f"{model.__name__}.{field.name} points to later {target}"


def test_sessions_tokens_and_lockouts_stay_out() -> None:
    labels = {m._meta.label for m in WORKSPACE_MODELS}
    assert not labels & {"sessions.Session", "authtoken.Token", "axes.AccessAttempt"}
    assert not {m._meta.app_label for m in WORKSPACE_MODELS} - {"auth", "claims"}


# --- Round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["workspace.json", "workspace.json.gz"])
def test_a_restore_gives_back_every_row_field_by_field(
    newsroom: None, tmp_path: Path, name: str
) -> None:
    before = dump()
    for label, rows in before.items():
        assert rows, f"the test newsroom has no {label} rows: add some to the fixture"
    statuses = {v.status for v in Verdict.objects.all()}
    assert statuses >= {"approved", "superseded", "withdrawn", "changes_requested"}
    path = tmp_path / name

    out = StringIO()
    call_command("export_workspace", str(path), stdout=out)
    assert f"{len(before['claims.Claim'])} claims" in out.getvalue()
    assert not any("password" in row["fields"] for row in file_rows(path)["auth.user"])
    empty_workspace()
    out = StringIO()
    call_command("import_workspace", str(path), stdout=out)

    after = dump()
    for label in before:
        assert after[label] == before[label], label
    assert "changepassword" in out.getvalue() and "ada" in out.getvalue()
    assert not any(user.has_usable_password() for user in User.objects.all())


def test_a_correction_is_still_published_at_its_first_address(
    newsroom: None, tmp_path: Path
) -> None:
    current = Verdict.objects.published().get(corrects__isnull=False)
    public_id = current.public_id
    workspace_export(path=tmp_path / "w.json")
    empty_workspace()
    workspace_import(path=tmp_path / "w.json")

    restored = Verdict.objects.published().get(pk=current.pk)
    assert restored.public_id == public_id and restored.original_id == public_id
    assert restored.first_published_at == current.first_published_at


def test_new_work_after_a_restore_takes_fresh_ids(
    newsroom: None, eddie: User, tmp_path: Path
) -> None:
    workspace_export(path=tmp_path / "w.json")
    highest = {
        model: max(model._base_manager.values_list("pk", flat=True))
        for model in (Article, Claim, Verdict, HistoryEvent)
    }
    empty_workspace()
    restart_sequences()
    workspace_import(path=tmp_path / "w.json")

    article = make_article("A brand new article. Imports rose 4% in June, the ministry said.")
    claim = article.claims.first()
    assert claim is not None
    verdict = submitted_verdict(claim, User.objects.get(username="rita"))
    services.verdict_approve(verdict=verdict, editor=eddie)
    assert article.pk > highest[Article] and claim.pk > highest[Claim]
    assert verdict.pk > highest[Verdict]
    assert HistoryEvent.objects.order_by("-pk")[0].pk > highest[HistoryEvent]


@pytest.mark.postgres_only
def test_a_postgres_backup_restores_into_sqlite(newsroom: None, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the source of this round trip is PostgreSQL")
    source, copy = tmp_path / "postgres.json.gz", tmp_path / "sqlite.json.gz"
    workspace_export(path=source)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}"}

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    manage("migrate", "--noinput")
    assert "changepassword" in manage("import_workspace", str(source))
    manage("export_workspace", str(copy))

    exported, restored = file_rows(source), file_rows(copy)
    assert exported.keys() == restored.keys()
    for label in exported:
        assert restored[label] == exported[label], label


# --- Refusals ---------------------------------------------------------------------------------


def test_a_workspace_with_work_in_it_is_never_merged_into(newsroom: None, tmp_path: Path) -> None:
    workspace_export(path=tmp_path / "w.json")
    claims = dump()["claims.Claim"]
    with pytest.raises(
        CommandError, match="already holds users, tags, articles, .*claims.*fresh database"
    ):
        call_command("import_workspace", str(tmp_path / "w.json"))
    assert dump()["claims.Claim"] == claims


def test_a_failing_restore_leaves_nothing_behind(newsroom: None, tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    workspace_export(path=path)
    document = json.loads(path.read_text())
    # The last table fails, after every other one was written.
    document["models"]["claims.reportexport"][0]["fields"]["total"] = "many"
    path.write_text(json.dumps(document))
    empty_workspace()
    fresh = dump()

    with pytest.raises(CommandError, match="claims.reportexport.*many"):
        call_command("import_workspace", str(path))
    assert dump() == fresh


def test_a_claim_outside_its_article_is_refused_by_the_database(
    newsroom: None, tmp_path: Path
) -> None:
    path = tmp_path / "w.json"
    workspace_export(path=path)
    document = json.loads(path.read_text())
    document["models"]["claims.claim"][0]["fields"]["end"] = 10**6
    path.write_text(json.dumps(document))
    empty_workspace()

    with pytest.raises(CommandError, match="claims.claim.*outside its article"):
        call_command("import_workspace", str(path))
    assert not Article.objects.exists()


def _valid_document(tmp_path: Path) -> dict[str, Any]:
    workspace_export(path=tmp_path / "valid.json")
    document: dict[str, Any] = json.loads((tmp_path / "valid.json").read_text())
    return document


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not valid JSON"),
        (b"PK\x03\x04 a zip file", "not valid JSON"),
        (b'{"title": "caf\xe9"}', "not UTF-8"),
        (b"[1, 2, 3]", "not a workspace backup"),
        (b'{"format": "something-else"}', "not a workspace backup"),
        (b'{"format": "factcheck-workspace", "format_version": 99}', "format version 99"),
        (b'{"format": "factcheck-workspace", "format_version": 1}', "no tables"),
        (gzip.compress(b'{"format": "factcheck-workspace"}')[:20], "not a complete gzip"),
    ],
)
def test_a_file_that_is_no_backup_is_refused_clearly(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_workspace", str(path))


@pytest.mark.parametrize("name", ["cut.json", "cut.json.gz"])
def test_a_truncated_backup_is_refused_clearly(newsroom: None, tmp_path: Path, name: str) -> None:
    whole = tmp_path / f"whole-{name}"
    workspace_export(path=whole)
    cut = tmp_path / name
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    empty_workspace()
    with pytest.raises(CommandError, match="cut short|truncated"):
        call_command("import_workspace", str(cut))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["models"].update({"claims.widget": []}), "does not know.*claims.widget"),
        (lambda d: d["models"].update({"claims.tag": [{"name": "x"}]}), "claims.tag rows"),
        (lambda d: d["migrations"]["claims"].append("9999_future"), "newer schema.*9999"),
        (lambda d: d.pop("migrations"), "which schema"),
        (
            lambda d: d["models"]["claims.tag"].append({"pk": 99, "fields": {"colour": "red"}}),
            "claims.tag.*colour",
        ),
    ],
)
def test_a_damaged_or_newer_backup_is_refused_clearly(
    db: None, tmp_path: Path, change: Any, message: str
) -> None:
    document = _valid_document(tmp_path)
    change(document)
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match=message):
        call_command("import_workspace", str(path))


def test_a_missing_file_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read .*nowhere.json"):
        call_command("import_workspace", str(tmp_path / "nowhere.json"))


def test_an_unwritable_destination_is_refused_clearly(db: None, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_workspace", str(tmp_path / "taken" / "w.json"))


def test_service_errors_carry_the_message_the_command_shows(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(WorkspaceError, match="not a workspace backup"):
        workspace_import(path=tmp_path / "x.json")


def test_an_empty_workspace_round_trips(db: None, tmp_path: Path) -> None:
    workspace_export(path=tmp_path / "w.json")
    before = dump()
    summary = workspace_import(path=tmp_path / "w.json")
    assert dump() == before
    assert summary.rows["claims.article"] == 0


def _field_names(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def test_the_file_carries_every_concrete_field_but_passwords(
    newsroom: None, tmp_path: Path
) -> None:
    workspace_export(path=tmp_path / "w.json")
    document = json.loads((tmp_path / "w.json").read_text())
    assert document["extractor_version"] and document["created_at"]
    for model in WORKSPACE_MODELS:
        row = document["models"][model._meta.label_lower][0]
        expected = _field_names(model) - {model._meta.pk.name, "password"}
        expected |= {f.name for f in model._meta.many_to_many}
        assert set(row["fields"]) == expected, model.__name__
