"""Thin views: read through querysets, write through services. The catalog, product, cart and
checkout views are routes of MarketPage (models.py), so editors keep the page's intro and the
URLs live under the page (/km/market/…)."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.throttling import limit_writes
from cms.cache import TAG_REGISTRY, fragment

from . import services
from .cart import Cart
from .exceptions import CheckoutError, MarketplaceError
from .filters import ProductFilter
from .forms import (
    AddToCartForm,
    CartUpdateForm,
    CategoryQuoteRequestForm,
    CheckoutForm,
    QuoteAcceptForm,
    QuoteRequestForm,
)
from .models import MarketPage, Order, Product, Quote
from .payments.providers import after_checkout_url, checkout_choices
from .selectors import CardPage, CatalogPaginator
from .services import order_place, pickup_day_choices

PAGE_SIZES = (10, 24, 48, 100)
DEFAULT_PAGE_SIZE = 24
RELATED_COUNT = 4


def _pickup_choices(groups: dict) -> list:
    """The next pickup days of these groups ({id: group}) as DeliveryPaymentForm's choices."""
    return [
        (group_id, str(groups[group_id]), [(day.date.isoformat(), day.label()) for day in days])
        for group_id, days in pickup_day_choices(sorted(groups)).items()
    ]


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


@dataclass(frozen=True)
class ProductSummary:
    """What the product page shows of a product, the same for every visitor: the body's HTML
    (title, photos, price in both currencies, facts, description, "from N members", trained
    badge) and the few fields the page's forms, title and cache tags need. Kept in the fragment
    cache (`product_summary`); the forms, their CSRF token, the cart and messages are rendered
    live around it for each request."""

    pk: int
    category_id: int
    title: str
    meta_description: str
    in_stock: bool
    whole_units_only: bool
    minimum_order: Decimal
    body_html: str

    @property
    def body(self):
        # The output of an auto-escaping template (marketplace/includes/product_body.html).
        return mark_safe(self.body_html)  # nosec B308 B703  # template output, escaped when rendered


def product_summary(request, product_id: int) -> ProductSummary:
    """The published product's summary, from the fragment cache per product and language until
    the product (price, stock, status, photos, contributions, trained badge), the registry
    (group and place names) or the site (exchange rate, categories) change. Http404, never
    cached, when it is not for sale."""

    def compute() -> ProductSummary:
        product = _published_product(product_id)
        description = strip_tags(product.description)
        return ProductSummary(
            pk=product.pk,
            category_id=product.category_id,
            title=product.title,
            meta_description=Truncator(description).words(40, truncate=" …")
            if description
            else f"{product.title} · {product.group.name}",
            in_stock=product.in_stock,
            whole_units_only=product.whole_units_only,
            minimum_order=product.minimum_order,
            body_html=str(
                render_to_string("marketplace/includes/product_body.html", {"product": product}, request=request)
            ),
        )

    key = f"product-body:{get_language()}:{timezone.localdate()}:{product_id}"
    return fragment(key, (f"product:{product_id}", TAG_REGISTRY), compute)


def _related_ids(product: ProductSummary) -> list[int]:
    """The newest other products of its category (ids; their cards come from the fragment
    cache), kept until a product of the category changes."""
    return fragment(
        f"related:{product.pk}",
        (f"category:{product.category_id}",),
        lambda: list(
            Product.objects.published()
            .filter(category_id=product.category_id)
            .exclude(pk=product.pk)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[:RELATED_COUNT]
        ),
    )


def product_detail(
    request, page: MarketPage, product_id: int, slug=None, *, quote_form=None, cart_form=None, status=200
):
    product = product_summary(request, product_id)
    # Unfilled forms of an anonymous visitor are the same for everyone (their fields' HTML is
    # then a fragment; the CSRF token stays outside it); a trader's contact or a bound form's
    # values and errors are rendered live.
    shared_forms = cart_form is None and quote_form is None and not request.user.is_authenticated
    return _render(
        request,
        page,
        "marketplace/product_detail.html",
        {
            "product": product,
            "related": CardPage(_related_ids(product)),
            "cart_form": cart_form
            or AddToCartForm(initial={"product": product.pk, "quantity": product.minimum_order.normalize()}),
            "quote_form": quote_form
            or QuoteRequestForm(
                initial=_contact_initial(request, quantity=product.minimum_order.normalize()), with_commune=False
            ),
            "page_title": product.title,
            "shared_forms": shared_forms,
        },
        status=status,
    )


def _contact_initial(request, **initial) -> dict:
    """A signed-in trader's contact, so she does not type it again."""
    user = request.user
    if user.is_authenticated:
        initial.update(name=user.get_full_name(), phone=user.phone, email=user.email)
    return initial


