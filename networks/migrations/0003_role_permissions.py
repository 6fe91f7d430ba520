"""Registry roles: registry officers keep the registry (but never see protected members — that is
enforced by the views, not by permissions); safeguarding officers and administrators get all of it."""

from django.db import migrations

from accounts.migration_helpers import grant

GEOGRAPHY_VIEW = ["networks.view_province", "networks.view_district", "networks.view_commune", "networks.view_village"]
REGISTRY = GEOGRAPHY_VIEW + [
    "networks.view_network",
    "networks.view_group",
    "networks.add_group",
    "networks.change_group",
    "networks.view_member",
    "networks.add_member",
    "networks.change_member",
    "networks.import_member",
    "networks.view_membership",
    "networks.add_membership",
    "networks.change_membership",
    "networks.view_meeting",
    "networks.add_meeting",
    "networks.change_meeting",
]
SAFEGUARDING = REGISTRY + [
    "networks.delete_group",
    "networks.delete_member",
    "networks.anonymise_member",
    "networks.delete_membership",
    "networks.delete_meeting",
]
ADMINISTRATOR = SAFEGUARDING + [
    f"networks.{action}_{model}"
    for model in ("province", "district", "commune", "village", "network")
    for action in ("add", "change", "delete")
]


def grant_roles(apps, schema_editor):
    grant(apps, "Registry officer", REGISTRY)
    grant(apps, "Safeguarding officer", SAFEGUARDING)
    grant(apps, "Administrator", ADMINISTRATOR)


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0002_member_cluster_permissions_indexes"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
