import importlib

from django.db import migrations, models

# SQLite rebuilds claims_article to add a column; its span trigger on claims_claim names that
# table, so it is dropped for the rebuild and made again after (PostgreSQL is left as it is).
_triggers = importlib.import_module("claims.migrations.0002_span_trigger_groups_ratings")


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _triggers.span_trigger_backwards(apps, schema_editor)


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _triggers.span_trigger_forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0005_report_exports"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.AddField(
            model_name="article",
            name="retired_spans",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
