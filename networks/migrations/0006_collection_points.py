import accounts.phone
import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models


def copy_free_text_points(apps, schema_editor):
    """Each group's free-text collection point becomes its CollectionPoint (address; village:
    the group's; no slots yet, so pickup stays by arrangement until someone adds them)."""
    Group = apps.get_model("networks", "Group")
    CollectionPoint = apps.get_model("networks", "CollectionPoint")
    rows = Group.objects.exclude(collection_point="").values_list("pk", "village_id", "collection_point")
    CollectionPoint.objects.bulk_create(
        [
            CollectionPoint(group_id=pk, village_id=village_id, address=text.strip()[:200])
            for pk, village_id, text in rows
        ]
    )


def copy_points_back(apps, schema_editor):
    Group = apps.get_model("networks", "Group")
    CollectionPoint = apps.get_model("networks", "CollectionPoint")
    for group_id, address in CollectionPoint.objects.values_list("group_id", "address"):
        Group.objects.filter(pk=group_id).update(collection_point=address)


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0005_phone_validator"),
    ]

    operations = [
        migrations.CreateModel(
            name="CollectionPoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "address",
                    models.CharField(
                        help_text="Where buyers pick up orders, e.g. the village pagoda.",
                        max_length=200,
                        verbose_name="address",
                    ),
                ),
                (
                    "phone",
                    models.CharField(
                        blank=True,
                        help_text="Who buyers call about a pickup.",
                        max_length=20,
                        validators=[accounts.phone.PhoneValidator()],
                        verbose_name="phone",
                    ),
                ),
                (
                    "group",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="collection_point",
                        to="networks.group",
                        verbose_name="group",
                    ),
                ),
                (
                    "village",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="collection_points",
                        to="networks.village",
                        verbose_name="village",
                    ),
                ),
            ],
            options={
                "verbose_name": "collection point",
                "verbose_name_plural": "collection points",
                "ordering": ["group"],
            },
        ),
        migrations.CreateModel(
            name="PickupSlot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                (
                    "weekday",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "Monday"),
                            (1, "Tuesday"),
                            (2, "Wednesday"),
                            (3, "Thursday"),
                            (4, "Friday"),
                            (5, "Saturday"),
                            (6, "Sunday"),
                        ],
                        verbose_name="day",
                    ),
                ),
                ("opens", models.TimeField(verbose_name="opens")),
                ("closes", models.TimeField(verbose_name="closes")),
                (
                    "collection_point",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="slots",
                        to="networks.collectionpoint",
                        verbose_name="collection point",
                    ),
                ),
            ],
            options={
                "verbose_name": "pickup slot",
                "verbose_name_plural": "pickup slots",
                "ordering": ["weekday", "opens"],
                "abstract": False,
            },
        ),
        migrations.RunPython(copy_free_text_points, copy_points_back),
        migrations.RemoveField(
            model_name="group",
            name="collection_point",
        ),
    ]
