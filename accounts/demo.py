"""Demo accounts, one per role. Demo only: the password is public in the README."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from . import roles

DEMO_PASSWORD = "sahakum-demo"  # nosec B105  # the documented demo password; seed_demo refuses to run without DEBUG

DEMO_ACCOUNTS = [
    # username, role, first name, phone
    ("buyer", roles.BUYER, "Sophea", "012000001"),
    ("producer", roles.PRODUCER, "Chenda", "012000002"),
    ("coordinator", roles.GROUP_COORDINATOR, "Sreymom", "012000003"),
    ("trainer", roles.TRAINER, "Bopha", "012000004"),
    ("registry", roles.REGISTRY_OFFICER, "Dara", "012000005"),
    ("safeguarding", roles.SAFEGUARDING_OFFICER, "Malis", "012000006"),
    ("editor", roles.EDITOR, "Vanna", "012000007"),
    ("admin", roles.ADMINISTRATOR, "Admin", "012000008"),
]


def ensure_roles() -> None:
    """Migration 0002 creates the roles; a flushed test database needs them again."""
    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)


def seed_accounts(log=print) -> dict[str, object]:
    ensure_roles()
    User = get_user_model()
    users = {}
    for username, role, first_name, phone in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first_name, phone=phone, email=f"{username}@sahakum.local")
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role in {
                roles.EDITOR,
                roles.ADMINISTRATOR,
                roles.REGISTRY_OFFICER,
                roles.SAFEGUARDING_OFFICER,
                roles.TRAINER,
            }
            user.is_superuser = role == roles.ADMINISTRATOR
            user.save()
            log(f"  account {username} ({role})")
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return users
