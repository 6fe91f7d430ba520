"""Thin views: read through querysets, write through services. The catalog, product, cart and
checkout views are routes of MarketPage (models.py), so editors keep the page's intro and the
URLs live under the page (/km/market/…)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from accounts.throttling import limit_writes

from . import services
from .cart import Cart
from .exceptions import CheckoutError
from .filters import ProductFilter
from .forms import AddToCartForm, CartUpdateForm, CheckoutForm, InquiryForm
from .models import MarketPage, Order, Product
from .payments.providers import after_checkout_url, checkout_choices
from .selectors import CardPage, CatalogPaginator
from .services import order_place

PAGE_SIZES = (10, 24, 48, 100)
DEFAULT_PAGE_SIZE = 24
RELATED_COUNT = 4


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def _render(request, page, template, context, status=200):
    context = {"page": page, "self": page, "cart_count": len(Cart(request.session)), **context}
    return TemplateResponse(request, template, context, status=status)


def catalog(request, page: MarketPage):
    filterset = ProductFilter(request.GET or None, queryset=Product.objects.published().for_cards())
    products = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    # Paginate ids only: the cards come from the fragment cache, the products are read only
    # for the cards missing there (selectors.CardPage).
    query = request.GET.copy()
    query.pop("page", None)
    ids = products.prefetch_related(None).values_list("pk", flat=True)
    paginator = CatalogPaginator(ids, _page_size(request), query=query.urlencode())
    page_obj = paginator.get_page(request.GET.get("page"))
    return _render(
        request,
        page,
        "marketplace/market_page.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "products": CardPage(page_obj.object_list),
            "extra": query.urlencode(),
            "more_filters_used": any(request.GET.get(name) for name in filterset.form.fields if name != "q"),
        },
    )


def _published_product(product_id: int) -> Product:
    product = Product.objects.published().for_cards().filter(pk=product_id).first()
    if product is None:
        raise Http404
    return product


def _published_product_and_related(product_id: int) -> tuple[Product, CardPage]:
    """The product (with its photos and renditions) and the ids of the newest others of its
    category: their cards come from the fragment cache (selectors.CardPage)."""
    product = _published_product(product_id)
    related = (
        Product.objects.published()
        .filter(category_id=product.category_id)
        .exclude(pk=product.pk)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[:RELATED_COUNT]
    )
    return product, CardPage(related)


def product_detail(
    request, page: MarketPage, product_id: int, slug=None, *, inquiry_form=None, cart_form=None, status=200
):
    product, related = _published_product_and_related(product_id)
    return _render(
        request,
        page,
        "marketplace/product_detail.html",
        {
            "product": product,
            "related": related,
            "cart_form": cart_form
            or AddToCartForm(initial={"product": product.pk, "quantity": product.minimum_order.normalize()}),
            "inquiry_form": inquiry_form or InquiryForm(initial={"quantity": product.minimum_order.normalize()}),
            "page_title": product.title,
        },
        status=status,
    )


@limit_writes
def inquiry_create(request, page: MarketPage, product_id: int):
    product = _published_product(product_id)
    if request.method != "POST":
        return redirect(page.product_url(product) + "#inquiry")
    form = InquiryForm(request.POST)
    if not form.is_valid():
        return product_detail(request, page, product_id, inquiry_form=form, status=400)
    services.inquiry_create(inquiry=form.save(commit=False), product=product, user=request.user)
    messages.success(
        request, _("Your inquiry was sent to %(group)s. They will reply by phone or email.") % {"group": product.group}
    )
    return redirect(page.product_url(product))


def cart_add(request, page: MarketPage):
    if request.method != "POST":
        return redirect(page.route_url("cart"))
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        product_id = request.POST.get("product", "")
        if product_id.isdigit() and Product.objects.published().filter(pk=product_id).exists():
            return product_detail(request, page, int(product_id), cart_form=form, status=400)
        messages.error(request, _("That product could not be added to the cart."))
        return redirect(page.url)
    product = Product.objects.published().filter(pk=form.cleaned_data["product"]).first()
    if product is None:
        messages.error(request, _("That product is not for sale."))
        return redirect(page.url)
    problem = Cart(request.session).add(product, form.cleaned_data["quantity"])
    if problem:
        form.add_error("quantity", problem)
        return product_detail(request, page, product.pk, cart_form=form, status=400)
    messages.success(request, _("Added to your cart: %(title)s") % {"title": product.title})
    return redirect(page.route_url("cart"))


def _cart_context(cart: Cart):
    items = cart.items()
    groups: dict = {}
    for item in items:
        groups.setdefault(item.product.group, []).append(item)
    return {
        "items": items,
        "items_by_group": list(groups.items()),
        "cart_total": Cart.total(items),
        "has_problems": any(item.problem for item in items),
        "price_changes": [item for item in items if item.price_changed],
    }


def cart_view(request, page: MarketPage):
    cart = Cart(request.session)
    status = 200
    if request.method == "POST":
        if "accept_prices" in request.POST:
            cart.accept_prices()
            return redirect(page.route_url("cart"))
        form = CartUpdateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter a quantity of zero or more."))
            status = 400
        else:
            product = Product.objects.filter(pk=form.cleaned_data["product"]).first()
            if product is None or str(product.pk) not in cart.data:
                messages.error(request, _("That product is not in your cart."))
                status = 400
            else:
                problem = cart.set(product, form.cleaned_data["quantity"])
                if problem:
                    messages.error(request, problem)
                    status = 400
                else:
                    return redirect(page.route_url("cart"))
    return _render(request, page, "marketplace/cart.html", {**_cart_context(cart), "page_title": _("Cart")}, status)


@limit_writes
def checkout(request, page: MarketPage):
    cart = Cart(request.session)
    if not len(cart):
        messages.info(request, _("Your cart is empty."))
        return redirect(page.url)
    initial = {}
    if request.user.is_authenticated:
        initial = {
            "buyer_name": request.user.get_full_name(),
            "buyer_phone": request.user.phone,
            "buyer_email": request.user.email,
        }
    form = CheckoutForm(request.POST or None, payment_choices=checkout_choices(request), initial=initial)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order = order_place(
                    cart_lines=cart.cart_lines(),
                    buyer=request.user,
                    **{name: form.cleaned_data[name] for name in form.fields},
                )
            except CheckoutError as error:
                problems = error.problems
                status = 409
            else:
                cart.clear()
                # Online methods go straight to the provider's payment page.
                return redirect(after_checkout_url(order))
        else:
            status = 400
    context = _cart_context(cart)
    return _render(
        request,
        page,
        "marketplace/checkout.html",
        {**context, "form": form, "problems": problems, "page_title": _("Checkout")},
        status,
    )


def order_detail(request, reference: str):
    order = get_object_or_404(Order.objects.with_lines(), reference=reference)
    if not order.token_matches(request.GET.get("token")):
        raise Http404
    page = MarketPage.objects.live().filter(locale__language_code=request.LANGUAGE_CODE).first()
    return TemplateResponse(
        request,
        "marketplace/order_detail.html",
        {"order": order, "market_page": page, "page_title": _("Order %(reference)s") % {"reference": reference}},
    )


@login_required
def order_history(request):
    orders = Order.objects.filter(buyer=request.user).with_lines()
    paginator = Paginator(orders, 20)
    page_obj = paginator.get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "marketplace/order_history.html", {"page_obj": page_obj, "page_title": _("My orders")}
    )
