"""Nothing about Safe House or Happy Women matters is ever sent. A message is refused when its
recipient is a protected registry member (a minor, or a member of a sensitive network such as
the Happy Women Network) — found by the member link, the account or the phone number — or when
it is about a group of a sensitive network."""

from accounts import phone as phone_rule

from .recipients import Recipient


def refusal(*, recipient: Recipient, context: dict) -> str:
    """Why this message must not be sent, or "" when it may."""
    from networks.models import Group, Member

    protected = Member.objects.protected()
    if recipient.member_id and protected.filter(pk=recipient.member_id).exists():
        return "recipient is a protected registry member"
    if recipient.user_id and protected.filter(user_id=recipient.user_id).exists():
        return "recipient's account belongs to a protected registry member"
    national = phone_rule.normalise(recipient.phone) or ""
    if national and protected.filter(phone__in={national, recipient.phone}).exists():
        return "recipient's phone belongs to a protected registry member"
    group_id = context.get("group_id")
    if group_id and Group.objects.filter(pk=group_id, network__is_sensitive=True).exists():
        return "message about a group of a sensitive network"
    return ""
