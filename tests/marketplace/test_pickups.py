"""Collection-point days (issue #14): next pickup days, checkout's pickup day per group, the
confirmation, My shop's pick list and "Collected and paid"."""

import datetime
import zoneinfo
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail

from marketplace.exceptions import CheckoutError
from marketplace.models import Fulfilment, Order, OrderLine
from marketplace.payments.models import Payment
from marketplace.services import PICKUP_DATES_OFFERED, pickup_day_choices
from networks.models import CollectionPoint, PickupSlot
from tests.factories.marketplace import ProductFactory, place_order
from tests.factories.networks import CollectionPointFactory, PickupSlotFactory

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
T = datetime.time


def slots(group, *specs, phone="012345678"):
    """Weekly slots for `group`'s collection point: (weekday, opens hour, closes hour)."""
    point = group.pickup_point or CollectionPointFactory(group=group)
    CollectionPoint.objects.filter(pk=point.pk).update(phone=phone)
    for weekday, opens, closes in specs:
        PickupSlotFactory(collection_point=point, weekday=weekday, opens=T(opens), closes=T(closes))
    return CollectionPoint.objects.get(pk=point.pk)


# --- next_pickup_dates ----------------------------------------------------------------------


def test_next_dates_skip_a_slot_that_closed_today_and_wrap_the_week(shop):
    point = slots(shop.group_a, (5, 7, 11), (0, 14, 17))  # Saturday morning, Monday afternoon
    saturday_noon = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=TZ)  # a Saturday, after 11:00
    days = point.next_pickup_dates(saturday_noon, 3)
    assert [day.date for day in days] == [
        datetime.date(2026, 12, 7),  # Monday
        datetime.date(2026, 12, 12),  # Saturday (week wrapped)
        datetime.date(2026, 12, 14),
    ]
    assert days[0].hours == ((T(14), T(17)),)
    saturday_morning = datetime.datetime(2026, 12, 5, 10, 59, tzinfo=TZ)
    assert point.next_pickup_dates(saturday_morning, 1)[0].date == datetime.date(2026, 12, 5)


def test_next_dates_use_cambodia_time_not_utc(shop):
    point = slots(shop.group_a, (5, 7, 11))
    # 03:30 UTC on Saturday is 10:30 in Phnom Penh: Saturday's slot is still open.
    utc = datetime.datetime(2026, 12, 5, 3, 30, tzinfo=datetime.UTC)
    assert point.next_pickup_dates(utc, 1)[0].date == datetime.date(2026, 12, 5)


def test_a_group_without_slots_has_no_pickup_dates(shop):
    point = shop.group_a.pickup_point
    assert point is not None and point.next_pickup_dates(datetime.datetime(2026, 12, 5, tzinfo=TZ), 4) == []
    assert pickup_day_choices([shop.group_a.pk, shop.group_b.pk]) == {shop.group_a.pk: [], shop.group_b.pk: []}


def test_slot_rules_closing_after_opening_and_no_overlap():
    slot = SimpleNamespace
    assert CollectionPoint.slot_problems([slot(weekday=1, opens=T(9), closes=T(8))]) == [
        "A pickup slot must close after it opens."
    ]
    assert CollectionPoint.slot_problems(
        [slot(weekday=1, opens=T(7), closes=T(10)), slot(weekday=1, opens=T(9), closes=T(12))]
    ) == ["Two pickup slots overlap on Tuesday."]
    assert (
        CollectionPoint.slot_problems(
            [
                slot(weekday=1, opens=T(7), closes=T(10)),
                slot(weekday=1, opens=T(10), closes=T(12)),
                slot(weekday=2, opens=T(7), closes=T(10)),
            ]
        )
        == []
    )


def test_migrated_free_text_point_becomes_a_collection_point(shop):
    assert shop.group_a.pickup_point.address == "Village pagoda"
    assert not shop.group_a.pickup_point.slots.exists()


# --- checkout -------------------------------------------------------------------------------

MARKET = "/en/market/"


def _checkout(client, **overrides):
    data = {
        "buyer_name": "Dara",
        "buyer_phone": "012 345 678",
        "buyer_email": "dara@example.org",
        "delivery_method": "pickup",
        "delivery_address": "",
        "payment_method": "pay_at_pickup",
        **overrides,
    }
    return client.post(MARKET + "checkout/", data)


def _cart(client, *products):
    for product in products:
        client.post(MARKET + "cart/add/", {"product": product.pk, "quantity": "2"})


