from django.template.loader import render_to_string
from wagtail import hooks

from . import selectors
from .viewsets import MarketplaceViewSetGroup


@hooks.register("register_admin_viewset")
def register_marketplace_viewsets():
    return MarketplaceViewSetGroup()


@hooks.register("sahakum_home_sections")
def featured_products_section(request):
    products, market_page = selectors.featured_products(request)
    if not products or market_page is None:
        return ""
    return render_to_string(
        "marketplace/includes/home_featured.html",
        {"products": products, "market_page": market_page, "request": request},
        request=request,
    )


@hooks.register("sahakum_search_results")
def product_search_results(request, segmented_query):
    return selectors.product_search_results(request, segmented_query)
