from django.db import migrations

from accounts.migration_helpers import grant

SESSION = [
    "training.add_coursesession",
    "training.change_coursesession",
    "training.delete_coursesession",
    "training.view_coursesession",
]
ENROLMENT_VIEW = ["training.view_enrolment"]


def grant_roles(apps, schema_editor):
    # Trainers: sessions of their assigned courses (object rule in training/permissions.py), rosters.
    grant(apps, "Trainer", SESSION + ENROLMENT_VIEW)
    # Editors and administrators: every session, and matching enrolments to the registry.
    for role in ("Editor", "Administrator"):
        grant(
            apps,
            role,
            SESSION
            + ENROLMENT_VIEW
            + ["training.manage_all_sessions", "training.change_enrolment", "training.link_member"],
        )
    # Registry officers match enrolments with registry members and see training figures.
    grant(apps, "Registry officer", ENROLMENT_VIEW + ["training.link_member"])


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0002_courses_sessions_enrolments"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
