"""Store each article's MinHash signature, and give the articles already ingested their
signature and LSH bands, so that a near-copy of an old article is recognised too."""

from django.db import migrations, models

# Articles read and written per round trip: bodies go up to 5 MB, so a batch stays small.
BATCH = 200


def add_signatures_and_bands(apps, schema_editor):
    # The functions the service uses, not a copy: a backfilled article must match exactly as a
    # newly ingested one does. neardup is pure Python with no Django models, so it is safe here.
    import claims.matching.neardup as neardup

    Article = apps.get_model("claims", "Article")
    ArticleBand = apps.get_model("claims", "ArticleBand")
    pending = Article.objects.filter(minhash__isnull=True).only("id", "body").order_by("id")
    last = 0
    # Keyset batches rather than one open cursor: each batch is written before the next is
    # read (SQLite may skip or repeat rows changed under an open read of their table), and
    # memory holds one batch of bodies on either database.
    while batch := list(pending.filter(id__gt=last)[:BATCH]):
        bands = []
        for article in batch:
            signature = neardup.signature(article.body)
            article.minhash = neardup.to_bytes(signature)
            bands.extend(
                ArticleBand(article_id=article.id, key=key) for key in neardup.band_keys(signature)
            )
        Article.objects.bulk_update(batch, ["minhash"])
        # ignore_conflicts: bands an article already has (after a partial run) are kept.
        ArticleBand.objects.bulk_create(bands, ignore_conflicts=True)
        last = batch[-1].id


class Migration(migrations.Migration):
    dependencies = [("claims", "0012_matching_and_versions")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="minhash",
            field=models.BinaryField(editable=False, null=True),
        ),
        # Backwards: the field goes and takes the signatures with it; the bands stay harmless
        # (the ingest of the older code never reads them).
        migrations.RunPython(add_signatures_and_bands, migrations.RunPython.noop, elidable=True),
    ]
