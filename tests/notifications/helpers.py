from notifications.events import EVENTS
from notifications.models import Contact
from notifications.recipients import Recipient

CONTEXTS = {
    "order_placed": {
        "reference": "SK12345678",
        "items": "2 kg Rice",
        "delivery": "Pickup",
        "next_step": "Prepare it now.",
        "url": "http://x/km/my-shop/",
    },
    "order_paid": {"reference": "SK12345678", "items": "2 kg Rice", "url": "http://x/km/my-shop/"},
    "order_ready": {"reference": "SK12345678", "group": "Group A", "place": "Pagoda", "url": "http://x/o/"},
    "waitlist_promoted": {"name": "Dara", "course": "Tailoring", "start": "2027-01-15", "url": "http://x/e/"},
    "session_reminder": {
        "name": "Dara",
        "course": "Tailoring",
        "start": "2027-01-15 08:00",
        "venue": "Skills Center",
        "url": "http://x/e/",
    },
    "quote_offered": {
        "name": "Dara",
        "group": "Group A",
        "product": "Rice",
        "price": "$1.10 / kg",
        "quantity": "500 kg",
        "valid_until": "2027-01-15 17:00",
        "url": "http://x/q/",
    },
    "quote_declined": {
        "name": "Dara",
        "group": "Group A",
        "product": "Rice",
        "reason": "Sold out.",
        "url": "http://x/q/",
    },
}
assert set(CONTEXTS) == set(EVENTS)


def recipient_for(channel: str, *, n: int = 1, chat_id: int = 5550001) -> Recipient:
    """A person reachable by exactly the given channel."""
    phone = f"01234{n:04d}"
    if channel == "telegram":
        Contact.objects.create(phone=phone, telegram_chat_id=chat_id, preference="telegram")
        return Recipient(key=f"test:{n}", name="Dara", phone=phone)
    if channel == "email":
        return Recipient(key=f"test:{n}", name="Dara", email=f"dara{n}@example.com")
    return Recipient(key=f"test:{n}", name="Dara", phone=phone)