@limit_writes
def product_quote_request(request, page: MarketPage, product_id: int):
    """The product page's request for a quote (a larger quantity, a future harvest)."""
    product = _published_product(product_id)
    if request.method != "POST":
        return redirect(page.product_url(product) + "#quote")
    form = QuoteRequestForm(request.POST, with_commune=False)
    if not form.is_valid():
        return product_detail(request, page, product_id, quote_form=form, status=400)
    quote = services.quote_request(quote=form.save(commit=False), product=product, user=request.user)
    messages.success(
        request,
        _("Your request was sent to %(group)s. Their offer will appear on this page.") % {"group": product.group},
    )
    return redirect(quote.token_url())


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
    context = _cart_context(cart)
    group_names = {group.pk: group for group, _items in context["items_by_group"]}
    pickup_choices = _pickup_choices(group_names)
    form = CheckoutForm(
        request.POST or None,
        payment_choices=checkout_choices(request),
        pickup_choices=pickup_choices,
        initial=initial,
    )
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order = order_place(
                    cart_lines=cart.cart_lines(),
                    buyer=request.user,
                    **form.order_place_kwargs(),
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
    return _render(
        request,
        page,
        "marketplace/checkout.html",
        {
            **context,
            "form": form,
            "problems": problems,
            "page_title": _("Checkout"),
            "pickup_by_arrangement": [group_names[group_id] for group_id, _name, days in pickup_choices if not days],
        },
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


# --- Trader quotes ---------------------------------------------------------------------------
# Not routes of MarketPage (like the order page): a quote is found by its number, and is hers
# by the secret token in its link, or by her account.


def _market_page(request):
    return MarketPage.objects.live().filter(locale__language_code=request.LANGUAGE_CODE).first()


def _trader_quote(request, pk: int) -> tuple[Quote, str]:
    """The quote if this visitor may see it (its token, or her account), else 404; and the token
    to carry in forms and links."""
    quote = get_object_or_404(Quote.objects.with_related(), pk=pk)
    token = request.POST.get("token") or request.GET.get("token")
    if quote.token_matches(token):
        return quote, token
    if request.user.is_authenticated and quote.user_id == request.user.pk:
        return quote, ""
    raise Http404


@login_required
def quote_list(request):
    quotes = Quote.objects.for_user(request.user).with_related()
    page_obj = Paginator(quotes, 20).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "marketplace/quote_list.html",
        {"page_obj": page_obj, "market_page": _market_page(request), "page_title": _("My quotes")},
    )


@limit_writes
def quote_request(request):
    """A request for a category (“200 kg of jasmine rice”) to a producer group she picks."""
    initial = _contact_initial(request)
    if request.GET.get("category", "").isdigit():
        initial["category"] = int(request.GET["category"])
    form = CategoryQuoteRequestForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            quote = services.quote_request(
                quote=form.save(commit=False),
                category=form.cleaned_data["category"],
                group=form.cleaned_data["group"],
                user=request.user,
            )
            messages.success(
                request,
                _("Your request was sent to %(group)s. Their offer will appear on this page.") % {"group": quote.group},
            )
            return redirect(quote.token_url())
        status = 400
    return TemplateResponse(
        request,
        "marketplace/quote_request.html",
        {"form": form, "market_page": _market_page(request), "page_title": _("Ask for a quote")},
        status=status,
    )


def _accept_initial(quote: Quote) -> dict:
    if quote.delivery_commune_id:
        return {"delivery_method": Order.DeliveryMethod.DELIVERY, "delivery_address": str(quote.delivery_commune)}
    return {"delivery_method": Order.DeliveryMethod.PICKUP}


def quote_detail(request, pk: int, *, accept_form=None, problems=(), status=200):
    quote, token = _trader_quote(request, pk)
    if accept_form is None and quote.can_be_accepted:
        accept_form = QuoteAcceptForm(
            payment_choices=checkout_choices(request),
            pickup_choices=_pickup_choices({quote.group_id: quote.group}),
            initial=_accept_initial(quote),
        )
    return TemplateResponse(
        request,
        "marketplace/quote_detail.html",
        {
            "quote": quote,
            "token": token,
            "accept_form": accept_form if quote.can_be_accepted else None,
            "problems": problems,
            "market_page": _market_page(request),
            "page_title": _("Quote %(number)s") % {"number": quote.pk},
        },
        status=status,
    )


def _back_to(quote: Quote, token: str):
    if token:
        return redirect(quote.token_url())
    return redirect("marketplace:quote_detail", pk=quote.pk)


@require_POST
@limit_writes
def quote_accept(request, pk: int):
    quote, token = _trader_quote(request, pk)
    form = QuoteAcceptForm(
        request.POST,
        payment_choices=checkout_choices(request),
        pickup_choices=_pickup_choices({quote.group_id: quote.group}),
    )
    if not form.is_valid():
        return quote_detail(request, pk, accept_form=form, status=400)
    try:
        order = services.quote_accept(quote=quote, buyer=request.user, **form.order_place_kwargs())
    except CheckoutError as error:
        return quote_detail(request, pk, accept_form=form, problems=error.problems, status=409)
    except MarketplaceError as error:
        messages.error(request, str(error))
        return _back_to(quote, token)
    messages.success(request, _("Offer accepted: order %(reference)s.") % {"reference": order.reference})
    return redirect(after_checkout_url(order))


@require_POST
@limit_writes
def quote_withdraw(request, pk: int):
    quote, token = _trader_quote(request, pk)
    try:
        services.quote_withdraw(quote=quote)
    except MarketplaceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return _back_to(quote, token)
