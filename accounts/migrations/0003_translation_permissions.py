from django.db import migrations

from accounts.migration_helpers import grant


def grant_translation(apps, schema_editor):
    # Editors and administrators create the English copy of a page ("Translate" in the admin).
    for role in ("Editor", "Administrator"):
        grant(apps, role, ["simple_translation.submit_translation"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("simple_translation", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant_translation, migrations.RunPython.noop)]
