"""My shop: the producer and group-coordinator dashboard in the public site (mobile first,
Khmer first). Every object is looked up inside the user's scope (querysets.shop_group_ids,
Product.objects.editable_by), so another group's product, order or quote is a 404."""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, Q, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from networks.models import Group, Member

from .exceptions import InvalidTransition, MarketplaceError
from .forms import QuoteDeclineForm, QuoteOfferForm, ShopProductForm, StockForm
from .models import Fulfilment, OrderLine, Product, Quote
from .querysets import coordinated_group_ids, group_sales, member_for, shop_group_ids
from .services import (
    fulfilment_set_status,
    product_create_draft,
    product_set_status_by_producer,
    product_set_stock,
    product_update_by_producer,
    quote_decline,
    quote_offer,
)


def shop_required(view):
    """Signed in, and a producer or coordinator linked to a member of a group; else 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not shop_group_ids(request.user):
            return TemplateResponse(
                request, "marketplace/shop/no_access.html", {"page_title": _("My shop")}, status=403
            )
        return view(request, *args, **kwargs)

    return wrapper


def _render(request, template, context, status=200):
    groups = Group.objects.filter(pk__in=shop_group_ids(request.user)).select_related("village")
    base = {
        "shop_groups": groups,
        "shop_member": member_for(request.user),
        "is_coordinator": bool(coordinated_group_ids(request.user)),
    }
    return TemplateResponse(request, template, {**base, **context}, status=status)


@shop_required
def dashboard(request):
    groups = shop_group_ids(request.user)
    member = member_for(request.user)
    month_start = timezone.localdate().replace(day=1)
    context = {
        "page_title": _("My shop"),
        "to_fulfil": Fulfilment.objects.filter(group_id__in=groups).open_to_fulfil().count(),
        "open_quotes": Quote.objects.for_groups(groups).filter(status=Quote.Status.REQUESTED).count(),
        "product_counts": dict(
            Product.objects.editable_by(request.user).values_list("status").annotate(n=Count("pk")).order_by()
        ),
        "group_sales": group_sales(groups, since=month_start),
        "my_sales": OrderLine.objects.filter(product__producer=member).sales_totals(since=month_start),
        "top_products": OrderLine.objects.filter(fulfilment__group_id__in=groups).best_sellers(),
    }
    return _render(request, "marketplace/shop/dashboard.html", context)


@shop_required
def product_list(request):
    products = Product.objects.editable_by(request.user).for_cards().order_by("status", "-updated_at")
    return _render(
        request,
        "marketplace/shop/product_list.html",
        {"products": products, "page_title": _("My products"), "stock_form": StockForm()},
    )


def _form_scope(user):
    groups = Group.objects.filter(pk__in=shop_group_ids(user))
    member = member_for(user)
    coordinated = coordinated_group_ids(user)
    producers = Member.objects.filter(
        Q(pk=member.pk) | Q(memberships__group_id__in=coordinated, memberships__left__isnull=True)
    ).distinct()
    return groups, producers, member, coordinated


def _product_form(request, product=None, *, pooled=False):
    """`pooled`: a new pooled lot (group trade): only in a group this user coordinates, and no
    stock field (a lot's stock is what members bring)."""
    groups, producers, member, coordinated = _form_scope(request.user)
    if pooled:
        groups = groups.filter(pk__in=coordinated)
    form = ShopProductForm(
        request.POST or None, request.FILES or None, instance=product, groups=groups, producers=producers
    )
    if pooled:
        del form.fields["stock"]
    if request.method == "POST" and form.is_valid():
        chosen_producer = form.cleaned_data["producer"]
        chosen_group = form.cleaned_data["group"]
        if chosen_producer.pk != member.pk and chosen_group.pk not in coordinated:
            form.add_error("producer", _("You can list products for others only in a group you coordinate."))
    return form


@shop_required
def product_create(request):
    form = _product_form(request)
    if request.method == "POST" and not form.errors:
        product_create_draft(product=form.save(commit=False), photo=form.cleaned_data.get("photo"), user=request.user)
        messages.success(request, _("Saved as a draft. Submit it for review when it is ready."))
        return redirect("marketplace:shop_products")
    status = 400 if request.method == "POST" else 200
    return _render(
        request, "marketplace/shop/product_form.html", {"form": form, "page_title": _("Add a product")}, status
    )


@shop_required
def product_edit(request, pk):
    product = get_object_or_404(Product.objects.editable_by(request.user), pk=pk)
    form = _product_form(request, product)
    if request.method == "POST" and not form.errors:
        back_to_review = product_update_by_producer(
            product=form.save(commit=False),
            fields=[name for name in form.fields if name != "photo"],
            changed=form.changed_data,
            photo=form.cleaned_data.get("photo"),
            user=request.user,
        )
        if back_to_review:
            messages.info(request, _("Your changes will be visible after staff review them."))
        messages.success(request, _("Saved."))
        return redirect("marketplace:shop_products")
    status = 400 if request.method == "POST" else 200
    return _render(
        request,
        "marketplace/shop/product_form.html",
        {"form": form, "product": product, "page_title": _("Edit product")},
        status,
    )


@require_POST
@shop_required
def product_stock(request, pk):
    product = get_object_or_404(Product.objects.editable_by(request.user), pk=pk)
    form = StockForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["stock"]))
        return redirect(reverse("marketplace:shop_products") + f"#product-{pk}")
    try:
        product_set_stock(product=product, stock=form.cleaned_data["stock"], actor=request.user)
    except MarketplaceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Stock updated: %(title)s") % {"title": product.title})
    return redirect(reverse("marketplace:shop_products") + f"#product-{pk}")


