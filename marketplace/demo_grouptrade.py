"""Demo group trade (idempotent): the demo coordinator's group sells a pooled rice lot made of
five members' contributions; two sales are delivered, one is cancelled (its attribution given
back), one is still open; the group takes a 5 % fee and the leader has paid one member, so the
ledger, a payout slip and the "from N members" line all have something to show.

Everything goes through the services, as a coordinator's screens would."""

import datetime
from decimal import Decimal

from django.utils import timezone

from networks.models import Member
from networks.querysets import minor_q

from .grouptrade import services
from .grouptrade.models import GroupFee, Payout, PooledLot
from .grouptrade.selectors import member_ledger
from .models import Fulfilment, Order, Product, ProductPhoto
from .services import CartLine, fulfilment_set_status, order_cancel, order_place, pooled_product_create

LOT_TITLE_EN = "Jasmine rice, group lot (Phka Malis)"
LOT_TITLE_KM = "អង្ករផ្កាម្លិះ ឡូត៍រួមរបស់ក្រុម"
LOT_DESCRIPTION_KM = "អង្ករផ្កាម្លិះ ដែលសមាជិកក្រុមប្រមូលផ្តុំលក់រួមគ្នា។ ទិញបានច្រើន តម្លៃតែមួយ។"
LOT_DESCRIPTION_EN = "Phka Malis jasmine rice brought together by the group's members and sold as one lot."
# (kg, grade, days ago brought) for the group's first five adult members.
CONTRIBUTIONS = [(30, "A", 6), (25, "A", 5), (20, "B", 5), (15, "A", 3), (10, "A", 1)]
# (buyer, phone, kg, what happens)
SALES = [
    ("Sophea (Angkor Garden Hotel)", "012000001", 45, "delivered"),
    ("Vireak rice trading", "012000311", 20, "cancelled"),
    ("Vireak rice trading", "012000311", 30, "delivered"),
    ("Bopha (Psar Leu stall)", "012000312", 10, "open"),
]


def _coordinator_member(users) -> Member | None:
    return Member.objects.filter(user=users.get("coordinator")).first()


def _lot(group, coordinator, user, log) -> PooledLot:
    product = Product.objects.filter(group=group, title_en=LOT_TITLE_EN).first()
    if product is not None:
        return product.pooled_lot
    rice = Product.objects.filter(group=group, unit="kg", photos__isnull=False).order_by("pk").first()
    product = Product(
        producer=coordinator,
        group=group,
        category=(rice or Product.objects.filter(group=group).order_by("pk").first()).category,
        title_km=LOT_TITLE_KM,
        title_en=LOT_TITLE_EN,
        description_km=LOT_DESCRIPTION_KM,
        description_en=LOT_DESCRIPTION_EN,
        unit="kg",
        price=Decimal("0.85"),
        minimum_order=Decimal("5"),
    )
    lot = pooled_product_create(product=product, user=user)
    # Staff moderation, as for every new listing (the draft goes to review, then is published).
    product.status = Product.Status.PENDING_REVIEW
    product.set_status(Product.Status.PUBLISHED, staff=True)
    product.save(update_fields=["status", "published_at", "updated_at"])
    if rice is not None:
        ProductPhoto.objects.create(product=product, image=rice.photos.order_by("sort_order", "pk").first().image)
    log(f"  pooled lot {LOT_TITLE_EN}")
    return lot


def _contributions(lot, user, log) -> None:
    if lot.contributions.exists():
        return
    members = list(
        Member.objects.filter(memberships__group=lot.group, memberships__left__isnull=True)
        .exclude(minor_q())
        .distinct()
        .order_by("pk")[: len(CONTRIBUTIONS)]
    )
    today = timezone.localdate()
    for member, (kg, grade, days_ago) in zip(members, CONTRIBUTIONS, strict=False):
        services.contribution_add(
            lot=lot,
            member=member,
            quantity=Decimal(kg),
            grade=grade,
            contributed_on=today - datetime.timedelta(days=days_ago),
            actor=user,
        )
    log(f"  {len(members)} contributions to the lot")


def _sales(lot, user, log) -> None:
    if Order.objects.filter(lines__product=lot.product).exists():
        return
    if not GroupFee.objects.filter(group=lot.group).exists():
        services.group_fee_set(group=lot.group, percent=Decimal("5"), effective_from=timezone.localdate(), actor=user)
    for name, phone, kg, outcome in SALES:
        order = order_place(
            cart_lines=[CartLine(lot.product_id, Decimal(kg))],
            buyer_name=name,
            buyer_phone=phone,
            delivery_method="delivery",
            delivery_address="Psar Leu, Siem Reap",
            payment_method="cash_on_delivery",
        )
        if outcome == "cancelled":
            order_cancel(order=order, actor=user, reason="The trader found rice closer to home")
        elif outcome == "delivered":
            part = Fulfilment.objects.get(order=order, group=lot.group)
            fulfilment_set_status(fulfilment=part, status="ready", actor=user)
            fulfilment_set_status(fulfilment=part, status="delivered", actor=user)
    log(f"  {len(SALES)} sales of the lot (one cancelled, one open)")


def _payout(lot, coordinator, user, log) -> None:
    if Payout.objects.filter(group=lot.group).exists():
        return
    first = lot.contributions.order_by("contributed_on", "pk").first()
    row = member_ledger(lot.group_id, member_ids=[first.member_id]).get(first.member_id)
    if row is None or row.owed <= 0:
        return
    services.payout_record(
        member=first.member,
        group=lot.group,
        amount=row.owed,
        method=Payout.Method.CASH,
        reference="DEMO-1",
        paid_by=coordinator,
        actor=user,
    )
    log(f"  payout to {first.member}")


def seed(*, users, pages, log) -> None:
    coordinator = _coordinator_member(users)
    user = users.get("coordinator")
    if coordinator is None or user is None:
        return
    membership = coordinator.memberships.filter(left__isnull=True, group__network__slug="producer-group").first()
    if membership is None:
        return
    lot = _lot(membership.group, coordinator, user, log)
    _contributions(lot, user, log)
    _sales(lot, user, log)
    _payout(lot, coordinator, user, log)
