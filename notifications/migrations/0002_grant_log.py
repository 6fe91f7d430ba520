from django.db import migrations

from accounts.migration_helpers import grant


def grant_log(apps, schema_editor):
    # Administrators read the message log; safeguarding officers too (they alone also see the
    # entries of protected registry members, as in the registry itself).
    for role in ("Administrator", "Safeguarding officer"):
        grant(apps, role, ["notifications.view_delivery"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_log, migrations.RunPython.noop)]
