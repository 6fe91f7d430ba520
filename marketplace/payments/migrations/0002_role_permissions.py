"""Administrators run payments (record, refund, settings); editors, who already handle orders,
may see payments and record money received, but not refund."""

from django.db import migrations

from accounts.migration_helpers import grant

MODELS = ["payment", "refund", "webhookevent", "paymentsettings"]


def forwards(apps, schema_editor):
    everything = [f"payments.{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")]
    grant(apps, "Administrator", everything + ["payments.mark_paid", "payments.refund_payment"])
    grant(
        apps,
        "Editor",
        ["payments.view_payment", "payments.view_refund", "payments.view_webhookevent", "payments.mark_paid"],
    )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
