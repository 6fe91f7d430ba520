"""The notification service: every event goes through `notify`, which picks the channel,
renders the message in the recipient's language, records a Delivery (one per event and
recipient: the idempotency key is unique) and sends it from django-tasks after commit."""

import datetime
import logging
import secrets

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts import phone as phone_rule

from . import privacy, segments, telegram
from .events import EVENTS
from .models import Channel, Contact, Delivery, Preference, hash_token
from .recipients import Recipient

logger = logging.getLogger("notifications")

LINK_TOKEN_TTL = datetime.timedelta(hours=24)
AUTO_ORDER = (Channel.TELEGRAM, Channel.EMAIL, Channel.SMS)  # free channels first; SMS costs money


class NotificationRefused(Exception):
    """The message may not be sent at all (privacy)."""


def contact_for(recipient: Recipient) -> Contact | None:
    if recipient.user_id:
        contact = Contact.objects.filter(user_id=recipient.user_id).first()
        if contact:
            return contact
    national = phone_rule.normalise(recipient.phone) or ""
    if national:
        return Contact.objects.filter(phone=national).order_by("user_id", "pk").first()
    return None


def contact_get_or_create(*, user=None, phone: str = "", language: str = "km") -> Contact:
    """The Contact of a signed-in person, or of a phone number (learners without an account)."""
    if user is not None:
        contact, _ = Contact.objects.get_or_create(
            user=user,
            defaults={"phone": (phone_rule.normalise(user.phone) or ""), "language": user.preferred_language or "km"},
        )
        return contact
    national = phone_rule.normalise(phone) or ""
    if not national:
        raise ValueError("a contact needs an account or a phone number")
    contact = Contact.objects.filter(user__isnull=True, phone=national).first()
    if contact is None:
        contact = Contact.objects.create(phone=national, language=language)
    return contact


def available_channels(recipient: Recipient, contact: Contact | None) -> list[str]:
    channels = []
    if contact and contact.telegram_linked and telegram.configured():
        channels.append(Channel.TELEGRAM)
    if recipient.email:
        channels.append(Channel.EMAIL)
    if phone_rule.e164(recipient.phone):
        channels.append(Channel.SMS)
    return channels


def choose_channel(recipient: Recipient, contact: Contact | None) -> str:
    """The channel the person asked for when it can reach her, else the first that can."""
    available = available_channels(recipient, contact)
    preferred = contact.preference if contact else Preference.AUTO
    if preferred in available:
        return preferred
    for channel in AUTO_ORDER:
        if channel in available:
            return channel
    return ""


def render(*, event: str, channel: str, context: dict, language: str) -> tuple[str, str]:
    """(subject, body) of one event's message in one language; subject only for email."""
    with translation.override(language):
        text = render_to_string(f"notifications/{event}/{channel}.txt", context).strip()
    if channel == Channel.EMAIL:
        subject, _, body = text.partition("\n")
        return subject.strip(), body.strip() + "\n"
    return "", text


def _address(channel: str, recipient: Recipient, contact: Contact | None) -> str:
    if channel == Channel.EMAIL:
        return recipient.email
    if channel == Channel.SMS:
        return phone_rule.e164(recipient.phone)
    if channel == Channel.TELEGRAM:
        return str(contact.telegram_chat_id)
    return ""


def notify(*, event: str, recipient: Recipient, context: dict, idempotency_key: str) -> Delivery | None:
    """Tell one person about one event. Returns the Delivery (existing one when this event was
    already notified to this person), or None when privacy forbids any message."""
    spec = EVENTS.get(event)
    if spec is None:
        raise ValueError(f"unknown notification event {event!r}")
    unexpected = set(context) - spec.keys
    if unexpected:
        raise ValueError(f"{event}: context keys not allowed in this message: {sorted(unexpected)}")
    missing = spec.keys - set(context) - {"group_id"}
    if missing:
        raise ValueError(f"{event}: context keys missing: {sorted(missing)}")
    reason = privacy.refusal(recipient=recipient, context=context)
    if reason:
        logger.info("notification %s refused: %s", event, reason)
        return None

    key = f"{event}:{idempotency_key}:{recipient.key}"[:200]
    existing = Delivery.objects.filter(key=key).first()
    if existing:
        return existing

    contact = contact_for(recipient)
    language = (contact.language if contact else recipient.language) or "km"
    delivery = Delivery(
        key=key,
        event=event,
        language=language,
        user_id=recipient.user_id,
        member_id=recipient.member_id,
        contact=contact,
    )
    if contact and contact.preference == Preference.NONE:
        delivery.status, delivery.reason = Delivery.Status.SKIPPED, "asked for no messages"
    else:
        channel = choose_channel(recipient, contact)
        if not channel:
            delivery.status, delivery.reason = Delivery.Status.SKIPPED, "no channel reaches this person"
        else:
            message_context = {key: value for key, value in context.items() if key != "group_id"}
            message_context["recipient_name"] = recipient.name
            delivery.channel = channel
            delivery.address = _address(channel, recipient, contact)
            delivery.subject, delivery.body = render(
                event=event, channel=channel, context=message_context, language=language
            )
            if channel == Channel.SMS:
                delivery.segments = segments.count(delivery.body)
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:  # the same event for the same person, recorded concurrently
        return Delivery.objects.get(key=key)
    if delivery.status == Delivery.Status.PENDING:
        from .tasks import deliver

        transaction.on_commit(lambda: deliver.enqueue(delivery_id=delivery.pk, attempt=1))
    return delivery


# Telegram linking ---------------------------------------------------------------------------


def telegram_link_start(*, contact: Contact) -> str:
    """A one-time deep link (valid 24 h) that links this contact to the chat that opens it."""
    token = secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-], as Telegram allows
    contact.link_token_hash = hash_token(token)
    contact.link_token_expires = timezone.now() + LINK_TOKEN_TTL
    contact.save(update_fields=["link_token_hash", "link_token_expires", "updated_at"])
    return telegram.deep_link(token)


def telegram_link(*, token: str, chat_id: int) -> Contact | None:
    """`/start <token>`: link the chat; the token works once. None when the token is unknown,
    used or expired."""
    if not token or len(token) > 64:
        return None
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(link_token_hash=hash_token(token)).first()
        if contact is None or not contact.link_token_valid(token):
            return None
        Contact.objects.filter(telegram_chat_id=chat_id).exclude(pk=contact.pk).update(telegram_chat_id=None)
        contact.telegram_chat_id = chat_id
        contact.link_token_hash = ""
        contact.link_token_expires = None
        contact.save(update_fields=["telegram_chat_id", "link_token_hash", "link_token_expires", "updated_at"])
    return contact


def telegram_unlink(*, chat_id: int) -> Contact | None:
    """`/stop`: forget the chat."""
    contact = Contact.objects.filter(telegram_chat_id=chat_id).first()
    if contact is not None:
        contact.telegram_chat_id = None
        contact.save(update_fields=["telegram_chat_id", "updated_at"])
    return contact
