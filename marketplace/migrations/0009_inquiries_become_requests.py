"""Existing inquiries keep their meaning as quote requests:

- open → requested (the group has not answered yet);
- answered → requested, its reply kept as the group's note: the group answered in words but
  offered no price, so it can still make a priced offer (or decline);
- closed → declined (the conversation ended without a sale).

Each gets its secret link token, and the category of its product. The model's permissions keep
their grants under their new names (view_inquiry → view_quote…): roles that could see
inquiries see quotes."""

import secrets

from django.db import migrations

STATUS = {"open": "requested", "answered": "requested", "closed": "declined"}


def forwards(apps, schema_editor):
    Quote = apps.get_model("marketplace", "Quote")
    for quote in Quote.objects.select_related("product").iterator():
        quote.status = STATUS.get(quote.status, quote.status)
        if not quote.access_token:
            quote.access_token = secrets.token_urlsafe(24)
        if quote.product_id and not quote.category_id:
            quote.category_id = quote.product.category_id
        quote.save(update_fields=["status", "access_token", "category"])


def rename_permissions(apps, old: str, new: str, old_label: str, new_label: str) -> None:
    Permission = apps.get_model("auth", "Permission")
    for action in ("add", "change", "delete", "view"):
        permission = Permission.objects.filter(
            content_type__app_label="marketplace", codename=f"{action}_{old}"
        ).first()
        if permission is None:
            continue
        if Permission.objects.filter(content_type__app_label="marketplace", codename=f"{action}_{new}").exists():
            continue
        permission.codename = f"{action}_{new}"
        permission.name = f"Can {action} {new_label}"
        permission.save(update_fields=["codename", "name"])


def forwards_permissions(apps, schema_editor):
    rename_permissions(apps, "inquiry", "quote", "inquiry", "quote")


def backwards_permissions(apps, schema_editor):
    rename_permissions(apps, "quote", "inquiry", "quote", "inquiry")


def backwards(apps, schema_editor):
    Quote = apps.get_model("marketplace", "Quote")
    Quote.objects.filter(status="requested", reply="").update(status="open")
    Quote.objects.filter(status="requested").exclude(reply="").update(status="answered")
    Quote.objects.exclude(status__in=["open", "answered"]).update(status="closed")


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0008_quote_request_and_offer"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(forwards_permissions, backwards_permissions),
    ]