# The buttons' actions (Product.PRODUCER_ACTIONS); the model decides which moves are allowed.
PRODUCT_ACTIONS = {action: status for status, (action, _label) in Product.PRODUCER_ACTIONS.items()}


@require_POST
@shop_required
def product_status(request, pk):
    product = get_object_or_404(Product.objects.editable_by(request.user), pk=pk)
    new_status = PRODUCT_ACTIONS.get(request.POST.get("action", ""))
    try:
        if new_status is None:
            raise InvalidTransition(product.status, request.POST.get("action", ""))
        product = product_set_status_by_producer(product=product, new_status=new_status, actor=request.user)
    except InvalidTransition:
        messages.error(request, _("That change is not possible for this product."))
    else:
        messages.success(
            request, _("%(title)s: %(status)s") % {"title": product.title, "status": product.get_status_display()}
        )
    return redirect(reverse("marketplace:shop_products") + f"#product-{pk}")


def _fulfilments(user):
    return (
        Fulfilment.objects.filter(group_id__in=shop_group_ids(user))
        .select_related("order", "group")
        .prefetch_related("lines")
        .order_by("-order__created_at", "-pk")
    )


@shop_required
def fulfilment_list(request):
    show = request.GET.get("show", "open")
    fulfilments = _fulfilments(request.user)
    if show == "open":
        fulfilments = fulfilments.open_to_fulfil()
    return _render(
        request,
        "marketplace/shop/fulfilment_list.html",
        {"fulfilments": fulfilments[:100], "show": show, "page_title": _("Orders to fulfil")},
    )


@require_POST
@shop_required
def fulfilment_update(request, pk):
    fulfilment = get_object_or_404(_fulfilments(request.user), pk=pk)
    new_status = request.POST.get("status")
    if new_status not in (Fulfilment.Status.READY, Fulfilment.Status.DELIVERED):
        messages.error(request, _("That change is not possible for this order."))
        return redirect("marketplace:shop_orders")
    try:
        fulfilment_set_status(fulfilment=fulfilment, status=new_status, actor=request.user)
    except InvalidTransition:
        messages.error(request, _("That change is not possible for this order."))
    except MarketplaceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Order %(reference)s: %(status)s")
            % {"reference": fulfilment.order.reference, "status": Fulfilment.Status(new_status).label},
        )
    return redirect("marketplace:shop_orders")


