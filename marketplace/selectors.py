"""Reads that other apps show (the home page's featured products, site search results): they
need the market page as well as products, so they sit above the models, not in querysets.py."""

from django.db.models import F
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import MarketPage, Product

FEATURED_COUNT = 4
SEARCH_RESULT_COUNT = 10


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