def test_checkout_offers_each_groups_next_days_and_stores_the_choice(client, site_pages, shop):
    slots(shop.group_a, *[(weekday, 0, 23) for weekday in range(7)])
    _cart(client, shop.product_a, shop.product_b)  # B has no slots: by arrangement
    page = client.get(MARKET + "checkout/").content.decode()
    offered = pickup_day_choices([shop.group_a.pk])[shop.group_a.pk]
    assert len(offered) == PICKUP_DATES_OFFERED
    for day in offered:
        assert f'value="{day.date.isoformat()}"' in page
    assert f'name="pickup_{shop.group_a.pk}"' in page and f'name="pickup_{shop.group_b.pk}"' not in page
    assert "by arrangement" in page

    response = _checkout(client)  # no day chosen
    assert response.status_code == 400 and "Choose the day you will pick up." in response.content.decode()
    assert not Order.objects.exists()

    chosen = offered[1].date
    response = _checkout(client, **{f"pickup_{shop.group_a.pk}": chosen.isoformat()})
    assert response.status_code == 302
    order = Order.objects.get()
    assert dict(order.fulfilments.values_list("group_id", "pickup_on")) == {
        shop.group_a.pk: chosen,
        shop.group_b.pk: None,
    }


def test_delivery_orders_have_no_pickup_day(client, site_pages, shop):
    slots(shop.group_a, *[(weekday, 0, 23) for weekday in range(7)])
    _cart(client, shop.product_a)
    response = _checkout(
        client, delivery_method="delivery", delivery_address="Street 1", payment_method="cash_on_delivery"
    )
    assert response.status_code == 302
    assert Fulfilment.objects.get().pickup_on is None


@pytest.mark.parametrize("day", ["invented", "past", "wrong weekday", "missing"])
def test_order_place_refuses_a_stale_or_invented_day_and_writes_nothing(shop, day):
    point = slots(shop.group_a, (5, 7, 11))
    next_day = point.next_pickup_dates(datetime.datetime.now(tz=TZ), 1)[0].date
    chosen = {
        "invented": next_day + datetime.timedelta(weeks=PICKUP_DATES_OFFERED),  # right weekday, not offered
        "past": next_day - datetime.timedelta(weeks=1),
        "wrong weekday": next_day + datetime.timedelta(days=1),
        "missing": None,
    }[day]
    stock = shop.product_a.stock
    with pytest.raises(CheckoutError) as error:
        place_order(shop.product_a, payment_method="pay_at_pickup", pickup_dates={shop.group_a.pk: chosen})
    message = " ".join(error.value.problems)
    assert ("Choose a pickup day" in message) if day == "missing" else ("no longer collects on" in message)
    assert not Order.objects.exists() and not OrderLine.objects.exists()
    shop.product_a.refresh_from_db()
    assert shop.product_a.stock == stock


def test_confirmation_and_email_show_day_hours_place_and_the_groups_phone(
    client, shop, django_capture_on_commit_callbacks
):
    point = slots(shop.group_a, (5, 7, 11), phone="+855 12 777 888")
    day = point.next_pickup_dates(datetime.datetime.now(tz=TZ), 1)[0].date
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(shop.product_a, payment_method="pay_at_pickup", pickup_dates={shop.group_a.pk: day})
    page = client.get(order.get_absolute_url().replace("/km/", "/en/")).content.decode()
    assert "07:00–11:00" in page and "Village pagoda" in page
    assert 'href="tel:+85512777888"' in page and "012 777 888" in page
    assert "Pickup day" in page
    body = next(message.body for message in mail.outbox if message.to == ["dara@example.com"])
    assert "07:00–11:00" in body and "Village pagoda" in body and "012 777 888" in body


# --- My shop: pick list ---------------------------------------------------------------------


def _pickup_order(product, **overrides):
    point = (
        slots(product.group, (5, 7, 11))
        if not product.group.pickup_point.slots.exists()
        else product.group.pickup_point
    )
    day = point.next_pickup_dates(datetime.datetime.now(tz=TZ), 1)[0].date
    return place_order(
        product,
        payment_method=overrides.pop("payment_method", "pay_at_pickup"),
        pickup_dates={product.group_id: day},
        **overrides,
    ), day


def test_pick_list_role_matrix(client, make_user, shop):
    order, day = _pickup_order(shop.product_a)
    other, _day = _pickup_order(shop.product_b, buyer_name="Other buyer")
    url = f"/en/my-shop/pickups/{day.isoformat()}/"
    assert client.get(url).status_code == 302  # anonymous → sign in
    client.force_login(make_user())  # a buyer without a shop
    assert client.get(url).status_code == 403
    client.force_login(shop.coordinator_user)
    page = client.get(url).content.decode()
    assert order.reference in page and other.reference not in page  # B's order filtered out
    assert "Collected and paid" in page
    assert day.isoformat() in client.get("/en/my-shop/pickups/").content.decode()
    client.force_login(shop.producer_a_user)  # plain producer: sees, may not mark
    page = client.get(url).content.decode()
    assert order.reference in page and "Collected and paid" not in page
    fulfilment = order.fulfilments.get()
    assert client.post(f"/en/my-shop/pickups/collected/{fulfilment.pk}/").status_code == 403
    client.force_login(shop.producer_b_user)  # another group's member
    assert order.reference not in client.get(url).content.decode()
    assert client.post(f"/en/my-shop/pickups/collected/{fulfilment.pk}/").status_code == 404
    fulfilment.refresh_from_db()
    assert fulfilment.status == Fulfilment.Status.NEW and not Payment.objects.exists()


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "tomorrow"])
def test_a_bad_date_is_a_404(client, shop, bad):
    client.force_login(shop.coordinator_user)
    assert client.get(f"/en/my-shop/pickups/{bad}/").status_code == 404


