"""Database rules a check constraint cannot express, plus the roles and the default rating scale."""

from django.db import migrations

SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER claim_span_inside_article_insert
    BEFORE INSERT ON claims_claim
    WHEN NEW."end" > (SELECT length(body) FROM claims_article WHERE id = NEW.article_id)
    BEGIN SELECT RAISE(ABORT, 'claim span lies outside its article'); END;
    """,
    """
    CREATE TRIGGER claim_span_inside_article_update
    BEFORE UPDATE OF start, "end", article_id ON claims_claim
    WHEN NEW."end" > (SELECT length(body) FROM claims_article WHERE id = NEW.article_id)
    BEGIN SELECT RAISE(ABORT, 'claim span lies outside its article'); END;
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS claim_span_inside_article_insert;",
    "DROP TRIGGER IF EXISTS claim_span_inside_article_update;",
]

POSTGRES_TRIGGER = """
CREATE FUNCTION claims_claim_span_inside_article() RETURNS trigger AS $$
BEGIN
    IF NEW."end" > (SELECT char_length(body) FROM claims_article WHERE id = NEW.article_id) THEN
        RAISE EXCEPTION 'claim span lies outside its article' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER claim_span_inside_article
BEFORE INSERT OR UPDATE OF start, "end", article_id ON claims_claim
FOR EACH ROW EXECUTE FUNCTION claims_claim_span_inside_article();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS claim_span_inside_article ON claims_claim;
DROP FUNCTION IF EXISTS claims_claim_span_inside_article();
"""

GROUPS = ["Reviewer", "Editor", "Admin"]

RATINGS = [
    # label, description, colour, value (ClaimReview ratingValue, 1 worst .. 5 best; 0 unrated)
    ("True", "The claim is accurate and nothing significant is missing.", "#15803d", 5),
    ("Mostly true", "Accurate, but needs clarification or extra information.", "#65a30d", 4),
    ("Half true", "Partially accurate but leaves out important details or context.", "#ca8a04", 3),
    ("Mostly false", "Contains an element of truth but ignores critical facts.", "#ea580c", 2),
    ("False", "The claim is not accurate.", "#b91c1c", 1),
    ("Misleading", "Accurate in parts but presented to give a false impression.", "#9333ea", 2),
    ("Unproven", "The evidence available neither proves nor disproves the claim.", "#6b7280", 0),
]


def span_trigger_forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGER)


def span_trigger_backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


def add_groups_and_ratings(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Rating = apps.get_model("claims", "Rating")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    for order, (label, description, colour, value) in enumerate(RATINGS):
        Rating.objects.get_or_create(
            label=label,
            defaults={"description": description, "colour": colour, "order": order, "value": value},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("claims", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(span_trigger_forwards, span_trigger_backwards),
        migrations.RunPython(add_groups_and_ratings, migrations.RunPython.noop),
    ]