def _shop_quotes(user):
    return Quote.objects.for_groups(shop_group_ids(user)).with_related()


# Open requests first (the ones waiting for an answer), then the newest.
QUOTE_ORDER = Case(When(status=Quote.Status.REQUESTED, then=0), When(status=Quote.Status.OFFERED, then=1), default=2)


@shop_required
def quote_list(request):
    show = request.GET.get("show", "open")
    quotes = _shop_quotes(request.user)
    if show == "open":
        quotes = quotes.open()
    return _render(
        request,
        "marketplace/shop/quote_list.html",
        {"quotes": quotes.order_by(QUOTE_ORDER, "-created_at", "-pk")[:100], "show": show, "page_title": _("Quotes")},
    )


def _offer_products(quote):
    """What the group can offer: its products for sale (the one asked about first)."""
    return (
        Product.objects.published()
        .filter(group_id=quote.group_id)
        .order_by(Case(When(pk=quote.product_id or 0, then=0), default=1), "title_km")
    )


def _offer_initial(quote) -> dict:
    if quote.status == Quote.Status.OFFERED:
        return {
            "product": quote.product_id,
            "unit_price": quote.unit_price,
            "quantity": quote.offered_quantity.normalize(),
            "valid_until": timezone.localtime(quote.valid_until),
            "note": quote.reply,
        }
    product = quote.product
    return {
        "product": quote.product_id,
        "unit_price": quote.target_price or (product.price if product else None),
        "quantity": quote.quantity.normalize(),
        "valid_until": (timezone.localtime() + datetime.timedelta(days=7)).replace(second=0, microsecond=0),
    }


@shop_required
def quote_detail(request, pk):
    """One request: the group's offer (or revised offer) and the decline form."""
    quote = get_object_or_404(_shop_quotes(request.user), pk=pk)
    products = _offer_products(quote)
    offer_form = QuoteOfferForm(request.POST or None, products=products, initial=_offer_initial(quote))
    status = 200
    if request.method == "POST":
        if not quote.can_be_answered:
            messages.error(request, _("This quote can no longer be answered."))
            return redirect("marketplace:shop_quote", pk=quote.pk)
        if offer_form.is_valid():
            data = offer_form.cleaned_data
            try:
                quote_offer(
                    quote=quote,
                    product=data["product"],
                    unit_price=data["unit_price"],
                    quantity=data["quantity"],
                    valid_until=data["valid_until"],
                    note=data["note"],
                    actor=request.user,
                )
            except MarketplaceError as error:
                offer_form.add_error(None, str(error))
            else:
                messages.success(request, _("Offer sent to %(name)s.") % {"name": quote.name})
                return redirect("marketplace:shop_quotes")
        status = 400
    return _render(
        request,
        "marketplace/shop/quote_detail.html",
        {
            "quote": quote,
            "offer_form": offer_form if quote.can_be_answered else None,
            "decline_form": QuoteDeclineForm() if quote.can_be_answered else None,
            "page_title": _("Quote %(number)s") % {"number": quote.pk},
        },
        status,
    )


@require_POST
@shop_required
def quote_decline_view(request, pk):
    quote = get_object_or_404(_shop_quotes(request.user), pk=pk)
    form = QuoteDeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you decline, so the trader knows."))
        return redirect("marketplace:shop_quote", pk=quote.pk)
    try:
        quote_decline(quote=quote, reason=form.cleaned_data["reason"], actor=request.user)
    except MarketplaceError as error:
        messages.error(request, str(error))
        return redirect("marketplace:shop_quote", pk=quote.pk)
    messages.success(request, _("Request declined; %(name)s is told why.") % {"name": quote.name})
    return redirect("marketplace:shop_quotes")