def test_collected_and_paid_records_only_the_groups_share_once(client, shop, make_user):
    from tests.factories.networks import MembershipFactory

    slots(shop.group_b, (5, 7, 11))
    point = slots(shop.group_a, (5, 7, 11))
    day = point.next_pickup_dates(datetime.datetime.now(tz=TZ), 1)[0].date
    order = place_order(
        (shop.product_a, "5"),
        (shop.product_b, "1"),
        payment_method="pay_at_pickup",
        pickup_dates={shop.group_a.pk: day, shop.group_b.pk: day},
    )
    # She also coordinates B: the pick list button still records A's part only.
    MembershipFactory(member=shop.coordinator, group=shop.group_b, role="leader")
    part_a = order.fulfilments.get(group=shop.group_a)
    client.force_login(shop.coordinator_user)
    for _attempt in range(2):
        response = client.post(f"/en/my-shop/pickups/collected/{part_a.pk}/")
        assert response.status_code == 302 and response["Location"].endswith(f"{day.isoformat()}/#f-{part_a.pk}")
    payment = Payment.objects.get()  # twice = once
    assert (payment.amount, payment.fulfilment_id) == (part_a.subtotal, part_a.pk) == (Decimal("6.00"), part_a.pk)
    part_a.refresh_from_db()
    order.refresh_from_db()
    assert part_a.status == Fulfilment.Status.DELIVERED
    assert order.fulfilments.get(group=shop.group_b).status == Fulfilment.Status.NEW
    assert order.paid_at is None and order.status == Order.Status.CONFIRMED


def test_an_order_paid_online_is_only_marked_collected(client, shop):
    order, day = _pickup_order(shop.product_a, payment_method="pay_at_pickup")
    part = order.fulfilments.get()
    Order.objects.filter(pk=order.pk).update(payment_method="khqr")
    Payment.objects.create(
        order=order, provider="khqr", amount=order.total, currency=order.currency, status="succeeded"
    )
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID)
    client.force_login(shop.coordinator_user)
    page = client.get(f"/en/my-shop/pickups/{day.isoformat()}/").content.decode()
    assert "Collected and paid" not in page and "Paid" in page
    client.post(f"/en/my-shop/pickups/collected/{part.pk}/")
    part.refresh_from_db()
    assert part.status == Fulfilment.Status.DELIVERED and Payment.objects.count() == 1


def test_pick_list_queries_do_not_grow_with_orders(client, shop, django_assert_max_num_queries):
    order, day = _pickup_order(shop.product_a)
    client.force_login(shop.coordinator_user)
    url = f"/en/my-shop/pickups/{day.isoformat()}/"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for index in range(6):
        place_order(
            ProductFactory(group=shop.group_a),
            payment_method="pay_at_pickup",
            buyer_name=f"B{index}",
            pickup_dates={shop.group_a.pk: day},
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("Collected and paid") == 7


def test_pick_list_prints_on_one_a4_page_in_khmer(client, shop):
    order, day = _pickup_order(shop.product_a)
    client.force_login(shop.coordinator_user)
    page = client.get(f"/km/my-shop/pickups/{day.isoformat()}/").content.decode()
    assert "css/picklist.css" in page and order.reference in page
    css = (Path(settings.BASE_DIR) / "static" / "css" / "picklist.css").read_text()
    assert "@page { size: A4" in css and "@media print" in css and "Noto Sans Khmer" in css


# --- collection point settings --------------------------------------------------------------


def test_coordinator_edits_her_collection_point_and_slots(client, shop):
    url = "/en/my-shop/pickups/settings/"
    client.force_login(shop.producer_a_user)
    assert client.get(url).status_code == 403
    client.force_login(shop.coordinator_user)
    data = {
        "address": "Pagoda gate",
        "phone": "012 999 888",
        "slots-TOTAL_FORMS": "2",
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
        "slots-0-weekday": "5",
        "slots-0-opens": "07:00",
        "slots-0-closes": "11:00",
        "slots-1-weekday": "5",
        "slots-1-opens": "10:00",
        "slots-1-closes": "12:00",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "overlap" in response.content.decode()
    assert not PickupSlot.objects.exists()
    data["slots-1-opens"] = "14:00"
    data["slots-1-closes"] = "16:00"
    assert client.post(url, data).status_code == 302
    point = CollectionPoint.objects.get(group=shop.group_a)
    assert (point.address, point.phone) == ("Pagoda gate", "012999888")
    assert point.slots.count() == 2
