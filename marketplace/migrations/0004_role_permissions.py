"""Staff roles get the marketplace's admin permissions. Producers and coordinators work in
My shop (public site), which checks their group membership instead of model permissions."""

from django.db import migrations

from accounts.migration_helpers import grant

MODELS = ["category", "product", "productphoto", "order", "orderline", "fulfilment", "inquiry"]


def forwards(apps, schema_editor):
    everything = [f"marketplace.{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")]
    grant(apps, "Administrator", everything)
    grant(
        apps,
        "Editor",
        [
            "marketplace.add_category",
            "marketplace.change_category",
            "marketplace.view_category",
            "marketplace.add_product",
            "marketplace.change_product",
            "marketplace.view_product",
            "marketplace.view_order",
            "marketplace.change_order",
            "marketplace.view_fulfilment",
            "marketplace.change_fulfilment",
            "marketplace.view_inquiry",
            "marketplace.change_inquiry",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0003_trigram_search"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
