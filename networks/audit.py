"""The member's history: what someone did *for* a registry member (listed her goods, recorded
what she brought or what she was paid, enrolled her in a course) is logged with Wagtail's audit
log against her Member record, so her admin history (networks_member:history) shows who did
what for her. One home: the services that write call `log_for_member()`; the actions and their
translated labels are registered here (networks/wagtail_hooks.py).

Privacy: entries are ModelLogEntry rows about the Member (RegistryAwareLogEntry), so only users
who may see her in the registry (`Member.objects.visible_to`) read them. Action names must not
start with "networks." (those are the registry's own access log, safeguarding only)."""

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter, log

PRODUCT_CREATE = "member.product_create"
PRODUCT_EDIT = "member.product_edit"
PRODUCT_STOCK = "member.product_stock"
PRODUCT_STATUS = "member.product_status"
CONTRIBUTION_ADD = "member.contribution_add"
CONTRIBUTION_EDIT = "member.contribution_edit"
CONTRIBUTION_DELETE = "member.contribution_delete"
PAYOUT = "member.payout"
FEE_SET = "member.fee_set"
ENROLMENT_LINK = "member.enrolment_link"
ENROLMENT_COMPLETE = "member.enrolment_complete"
ENROLMENT_UNCOMPLETE = "member.enrolment_uncomplete"
ENROLMENT_WITHDRAW = "member.enrolment_withdraw"

# action: (label, message with %(object)s, the thing acted on)
ACTIONS = {
    PRODUCT_CREATE: (_("Product listed"), _("Listed a product: %(object)s")),
    PRODUCT_EDIT: (_("Product edited"), _("Edited a product: %(object)s")),
    PRODUCT_STOCK: (_("Product stock set"), _("Set the stock of a product: %(object)s")),
    PRODUCT_STATUS: (_("Product status changed"), _("Changed the status of a product: %(object)s")),
    CONTRIBUTION_ADD: (_("Contribution recorded"), _("Recorded a contribution: %(object)s")),
    CONTRIBUTION_EDIT: (_("Contribution corrected"), _("Corrected a contribution: %(object)s")),
    CONTRIBUTION_DELETE: (_("Contribution deleted"), _("Deleted a contribution: %(object)s")),
    PAYOUT: (_("Payout recorded"), _("Recorded a payout: %(object)s")),
    FEE_SET: (_("Group fee set"), _("Set the group fee: %(object)s")),
    ENROLMENT_LINK: (_("Enrolment linked"), _("Linked an enrolment to this member: %(object)s")),
    ENROLMENT_COMPLETE: (_("Course completion recorded"), _("Recorded the course completion: %(object)s")),
    ENROLMENT_UNCOMPLETE: (_("Course completion removed"), _("Removed the course completion: %(object)s")),
    ENROLMENT_WITHDRAW: (_("Enrolment withdrawn"), _("Withdrew an enrolment: %(object)s")),
}


class ActedForFormatter(LogFormatter):
    """The message names the record acted on (stored in the entry's data when it was written:
    the record may be gone since) and says when it was done for her by someone else."""

    template = ""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        message = self.template % {"object": data.get("object", "")}
        if data.get("for_other"):
            message = _("%(message)s (done for her)") % {"message": message}
        return message


def register(actions) -> None:
    for action, (label, template) in ACTIONS.items():
        formatter = type("ActedForFormatter", (ActedForFormatter,), {"label": label, "template": template})
        actions.register_action(action)(formatter)


def log_for_member(*, member, action: str, actor=None, obj=None, data: dict | None = None) -> None:
    """Log `action` in `member`'s history, by `actor` (None: the public, or a system job).
    `for_other` is true when a signed-in actor is not the member's own account."""
    if member is None or action not in ACTIONS:
        return
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = {
        "object": str(obj) if obj is not None else "",
        "for_other": user is not None and user.pk != member.user_id,
        **(data or {}),
    }
    if obj is not None:
        entry.setdefault("model", obj._meta.label_lower)
        entry.setdefault("object_id", obj.pk)
    log(instance=member, action=action, user=user, data=entry)


def log_for_group(*, group, action: str, actor=None, obj=None) -> None:
    """Log `action` in a group's history (a fee concerns every member of the group)."""
    if action not in ACTIONS:
        return
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    data = {"object": str(obj) if obj is not None else "", "for_other": False}
    log(instance=group, action=action, user=user, data=data)
