from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    """Trader inquiries become the first step of a quote (issue 14): same table, renamed."""

    dependencies = [
        ("marketplace", "0006_order_language"),
        ("networks", "0005_phone_validator"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RenameModel("Inquiry", "Quote")]
