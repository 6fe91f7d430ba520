"""My shop's collection-point days: the coming pickup days of the user's groups, the day's pick
list (printable on one A4 page) with a "Collected and paid" button per order, and the
coordinator's collection-point settings. Scoped like the rest of My shop (shop_group_ids): another
group's orders never show; the button's rule is payments' can_mark_paid."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from networks.models import CollectionPoint, Group

from .exceptions import MarketplaceError
from .models import Fulfilment
from .payments.exceptions import NotAllowed, PaymentError
from .payments.permissions import can_mark_paid
from .payments.services import pickup_collected_and_paid
from .pickup_forms import CollectionPointShopForm, PickupSlotFormSet
from .querysets import coordinated_group_ids, shop_group_ids
from .selectors import pick_list, upcoming_pickup_days
from .shop_views import _render, shop_required


@shop_required
def pickup_days(request):
    groups = shop_group_ids(request.user)
    return _render(
        request,
        "marketplace/shop/pickup_days.html",
        {
            "days": upcoming_pickup_days(groups, timezone.localdate()),
            "can_edit_points": bool(coordinated_group_ids(request.user)),
            "page_title": _("Pickup days"),
        },
    )


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


@shop_required
def pickup_day(request, day):
    date = _day(day)
    villages = pick_list(shop_group_ids(request.user), date)
    for section in villages:
        for fulfilment in section.fulfilments:
            fulfilment.can_collect = can_mark_paid(request.user, fulfilment.order, fulfilment)
    return _render(
        request,
        "marketplace/shop/pick_list.html",
        {
            "day": date,
            "villages": villages,
            "order_count": sum(len(section.fulfilments) for section in villages),
            "page_title": _("Pick list"),
        },
    )


@require_POST
@shop_required
def pickup_collected(request, pk):
    fulfilment = get_object_or_404(
        Fulfilment.objects.filter(group_id__in=shop_group_ids(request.user), pickup_on__isnull=False).select_related(
            "order"
        ),
        pk=pk,
    )
    target = reverse("marketplace:shop_pickup_day", args=[fulfilment.pickup_on.isoformat()]) + f"#f-{pk}"
    try:
        pickup_collected_and_paid(fulfilment=fulfilment, actor=request.user)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except (MarketplaceError, PaymentError) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Order %(reference)s: collected and paid.") % {"reference": fulfilment.order.reference}
        )
    return redirect(target)


@shop_required
def pickup_settings(request):
    """The coordinator edits her group's collection point and weekly slots."""
    groups = Group.objects.filter(pk__in=coordinated_group_ids(request.user)).order_by("pk")
    if not groups:
        raise PermissionDenied
    group = groups[0]
    if request.GET.get("group"):
        group = get_object_or_404(groups, pk=request.GET["group"])
    point = CollectionPoint.objects.filter(group=group).first() or CollectionPoint(group=group, village=group.village)
    form = CollectionPointShopForm(request.POST or None, instance=point)
    formset = PickupSlotFormSet(request.POST or None, instance=point, prefix="slots")
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            form.save_with_slots(formset)
            messages.success(request, _("Collection point saved."))
            return redirect(reverse("marketplace:shop_pickup_settings") + f"?group={group.pk}")
        status = 400
    return _render(
        request,
        "marketplace/shop/pickup_settings.html",
        {
            "form": form,
            "formset": formset,
            "group": group,
            "groups": groups,
            "page_title": _("Collection point"),
        },
        status,
    )
