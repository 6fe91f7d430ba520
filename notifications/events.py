"""Every event a person can be told about, with the context keys its messages may use.

The keys are a whitelist: `notify` refuses a context with a key the event does not declare, so
no caller can slip another person's data (a buyer's phone, a group member's name) into a
message. Templates: templates/notifications/<event>/{email,sms,telegram}.txt; the email
template's first line is the subject.

Later events (issue 15, not built yet) plug in the same way: add an Event here, its three
templates, a case in tests/notifications/test_templates.py, and call `notify` from the service
that records the fact — `payout_recorded` (member; keys: group, amount, date,
balance) from the member ledger."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    name: str
    keys: frozenset[str]
    audience: str  # who receives it, for docs and the admin


def _event(name: str, audience: str, *keys: str) -> Event:
    return Event(name=name, keys=frozenset(keys), audience=audience)


EVENTS: dict[str, Event] = {
    event.name: event
    for event in (
        _event("order_placed", "producer group", "reference", "items", "delivery", "next_step", "url", "group_id"),
        _event("order_paid", "producer group", "reference", "items", "url", "group_id"),
        _event("order_ready", "buyer", "reference", "group", "place", "url", "group_id"),
        _event("waitlist_promoted", "learner", "name", "course", "start", "url"),
        _event("session_reminder", "learner", "name", "course", "start", "venue", "url"),
        _event(
            "quote_offered", "trader", "name", "group", "product", "price", "quantity", "valid_until", "url", "group_id"
        ),
        _event("quote_declined", "trader", "name", "group", "product", "reason", "url", "group_id"),
    )
}
