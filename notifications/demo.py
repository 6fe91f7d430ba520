"""Demo data: the demo producer's Telegram is linked to a chat of the local Bot API double, so
placing an order in the demo shows her Khmer message there (docs/notifications.md)."""

from .models import Contact

DEMO_PRODUCER_CHAT_ID = 700000002


def seed(*, users, pages, log) -> None:
    producer = users.get("producer")
    if producer is None:
        return
    Contact.objects.filter(telegram_chat_id=DEMO_PRODUCER_CHAT_ID).exclude(user=producer).update(telegram_chat_id=None)
    contact, _ = Contact.objects.get_or_create(user=producer, defaults={"phone": producer.phone})
    contact.telegram_chat_id = DEMO_PRODUCER_CHAT_ID
    contact.save(update_fields=["telegram_chat_id", "updated_at"])
    log(f"  Telegram of the demo producer linked to chat {DEMO_PRODUCER_CHAT_ID} (local Bot API double)")
