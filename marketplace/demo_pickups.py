"""Demo collection-point days (idempotent): the Producer Group groups' collection points get a
phone and weekly pickup slots, and two pickup orders are booked on the first group's next
pickup day so My shop's pick list has rows."""

import datetime
from decimal import Decimal

from django.utils import timezone

from networks.models import CollectionPoint, Group, PickupSlot

from .models import Fulfilment, Product
from .services import CartLine, order_place

PRODUCER_NETWORK = "producer-group"
# Saturday morning and Wednesday afternoon (PickupSlot.Weekday numbers).
DEMO_SLOTS = [(5, datetime.time(7, 0), datetime.time(11, 0)), (2, datetime.time(15, 0), datetime.time(17, 30))]
DEMO_PHONES = ["012000201", "012000202", "012000203"]
DEMO_BUYERS = [("ចន្ទា", "012000301"), ("Dara (Siem Reap market stall)", "012000302")]


def _groups() -> list[Group]:
    groups = (
        Group.objects.filter(network__slug=PRODUCER_NETWORK, products__status=Product.Status.PUBLISHED)
        .distinct()
        .order_by("pk")
    )
    return list(groups[: len(DEMO_PHONES)])


def seed(*, users, pages, log) -> None:
    groups = _groups()
    for group, phone in zip(groups, DEMO_PHONES, strict=False):
        point, _created = CollectionPoint.objects.get_or_create(
            group=group, defaults={"address": "វត្តភូមិ", "village": group.village}
        )
        if not point.phone:
            point.phone = phone
            point.save(update_fields=["phone"])
        if not point.slots.exists():
            for weekday, opens, closes in DEMO_SLOTS:
                PickupSlot.objects.create(collection_point=point, weekday=weekday, opens=opens, closes=closes)
        log(f"  collection point of {group.name_en or group.name_km}: {point.slots.count()} weekly slots")
    if not groups or Fulfilment.objects.filter(group=groups[0], pickup_on__isnull=False).exists():
        return
    group = groups[0]
    day = group.collection_point.next_pickup_dates(timezone.now(), 1)[0].date
    products = list(Product.objects.published().filter(group=group, stock__gte=5).order_by("pk")[:2])
    for (name, phone), product in zip(DEMO_BUYERS, products, strict=False):
        quantity = max(product.minimum_order, Decimal("2"))
        if product.whole_units_only:
            quantity = quantity.to_integral_value()
        order_place(
            cart_lines=[CartLine(product.pk, quantity)],
            buyer_name=name,
            buyer_phone=phone,
            delivery_method="pickup",
            payment_method="pay_at_pickup",
            pickup_dates={group.pk: day},
        )
    log(f"  {len(products)} pickup orders on {day.isoformat()}")
