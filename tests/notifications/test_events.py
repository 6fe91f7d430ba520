"""The events, end to end through the real services: each caller reaches the right people
through `notify`, on the channel each one has, in Khmer — and the email that existed stays."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounts import roles
from marketplace.cart import CartLine
from marketplace.models import Quote
from marketplace.services import fulfilment_set_status, quote_decline, quote_offer, quote_request
from notifications.models import Contact, Delivery
from tests.factories.marketplace import place_order
from tests.marketplace.conftest import Shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(make_user):
    return Shop(make_user)


def khmer(text: str) -> bool:
    return any("\u1780" <= ch <= "\u17ff" for ch in text)


def test_order_placed_reaches_the_producer_on_telegram_in_khmer(shop, bot, django_capture_on_commit_callbacks):
    """The demo: placing an order makes the producer's Telegram double receive the Khmer message."""
    Contact.objects.create(user=shop.producer_a_user, telegram_chat_id=1001)
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(
            CartLine(shop.product_a.pk, Decimal("2")),
            CartLine(shop.product_a2.pk, Decimal("1")),
            CartLine(shop.product_b.pk, Decimal("1")),
        )
    to_producer = [call for call in bot.calls if call["chat_id"] == 1001]
    assert len(to_producer) == 1
    text = to_producer[0]["text"]
    assert khmer(text) and "សហគមន៍" in text and order.reference in text
    assert "Rice A" in text and "Silk B" not in text  # only her group's part
    assert order.buyer_phone not in text and order.buyer_name not in text  # nobody else's data
    # The coordinator (email) and group B's producer (email) still get their emails.
    assert any(shop.coordinator_user.email in message.to for message in mail.outbox)
    assert any(shop.producer_b_user.email in message.to and "Silk B" in message.body for message in mail.outbox)
    # The member without phone or account (her coordinator lists her goods) is logged as
    # unreachable, not lost silently.
    assert Delivery.objects.filter(member=shop.member_a2, status="skipped").exists()


def test_order_placed_by_sms_to_a_producer_with_only_a_phone(shop, sms_outbox, django_capture_on_commit_callbacks):
    shop.producer_a.user = None
    shop.producer_a.phone = "012777888"
    shop.producer_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(CartLine(shop.product_a.pk, Decimal("1")))
    sms = [message for message in sms_outbox if message.recipients == ["+85512777888"]]
    assert len(sms) == 1 and order.reference in sms[0].body and khmer(sms[0].body)


def test_order_paid_tells_the_group_to_prepare(shop, make_user, bot, django_capture_on_commit_callbacks):
    from marketplace.payments.services import payment_mark_paid

    Contact.objects.create(user=shop.producer_a_user, telegram_chat_id=1001)
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(CartLine(shop.product_a.pk, Decimal("1")), payment_method="bank_transfer")
    placed = [call["text"] for call in bot.calls]
    assert len(placed) == 1 and "រង់ចាំការបង់ប្រាក់" in placed[0]  # wait for payment
    with django_capture_on_commit_callbacks(execute=True):
        payment_mark_paid(order=order, actor=make_user(roles.ADMINISTRATOR, is_superuser=True), reference="BT-1")
    assert len(bot.calls) == 2
    assert "អាចរៀបចំបានឥឡូវនេះ" in bot.calls[1]["text"] and order.reference in bot.calls[1]["text"]
    assert Delivery.objects.filter(event="order_paid", channel="telegram", status="sent").count() == 1


def test_ready_for_pickup_tells_the_buyer(shop, sms_outbox, django_capture_on_commit_callbacks):
    from django.utils import translation

    with translation.override("km"), django_capture_on_commit_callbacks(execute=True):  # ordered in Khmer
        order = place_order(CartLine(shop.product_a.pk, Decimal("1")), buyer_email="")
        fulfilment = order.fulfilments.get()
        fulfilment_set_status(fulfilment=fulfilment, status="ready")
    assert order.language == "km"
    ready = [message for message in sms_outbox if message.recipients == ["+85512345678"]]
    assert len(ready) == 1
    assert order.reference in ready[0].body and "Village pagoda" in ready[0].body and khmer(ready[0].body)


