"""Trigram search for product keywords on PostgreSQL (misspellings); nothing on SQLite, where
keyword search uses the segmented words only."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS marketplace_product_search_trgm "
        "ON marketplace_product USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS marketplace_product_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0002_catalog_orders")]

    operations = [migrations.RunPython(forwards, backwards)]
