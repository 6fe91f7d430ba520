"""The platform's roles, as Django groups (created by migration 0002)."""

from django.utils.translation import gettext_lazy as _

BUYER = "Buyer"
PRODUCER = "Producer"
GROUP_COORDINATOR = "Group coordinator"
TRAINER = "Trainer"
REGISTRY_OFFICER = "Registry officer"
SAFEGUARDING_OFFICER = "Safeguarding officer"
EDITOR = "Editor"
ADMINISTRATOR = "Administrator"

ALL_ROLES = [
    BUYER,
    PRODUCER,
    GROUP_COORDINATOR,
    TRAINER,
    REGISTRY_OFFICER,
    SAFEGUARDING_OFFICER,
    EDITOR,
    ADMINISTRATOR,
]

ROLE_LABELS = {
    BUYER: _("Buyer"),
    PRODUCER: _("Producer"),
    GROUP_COORDINATOR: _("Group coordinator"),
    TRAINER: _("Trainer"),
    REGISTRY_OFFICER: _("Registry officer"),
    SAFEGUARDING_OFFICER: _("Safeguarding officer"),
    EDITOR: _("Editor"),
    ADMINISTRATOR: _("Administrator"),
}


def has_role(user, *roles: str) -> bool:
    """True when the user is active and in any of the roles (superusers count as all)."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    names = getattr(user, "_role_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._role_names = names
    return bool(names.intersection(roles))
