from django.db import migrations

from accounts.migration_helpers import ensure_permissions, grant

EDITORIAL = [
    "wagtailadmin.access_admin",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]
PAGE_PERMISSIONS = {
    "Editor": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    "Administrator": ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"],
}


def grant_roles(apps, schema_editor):
    ensure_permissions(apps)
    grant(apps, "Editor", EDITORIAL)
    grant(apps, "Administrator", EDITORIAL + ["cms.change_sitesettings", "wagtailimages.delete_image"])
    for role in ("Trainer", "Registry officer", "Safeguarding officer"):
        grant(apps, role, ["wagtailadmin.access_admin"])

    Page = apps.get_model("wagtailcore", "Page")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    root = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    for role, codenames in PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
        if root_collection:
            for codename in ("add_image", "change_image", "choose_image"):
                permission = Permission.objects.get(content_type__app_label="wagtailimages", codename=codename)
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("accounts", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0005_editingsession_is_editing"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
