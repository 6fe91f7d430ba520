"""My shop: the producer and group-coordinator dashboard in the public site (mobile first,
Khmer first). Every object is looked up inside the user's scope (querysets.shop_group_ids,
Product.objects.editable_by), so another group's product, order or inquiry is a 404."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from networks.models import Group, Member

from .exceptions import InvalidTransition, MarketplaceError
from .forms import InquiryReplyForm, ShopProductForm, StockForm
from .models import Fulfilment, Inquiry, OrderLine, Product
from .querysets import coordinated_group_ids, group_sales, member_for, shop_group_ids
from .services import (
    fulfilment_set_status,
    inquiry_reply,
    product_create_draft,
    product_set_status_by_producer,
    product_set_stock,
    product_update_by_producer,
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
        "open_inquiries": Inquiry.objects.for_groups(groups).filter(status=Inquiry.Status.OPEN).count(),
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


@shop_required
def inquiry_list(request):
    inquiries = (
        Inquiry.objects.for_groups(shop_group_ids(request.user))
        .select_related("product", "group")
        .order_by("status", "-created_at")[:100]
    )
    return _render(
        request,
        "marketplace/shop/inquiry_list.html",
        {"inquiries": inquiries, "reply_form": InquiryReplyForm(), "page_title": _("Inquiries")},
    )


@require_POST
@shop_required
def inquiry_answer(request, pk):
    inquiry = get_object_or_404(Inquiry.objects.for_groups(shop_group_ids(request.user)), pk=pk)
    form = InquiryReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a reply."))
    else:
        inquiry_reply(inquiry=inquiry, reply=form.cleaned_data["reply"], actor=request.user)
        messages.success(request, _("Reply sent to %(name)s.") % {"name": inquiry.name})
    return redirect("marketplace:shop_inquiries")
