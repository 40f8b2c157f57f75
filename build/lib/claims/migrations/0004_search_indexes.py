"""GIN indexes for full-text search on PostgreSQL; SQLite searches without them."""

from django.db import migrations

# The expressions must match what SearchVector(..., config="english") generates in
# claims/selectors.py, or PostgreSQL will not use the index.
INDEXES = {
    "claims_claim_search": (
        "claims_claim",
        """to_tsvector('english'::regconfig, COALESCE("claim_text", '') || ' ' || COALESCE("text", ''))""",
    ),
    "claims_article_search": (
        "claims_article",
        """to_tsvector('english'::regconfig, COALESCE("title", '') || ' ' || COALESCE("body", ''))""",
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING GIN (({expression}))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_workflow")]
    operations = [migrations.RunPython(create, drop)]
