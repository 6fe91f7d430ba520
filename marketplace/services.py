"""Marketplace workflows that touch stock or several records.

Each write runs in one transaction, locks the rows it changes in primary-key order (so two
checkouts can never deadlock each other), and notifies only after commit. Payment state
(mark paid, refunds) belongs to marketplace.payments.services."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts import phone as phones
from cms import cache as page_cache
from cms.codes import readable_code
from networks import audit
from networks.models import CollectionPoint, minor_refusal

from . import money, notifications
from .exceptions import CheckoutError, InvalidTransition, MarketplaceError
from .grouptrade import services as grouptrade
from .models import Category, Fulfilment, Order, OrderLine, Product, Quote
from .payments.methods import PAID_ON_HANDOVER


@dataclass(frozen=True)
class CartLine:
    """One line the buyer asks for. `unit_price` is the price the buyer saw (None: not checked).

    `quoted_price` is set only by quote_accept (never read from a cart or a form): the line sells
    at the price the group quoted instead of the list price, and the product's minimum order does
    not apply (the group offered that quantity)."""

    product_id: int
    quantity: Decimal
    unit_price: Decimal | None = None
    quoted_price: Decimal | None = None

    @property
    def is_quoted(self) -> bool:
        return self.quoted_price is not None


def _as_cart_line(raw) -> CartLine:
    if isinstance(raw, CartLine):
        return raw
    if isinstance(raw, dict):
        return CartLine(
            product_id=int(raw["product_id"]),
            quantity=Decimal(str(raw["quantity"])),
            unit_price=None if raw.get("unit_price") in (None, "") else Decimal(str(raw["unit_price"])),
        )
    product_id, quantity, *rest = raw
    return CartLine(int(product_id), Decimal(str(quantity)), Decimal(str(rest[0])) if rest and rest[0] else None)


# How many pickup days checkout offers per group; order_place accepts only one of these.
PICKUP_DATES_OFFERED = 4


def pickup_day_choices(group_ids: Iterable[int], *, now: datetime.datetime | None = None) -> dict[int, list]:
    """The next pickup days (networks.PickupDay) of each of these groups (two queries); a group
    without a collection point or without weekly slots gets [] (pickup by arrangement)."""
    now = now or timezone.now()
    points = CollectionPoint.objects.filter(group_id__in=group_ids).prefetch_related("slots")
    by_group = {point.group_id: point for point in points}
    return {
        group_id: by_group[group_id].next_pickup_dates(now, PICKUP_DATES_OFFERED) if group_id in by_group else []
        for group_id in group_ids
    }


def unpaid_order_ttl() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, "MARKET_UNPAID_ORDER_TTL_MINUTES", 60)))


def _new_reference() -> str:
    while True:
        reference = readable_code(6, prefix="SK-")  # read aloud over the phone
        if not Order.objects.filter(reference=reference).exists():
            return reference


def _order_language() -> str:
    """The language the buyer is ordering in: her emails and links will use it."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def quantity_problem(product: Product, quantity: Decimal, *, quoted: bool = False) -> str | None:
    """Why this quantity of this product cannot be ordered now, or None. Shared by the cart
    (early answer) and order_place (the answer that counts, under the row lock). A `quoted`
    quantity was offered by the group, so the minimum order does not apply to it."""
    title = product.title
    if product.status != Product.Status.PUBLISHED:
        return _("“%(title)s” is no longer for sale.") % {"title": title}
    if product.available_from and product.available_from > timezone.localdate():
        return _("“%(title)s” can be ordered from %(date)s; ask the group for a quote instead.") % {
            "title": title,
            "date": product.available_from.isoformat(),
        }
    if quantity <= 0:
        return _("The quantity of “%(title)s” must be more than zero.") % {"title": title}
    if product.whole_units_only and quantity != quantity.to_integral_value():
        return _("“%(title)s” is sold in whole units: enter a whole number.") % {"title": title}
    if quantity < product.minimum_order and not quoted:
        return _("The minimum order for “%(title)s” is %(minimum)s.") % {
            "title": title,
            "minimum": f"{product.minimum_order.normalize():f}",
        }
    if quantity > product.stock:
        if product.stock <= 0:
            return _("“%(title)s” is sold out.") % {"title": title}
        return _("Only %(stock)s of “%(title)s” left.") % {"title": title, "stock": f"{product.stock.normalize():f}"}
    return None