def test_ready_for_pickup_by_email_when_the_buyer_gave_one(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(CartLine(shop.product_a.pk, Decimal("1")))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment_set_status(fulfilment=order.fulfilments.get(), status="ready")
    to_buyer = [message for message in mail.outbox if message.to == [order.buyer_email]]
    assert len(to_buyer) == 1  # one message, not the old status email and a new one
    assert order.reference in to_buyer[0].subject


def test_an_offer_and_a_refusal_tell_the_trader(shop, make_user, gateway, django_capture_on_commit_callbacks):
    quote = quote_request(
        quote=Quote(name="Hotel", phone="012999888", quantity=Decimal("200"), message="Next harvest?"),
        product=shop.product_a,
    )
    with django_capture_on_commit_callbacks(execute=True):
        quote_offer(
            quote=quote,
            product=shop.product_a,
            unit_price=Decimal("1.10"),
            quantity=Decimal("200"),
            valid_until=timezone.now() + datetime.timedelta(days=2),
            actor=shop.coordinator_user,
        )
    assert [call["to"] for call in gateway.calls] == ["+85512999888"]
    assert "1.10" in gateway.calls[0]["text"] and khmer(gateway.calls[0]["text"])
    with django_capture_on_commit_callbacks(execute=True):
        quote_decline(quote=quote, reason="500 kg in January.", actor=shop.coordinator_user)
    assert len(gateway.calls) == 2
    assert "500 kg in January." in gateway.calls[1]["text"] and khmer(gateway.calls[1]["text"])


def test_withdrawal_from_a_full_session_sends_the_promoted_learner_an_sms(
    site_pages, sms_outbox, django_capture_on_commit_callbacks, capsys
):
    """The demo: with the default console SMS backend the promoted learner's SMS is printed."""
    from django.test import override_settings

    from tests.factories.training import CourseSessionFactory, add_course
    from training import services

    course = add_course(site_pages["skills_center"]["km"], title="Tailoring")
    session = CourseSessionFactory(course=course, capacity=1)
    holder = services.enrolment_create(session_id=session.pk, name="A", phone="012000001", gender="female", age=30)
    waiting = services.enrolment_create(session_id=session.pk, name="B", phone="012000002", gender="female", age=30)
    assert waiting.status == "waitlisted"
    with override_settings(SMS_BACKEND="sms.backends.console.SmsBackend"):
        with django_capture_on_commit_callbacks(execute=True):
            services.enrolment_withdraw(token=holder.token)
    printed = capsys.readouterr().out
    assert "to: +85512000002" in printed and "Tailoring" in printed and waiting.token in printed
    delivery = Delivery.objects.get(event="waitlist_promoted")
    assert (delivery.channel, delivery.status) == ("sms", "sent")


def test_ready_for_pickup_tells_the_buyer_which_day(shop, sms_outbox, django_capture_on_commit_callbacks):
    """A buyer who chose a pickup day hears that day and its hours, in her language, before the
    place (an SMS may shorten the place)."""
    from django.utils import translation

    from networks.models import format_pickup_date
    from tests.factories.networks import PickupSlotFactory

    point = shop.product_a.group.collection_point
    PickupSlotFactory(collection_point=point, weekday=5, opens=datetime.time(7, 0), closes=datetime.time(11, 0))
    day = point.next_pickup_dates(timezone.now(), 1)[0].date
    with translation.override("km"), django_capture_on_commit_callbacks(execute=True):
        order = place_order(
            CartLine(shop.product_a.pk, Decimal("1")),
            buyer_email="",
            payment_method="pay_at_pickup",
            pickup_dates={shop.product_a.group_id: day},
        )
        fulfilment = order.fulfilments.get()
        fulfilment_set_status(fulfilment=fulfilment, status="ready")
        label = format_pickup_date(day)
    ready = [message for message in sms_outbox if message.recipients == ["+85512345678"]]
    assert len(ready) == 1
    assert label in ready[0].body and "07:00–11:00" in ready[0].body
    assert ready[0].body.index(label) < ready[0].body.index("Village pagoda")
