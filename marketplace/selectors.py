"""Reads that other apps show (the home page's featured products, site search results): they
need the market page as well as products, so they sit above the models, not in querysets.py."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import MarketPage, Product

FEATURED_COUNT = 4
SEARCH_RESULT_COUNT = 10


class CatalogPaginator(Paginator):
    """The catalog's paginator: the number of matching products (a COUNT over every published
    product) is kept in the fragment cache per filter query until a product, category or group
    changes (the catalog and registry purge tags)."""

    def __init__(self, object_list, per_page, *, query: str):
        super().__init__(object_list, per_page)
        self.query = query

    @cached_property
    def count(self) -> int:
        from cms.cache import TAG_CATALOG, TAG_REGISTRY, fragment

        digest = hashlib.sha256(self.query.encode()).hexdigest()[:32]
        return fragment(f"catalog-count:{digest}", (TAG_CATALOG, TAG_REGISTRY), lambda: Paginator.count.func(self))


class CardPage:
    """A page of catalog cards (`{% product_cards %}` takes it) read as product ids: the
    products themselves, with group, place, photos and renditions, are read in one go only for
    the cards missing from the fragment cache, so a page whose cards are all cached costs one
    lean query for the ids instead of a seven-table join and ~300 model instances.
    Iterating it gives the products (read then, in the page's order)."""

    def __init__(self, ids):
        self.ids = list(ids)

    def __len__(self):
        return len(self.ids)

    def __iter__(self):
        products = self.load(self.ids)
        return iter([products[pk] for pk in self.ids if pk in products])

    def load(self, ids) -> dict[int, Product]:
        return {product.pk: product for product in Product.objects.published().for_cards().filter(pk__in=ids)}


def market_page_for_language(language_code: str | None):
    """The live MarketPage in this language (falls back to any live one)."""
    pages = MarketPage.objects.live().select_related("locale")
    for page in pages:
        if page.locale.language_code == language_code:
            return page
    return pages[0] if pages else None


def featured_products(request):
    """Newest published products in stock, for the home page."""
    page = market_page_for_language(getattr(request, "LANGUAGE_CODE", None))
    products = list(
        Product.objects.published()
        .filter(stock__gt=0)
        .for_cards()
        .order_by(F("published_at").desc(nulls_last=True), "-pk")[:FEATURED_COUNT]
    )
    return products, page


def product_search_results(request, segmented_query: str) -> list[dict]:
    """Products for the site search (cms.views.search): title, url, summary, kind."""
    page = market_page_for_language(getattr(request, "LANGUAGE_CODE", None))
    if page is None or not segmented_query.strip():
        return []
    products = Product.objects.published().search(segmented_query).select_related("group")[:SEARCH_RESULT_COUNT]
    return [
        {
            "title": product.title,
            "url": page.product_url(product),
            "summary": Truncator(product.description).words(25) or str(product.group),
            "kind": _("Product"),
        }
        for product in products
    ]


# --- Collection-point days (My shop's pickups) ----------------------------------------------


def _pickup_fulfilments(group_ids):
    from .models import Fulfilment, Order

    return Fulfilment.objects.filter(group_id__in=group_ids, pickup_on__isnull=False).exclude(
        Q(status=Fulfilment.Status.CANCELLED) | Q(order__status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
    )


def upcoming_pickup_days(group_ids, since):
    """Pickup days from `since` on with orders of these groups: [{pickup_on, orders, to_collect}]
    (one query)."""
    from .models import Fulfilment

    return list(
        _pickup_fulfilments(group_ids)
        .filter(pickup_on__gte=since)
        .values("pickup_on")
        .annotate(orders=Count("pk"), to_collect=Count("pk", filter=~Q(status=Fulfilment.Status.DELIVERED)))
        .order_by("pickup_on")
    )


@dataclass
class PickListVillage:
    village: object  # networks.Village or None
    fulfilments: list


def pick_list(group_ids, day) -> list[PickListVillage]:
    """The day's pickups of these groups, by village: each order under the village of the
    producer of its first line (where the coordinator gathers the goods), else of the
    collection point. Each fulfilment carries `is_paid` and `amount_due` (its own part). A
    constant number of queries whatever the number of orders."""
    from .models import OrderLine
    from .payments.models import Payment

    fulfilments = (
        _pickup_fulfilments(group_ids)
        .filter(pickup_on=day)
        .select_related("order", "group__collection_point__village")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product__producer__village").order_by("pk")),
            Prefetch("payments", queryset=Payment.objects.captured(), to_attr="captured_payments"),
            Prefetch("order__payments", queryset=Payment.objects.captured(), to_attr="order_captured_payments"),
        )
        .order_by("order__buyer_name", "pk")
    )
    by_village: dict = {}
    for fulfilment in fulfilments:
        lines = list(fulfilment.lines.all())
        producer = lines[0].product.producer if lines else None
        village = producer.village if producer and producer.village_id else None
        if village is None and fulfilment.group.pickup_point is not None:
            village = fulfilment.group.pickup_point.village
        whole_order_paid = bool(fulfilment.order.paid_at) or any(
            payment.fulfilment_id is None for payment in fulfilment.order.order_captured_payments
        )
        fulfilment.is_paid = whole_order_paid or bool(fulfilment.captured_payments)
        fulfilment.amount_due = Decimal("0") if fulfilment.is_paid else fulfilment.subtotal
        by_village.setdefault(village, []).append(fulfilment)
    return [
        PickListVillage(village, rows)
        for village, rows in sorted(by_village.items(), key=lambda item: (item[0] is None, str(item[0] or "")))
    ]