def order_place(
    *,
    cart_lines: Iterable,
    buyer_name: str,
    buyer_phone: str,
    buyer_email: str = "",
    delivery_method: str,
    delivery_address: str = "",
    payment_method: str,
    buyer=None,
    pickup_dates: dict | None = None,
) -> Order:
    """Validate the cart against the locked products, reserve their stock and create the order
    with one fulfilment per producer group. Raises CheckoutError listing every problem; then
    nothing is written.

    `pickup_dates` ({group id: date}): for a pickup order, the day the buyer collects each
    group's part; required for every group with weekly pickup slots, and it must still be one
    of the days checkout offers (`pickup_day_choices`). Groups without slots: by arrangement."""
    problems: list[str] = []
    buyer_name = (buyer_name or "").strip()
    if not buyer_name:
        problems.append(_("Enter your name."))
    buyer_phone = phones.normalise(buyer_phone)
    if buyer_phone is None:
        problems.append(_("Enter a phone number we can call."))
    if delivery_method not in Order.DeliveryMethod.values:
        problems.append(_("Choose pickup or delivery."))
    delivery_address = (delivery_address or "").strip()
    if delivery_method == Order.DeliveryMethod.DELIVERY and not delivery_address:
        problems.append(_("Enter the delivery address."))
    if payment_method not in Order.PaymentMethod.values:
        problems.append(_("Choose a payment method."))

    wanted: dict[int, CartLine] = {}
    try:
        for raw in cart_lines:
            line = _as_cart_line(raw)
            if line.product_id in wanted:
                previous = wanted[line.product_id]
                if previous.is_quoted or line.is_quoted:
                    raise ValueError("a quoted line cannot be merged with another line")
                line = CartLine(line.product_id, previous.quantity + line.quantity, previous.unit_price)
            wanted[line.product_id] = line
    except (KeyError, ValueError, TypeError, InvalidOperation):
        problems.append(_("The cart could not be read. Please add the products again."))
    if not wanted and not problems:
        problems.append(_("Your cart is empty."))
    if problems:
        raise CheckoutError(problems)

    with transaction.atomic():
        # Lock every product of the order in primary-key order: concurrent checkouts queue here
        # instead of deadlocking, and each sees the stock the previous one left.
        products = list(Product.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
        by_id = {product.pk: product for product in products}
        for product_id in wanted:
            if product_id not in by_id:
                problems.append(_("A product in your cart no longer exists."))
        for product in products:
            line = wanted[product.pk]
            problem = quantity_problem(product, line.quantity, quoted=line.is_quoted)
            if problem:
                problems.append(problem)
            elif line.is_quoted:
                pass  # the quoted price is the contract, whatever the list price is now
            elif line.unit_price is not None and line.unit_price != product.price:
                problems.append(
                    _("The price of “%(title)s” changed from %(old)s to %(new)s. Please check your cart.")
                    % {
                        "title": product.title,
                        "old": money.format_money(line.unit_price),
                        "new": money.format_money(product.price),
                    }
                )
        now = timezone.now()
        chosen_days = {}
        if delivery_method == Order.DeliveryMethod.PICKUP and not problems:
            chosen_days, pickup_problems = _checked_pickup_days(products, pickup_dates or {}, now)
            problems.extend(pickup_problems)
        if problems:
            raise CheckoutError(problems)

        offline = payment_method in PAID_ON_HANDOVER
        order = Order.objects.create(
            reference=_new_reference(),
            buyer=buyer if buyer is not None and buyer.is_authenticated else None,
            buyer_name=buyer_name[:120],
            buyer_phone=buyer_phone,
            buyer_email=(buyer_email or "").strip(),
            delivery_method=delivery_method,
            delivery_address=delivery_address if delivery_method == Order.DeliveryMethod.DELIVERY else "",
            payment_method=payment_method,
            currency=settings.MARKET_CURRENCY,
            language=_order_language(),
            status=Order.Status.CONFIRMED if offline else Order.Status.PENDING_PAYMENT,
            expires_at=None if offline else now + unpaid_order_ttl(),
        )
        lines_by_group: dict[int, list[Product]] = defaultdict(list)
        for product in products:
            lines_by_group[product.group_id].append(product)
        subtotals: list[Decimal] = []
        for group_id in sorted(lines_by_group):
            fulfilment = Fulfilment.objects.create(order=order, group_id=group_id, pickup_on=chosen_days.get(group_id))
            line_totals: list[Decimal] = []
            for product in lines_by_group[group_id]:
                quantity = wanted[product.pk].quantity
                unit_price = wanted[product.pk].quoted_price or product.price
                line_total = money.line_total(unit_price, quantity, order.currency)
                OrderLine.objects.create(
                    order=order,
                    fulfilment=fulfilment,
                    product=product,
                    title=product.title_km if not product.title_en else f"{product.title_km} / {product.title_en}",
                    unit=product.unit,
                    unit_price=unit_price,
                    quantity=quantity,
                    line_total=line_total,
                )
                # Exact Decimal under the row lock (SQLite does F() arithmetic in floating point).
                product.stock -= quantity
                Product.objects.filter(pk=product.pk).update(stock=product.stock)
                line_totals.append(line_total)
            fulfilment.subtotal = money.order_total(line_totals, order.currency)
            fulfilment.save(update_fields=["subtotal"])
            subtotals.append(fulfilment.subtotal)
        order.total = money.order_total(subtotals, order.currency)
        order.save(update_fields=["total"])
        # Group trade: attribute pooled lots' lines to contributions (FIFO), under the same locks.
        grouptrade.attribute_order(order=order)
        page_cache.purge_products([product.pk for product in products], {product.category_id for product in products})
        transaction.on_commit(lambda: notifications.order_placed(order.pk))
    return order


def _checked_pickup_days(products, pickup_dates: dict, now) -> tuple[dict[int, datetime.date], list[str]]:
    """Each group's chosen pickup day, checked against its slots now (inside order_place's
    transaction): missing, past or invented days are problems."""
    group_ids = sorted({product.group_id for product in products})
    offered = pickup_day_choices(group_ids, now=now)
    product_of_group = {product.group_id: product for product in products}
    chosen: dict[int, datetime.date] = {}
    problems: list[str] = []
    for group_id in group_ids:
        if not offered[group_id]:
            continue  # no weekly slots: pickup by arrangement, no date
        day = pickup_dates.get(group_id) or pickup_dates.get(str(group_id))
        if isinstance(day, str):
            try:
                day = datetime.date.fromisoformat(day)
            except ValueError:
                day = None
        if not isinstance(day, datetime.date):
            problems.append(_("Choose a pickup day for %(group)s.") % {"group": product_of_group[group_id].group})
        elif day not in {offered_day.date for offered_day in offered[group_id]}:
            problems.append(
                _("%(group)s no longer collects on %(date)s. Please choose another pickup day.")
                % {"group": product_of_group[group_id].group, "date": day.isoformat()}
            )
        else:
            chosen[group_id] = day
    return chosen, problems


def _release_stock(order: Order) -> None:
    """Give the order's quantities back to its products (caller holds the order's lock)."""
    quantities: dict[int, Decimal] = defaultdict(Decimal)
    for product_id, quantity in order.lines.values_list("product_id", "quantity"):
        quantities[product_id] += quantity
    # Same lock order as order_place.
    stocks = dict(
        Product.objects.select_for_update().filter(pk__in=quantities).order_by("pk").values_list("pk", "stock")
    )
    for product_id in sorted(quantities):
        # Exact Decimal under the row lock (SQLite does F() arithmetic in floating point).
        Product.objects.filter(pk=product_id).update(stock=stocks[product_id] + quantities[product_id])
    # Group trade: give pooled lots' attributions back to their contributions.
    grouptrade.release_order(order=order)
    page_cache.purge_products(
        quantities, Product.objects.filter(pk__in=quantities).values_list("category_id", flat=True)
    )


def order_cancel(*, order: Order, actor=None, reason: str = "") -> Order:
    """Cancel the order and release its stock. Cancelling an order that is already cancelled
    changes nothing (the stock is released exactly once)."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status in (Order.Status.CANCELLED, Order.Status.REFUNDED):
            return locked
        locked.set_status(Order.Status.CANCELLED)
        _release_stock(locked)
        locked.cancelled_reason = (reason or "")[:200]
        locked.expires_at = None
        locked.save(update_fields=["status", "cancelled_reason", "expires_at", "updated_at"])
        locked.fulfilments.exclude(status=Fulfilment.Status.DELIVERED).update(status=Fulfilment.Status.CANCELLED)
        transaction.on_commit(lambda: notifications.order_status_changed(locked.pk))
    return locked


def orders_expire_unpaid(*, now: datetime.datetime | None = None) -> int:
    """Cancel unpaid orders past their expiry and release their stock; returns how many.
    Safe to run twice or in two workers at once: each order is re-checked under its lock."""
    now = now or timezone.now()
    expired = 0
    for order_id in Order.objects.expired_unpaid(now).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(pk=order_id).first()
            if order is None or order.status != Order.Status.PENDING_PAYMENT or not order.expires_at:
                continue
            if order.expires_at > now:
                continue
            order_cancel(order=order, reason=_("Not paid in time"))
            expired += 1
    return expired


def fulfilment_set_status(*, fulfilment: Fulfilment, status: str, actor=None) -> Fulfilment:
    """A group marks its part ready or delivered; the order follows when every part has."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=fulfilment.order_id)
        locked = Fulfilment.objects.select_for_update().get(pk=fulfilment.pk)
        if order.status not in Order.FULFILLABLE_STATUSES:
            raise MarketplaceError(
                _("This order cannot be fulfilled while it is “%(status)s”.") % {"status": order.get_status_display()}
            )
        locked.set_status(status)
        locked.save(update_fields=["status", "updated_at"])
        parts = [s for s in order.fulfilments.values_list("status", flat=True) if s != Fulfilment.Status.CANCELLED]
        done = {Fulfilment.Status.READY, Fulfilment.Status.DELIVERED}
        changed = False
        if parts and all(s in done for s in parts) and order.can_move_to(Order.Status.READY):
            order.set_status(Order.Status.READY)
            changed = True
        if parts and all(s == Fulfilment.Status.DELIVERED for s in parts) and order.can_move_to(Order.Status.DELIVERED):
            order.set_status(Order.Status.DELIVERED)
            changed = True
        if changed:
            order.save(update_fields=["status", "updated_at"])
        transaction.on_commit(lambda: notifications.fulfilment_status_changed(locked.pk))
    return locked


def order_complete(*, order: Order, actor=None) -> Order:
    """Staff close a delivered order."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        locked.set_status(Order.Status.COMPLETED)
        locked.save(update_fields=["status", "updated_at"])
        transaction.on_commit(lambda: notifications.order_status_changed(locked.pk))
    return locked


def product_set_stock(*, product: Product, stock: Decimal, actor=None) -> Product:
    """Set the stock a producer has now, under the same lock checkouts take, so an edit never
    overwrites a reservation made a moment earlier with a stale figure. Logged in the
    producer's history (networks.audit) when an actor is given."""
    stock = Decimal(stock)
    if stock < 0:
        raise MarketplaceError(_("Stock cannot be negative."))
    if product.whole_units_only and stock != stock.to_integral_value():
        raise MarketplaceError(_("This unit is sold whole: enter a whole number."))
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        if hasattr(locked, "pooled_lot"):  # group trade: a lot's stock is its contributions
            raise MarketplaceError(_("This product is a pooled lot: its stock is what members bring."))
        locked.stock = stock
        locked.save(update_fields=["stock", "updated_at"])
        if actor is not None:
            audit.log_for_member(
                member=locked.producer, action=audit.PRODUCT_STOCK, actor=actor, obj=locked, data={"stock": str(stock)}
            )
    return locked


__all__ = [
    "CartLine",
    "quote_accept",
    "quote_decline",
    "quote_offer",
    "quote_request",
    "quote_withdraw",
    "quotes_expire",
    "CheckoutError",
    "InvalidTransition",
    "fulfilment_set_status",
    "order_cancel",
    "order_complete",
    "order_place",
    "orders_expire_unpaid",
    "pickup_day_choices",
    "product_set_stock",
    "product_set_status_by_producer",
]


# A published product whose words or photo change goes back to staff for review; price, stock
# and minimum-order changes do not.
REVIEWED_FIELDS = {"title_km", "title_en", "description_km", "description_en", "category"}


def _product_photo_add(*, product: Product, upload, user) -> None:
    from wagtail.images import get_image_model

    from .models import ProductPhoto

    image = get_image_model()(title=product.title_en or product.title_km, file=upload, uploaded_by_user=user)
    image.save()
    ProductPhoto.objects.create(product=product, image=image, sort_order=product.photos.count())


def _refuse_minor_producer(product: Product) -> None:
    """A product's producer is never a minor (the model's clean says so to forms; this is the
    check for every write that does not go through a form)."""
    if product.producer_id and product.producer.is_minor:
        raise MarketplaceError(minor_refusal())


def product_create_draft(*, product: Product, photo=None, user) -> Product:
    """A producer's new listing: always a draft, with its phone photo, written together; logged
    in the producer's history with who listed it (a coordinator may list for her)."""
    _refuse_minor_producer(product)
    with transaction.atomic():
        product.status = Product.Status.DRAFT
        product.save()
        if photo:
            _product_photo_add(product=product, upload=photo, user=user)
        audit.log_for_member(member=product.producer, action=audit.PRODUCT_CREATE, actor=user, obj=product)
    return product


def pooled_product_create(*, product: Product, photo=None, user):
    """A coordinator's new product that is a pooled lot from the start: a draft with stock 0
    and its lot, written together (group trade; its stock is then what members bring)."""
    with transaction.atomic():
        product.stock = Decimal("0")
        product_create_draft(product=product, photo=photo, user=user)
        return grouptrade.lot_create(product=product, actor=user)


def product_update_by_producer(
    *, product: Product, fields: Iterable[str], changed: Iterable[str], photo=None, user
) -> bool:
    """Save a producer's edit of `fields`; returns True when it sent the product back to review."""
    _refuse_minor_producer(product)
    back_to_review = product.status == Product.Status.PUBLISHED and bool(REVIEWED_FIELDS & set(changed) or photo)
    with transaction.atomic():
        if back_to_review:
            product.status = Product.Status.PENDING_REVIEW
        product.save(update_fields=[*fields, "status", "search_text", "updated_at"])
        if photo:
            _product_photo_add(product=product, upload=photo, user=user)
        audit.log_for_member(
            member=product.producer,
            action=audit.PRODUCT_EDIT,
            actor=user,
            obj=product,
            data={"changed": sorted(set(changed) - {"photo"}) + (["photo"] if photo else [])},
        )
    return back_to_review


def product_set_status_by_producer(*, product: Product, new_status: str, actor) -> Product:
    """A producer's (or her coordinator's) button in My shop: Product.PRODUCER_TRANSITIONS
    decides (InvalidTransition otherwise); logged in the producer's history."""
    with transaction.atomic():
        locked = Product.objects.select_for_update().select_related("producer").get(pk=product.pk)
        locked.set_status(new_status, staff=False)
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit.log_for_member(
            member=locked.producer, action=audit.PRODUCT_STATUS, actor=actor, obj=locked, data={"status": new_status}
        )
    return locked


# --- Trader quotes -------------------------------------------------------------------------
# request → offered (revisable) → accepted | declined | withdrawn | expired (Quote.TRANSITIONS).
# The quote row is always locked first; accepting then locks the product through order_place.


def quote_request(
    *, quote: Quote, product: Product | None = None, category: Category | None = None, group=None, user=None
) -> Quote:
    """A trader's request. For a product the group is the product's, never the form's; for a
    category she names the producer group she asks."""
    if product is not None:
        quote.product = product
        quote.category_id = product.category_id
        quote.group_id = product.group_id
    elif category is not None and group is not None:
        quote.product = None
        quote.category = category
        quote.group = group
    else:
        raise MarketplaceError(_("Choose a product, or a category and a producer group."))
    phone = phones.normalise(quote.phone)
    if phone is None:
        raise MarketplaceError(phones.INVALID_MESSAGE)
    quote.phone = phone
    quote.user = user if user is not None and user.is_authenticated else None
    quote.status = Quote.Status.REQUESTED
    with transaction.atomic():
        quote.save()
        transaction.on_commit(lambda: notifications.quote_requested(quote.pk))
    return quote


def _locked_quote(quote: Quote) -> Quote:
    return Quote.objects.select_for_update().get(pk=quote.pk)


def _locked_open_quote(quote: Quote) -> Quote:
    """The quote, locked, if the group may still answer it (requested, or offered and valid)."""
    locked = _locked_quote(quote)
    if locked.current_status not in Quote.OPEN_STATUSES:
        raise MarketplaceError(
            _("This quote is “%(status)s”: it can no longer be answered.")
            % {"status": locked.get_current_status_display()}
        )
    return locked


def quote_offer(
    *,
    quote: Quote,
    product: Product,
    unit_price: Decimal,
    quantity: Decimal,
    valid_until: datetime.datetime,
    note: str = "",
    actor=None,
) -> Quote:
    """The group's offer (or a revised one while the trader has not answered): one of its own
    products, a unit price, a quantity and how long the offer holds."""
    problems = []
    if product.group_id != quote.group_id:
        problems.append(_("Offer one of your group's products."))
    elif product.status != Product.Status.PUBLISHED:
        problems.append(_("“%(title)s” is not for sale; publish it before offering it.") % {"title": product.title})
    if unit_price is None or unit_price <= 0:
        problems.append(_("Enter a unit price above zero."))
    if quantity is None or quantity <= 0:
        problems.append(_("Enter a quantity above zero."))
    elif product.whole_units_only and quantity != quantity.to_integral_value():
        problems.append(_("“%(title)s” is sold in whole units: enter a whole number.") % {"title": product.title})
    if valid_until is None or valid_until <= timezone.now():
        problems.append(_("The offer must be valid until a time in the future."))
    if problems:
        raise MarketplaceError(" ".join(str(problem) for problem in problems))
    with transaction.atomic():
        locked = _locked_open_quote(quote)
        locked.set_status(Quote.Status.OFFERED)
        locked.product = product
        locked.unit_price = money.as_decimal(unit_price).quantize(Decimal("0.01"))
        locked.offered_quantity = quantity
        locked.valid_until = valid_until
        locked.reply = (note or "").strip()[:2000]
        locked.replied_by = actor if actor is not None and actor.is_authenticated else None
        locked.replied_at = timezone.now()
        locked.save()
        transaction.on_commit(lambda: notifications.quote_answered(locked.pk))
    return locked


def quote_decline(*, quote: Quote, reason: str, actor=None) -> Quote:
    """The group says no (with a reason the trader reads)."""
    reason = (reason or "").strip()
    if not reason:
        raise MarketplaceError(_("Say why you decline, so the trader knows."))
    with transaction.atomic():
        locked = _locked_open_quote(quote)
        locked.set_status(Quote.Status.DECLINED)
        locked.reply = reason[:2000]
        locked.replied_by = actor if actor is not None and actor.is_authenticated else None
        locked.replied_at = timezone.now()
        locked.save(update_fields=["status", "reply", "replied_by", "replied_at", "updated_at"])
        transaction.on_commit(lambda: notifications.quote_answered(locked.pk))
    return locked


def quote_withdraw(*, quote: Quote) -> Quote:
    """The trader no longer wants it. Withdrawing twice changes nothing more."""
    with transaction.atomic():
        locked = _locked_quote(quote)
        if locked.status == Quote.Status.WITHDRAWN:
            return locked
        if locked.current_status not in Quote.OPEN_STATUSES:
            raise MarketplaceError(
                _("This quote is “%(status)s”: it cannot be withdrawn.")
                % {"status": locked.get_current_status_display()}
            )
        locked.set_status(Quote.Status.WITHDRAWN)
        locked.save(update_fields=["status", "updated_at"])
    return locked


def quote_accept(
    *,
    quote: Quote,
    payment_method: str,
    delivery_method: str,
    delivery_address: str = "",
    pickup_dates: dict | None = None,
    buyer=None,
) -> Order:
    """The trader accepts the offer: it becomes an order at the quoted unit price and quantity,
    placed by order_place (stock reserved under the product's lock, pooled lots attributed,
    notifications sent) in the same transaction as the quote's change.

    The quote row is locked first, so accepting twice, even at the same moment, makes one order:
    the second call finds the order the first made and returns it. Raises MarketplaceError (or
    CheckoutError listing the problems, such as short stock) and then nothing is written."""
    with transaction.atomic():
        locked = Quote.objects.select_for_update().get(pk=quote.pk)
        if locked.order_id:
            return Order.objects.get(pk=locked.order_id)
        if locked.status == Quote.Status.OFFERED and locked.is_past_validity():
            raise MarketplaceError(
                _("This offer expired on %(date)s. Ask the group for a new one.")
                % {"date": timezone.localtime(locked.valid_until).strftime("%Y-%m-%d %H:%M")}
            )
        if locked.status != Quote.Status.OFFERED:
            raise MarketplaceError(
                _("This quote is “%(status)s”: only an offer can be accepted.")
                % {"status": locked.get_status_display()}
            )
        if locked.product_id is None:
            raise MarketplaceError(_("The offered product is no longer for sale. Ask the group for a new offer."))
        order = order_place(
            cart_lines=[CartLine(locked.product_id, locked.offered_quantity, quoted_price=locked.unit_price)],
            buyer_name=locked.name,
            buyer_phone=locked.phone,
            buyer_email=locked.email,
            delivery_method=delivery_method,
            delivery_address=delivery_address,
            payment_method=payment_method,
            pickup_dates=pickup_dates,
            buyer=buyer if buyer is not None and buyer.is_authenticated else locked.user,
        )
        locked.set_status(Quote.Status.ACCEPTED)
        locked.order = order
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["status", "order", "accepted_at", "updated_at"])
    return order


def quotes_expire(*, now: datetime.datetime | None = None) -> int:
    """Mark offers past their validity as expired; returns how many. Nothing else changes (an
    offer reserves no stock). Safe to run twice or in two workers: each is re-checked under its lock."""
    now = now or timezone.now()
    expired = 0
    for quote_id in Quote.objects.offers_past_validity(now).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            quote = Quote.objects.select_for_update().filter(pk=quote_id).first()
            if quote is None or quote.status != Quote.Status.OFFERED or not quote.is_past_validity(now):
                continue
            quote.set_status(Quote.Status.EXPIRED)
            quote.save(update_fields=["status", "updated_at"])
            expired += 1
    return expired
