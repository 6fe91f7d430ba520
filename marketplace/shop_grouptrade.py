"""My shop screens of group trade (docs/marketplace.md, "Pooled lots and the member ledger"):
pooled lots and their contributions, the member ledger with the group fee and payouts, and the
printable payout slip. Views stay thin: scope comes from querysets (shop_group_ids,
coordinated_group_ids, treasurer_group_ids), reads from grouptrade.selectors, every write from
grouptrade.services (which lock and refuse with a GroupTradeError naming the field).

Who may do what:
- any producer or coordinator of a group sees its lots, and her own contributions and her own
  ledger line (read-only);
- a coordinator of the group (role and office) creates lots, records, corrects and deletes
  contributions for members, sees every contribution and the whole ledger, and sets the fee;
- its treasurer or leader (with the producer or coordinator role) records payouts;
- another group's lot, contribution, ledger or payout is a 404; a forbidden action on one's own
  group's is a 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from networks.models import Group

from .grouptrade.exceptions import GroupTradeError
from .grouptrade.forms import (
    ContributionEditForm,
    ContributionForm,
    GroupFeeForm,
    LotFromProductForm,
    PayoutForm,
)
from .grouptrade.models import Contribution, GroupFee, Payout
from .grouptrade.selectors import (
    group_payouts,
    ledger_totals,
    lot_contributions,
    lots_of_groups,
    member_ledger_rows,
    members_with_protection,
    payout_sales_summary,
)
from .grouptrade.services import (
    contribution_add,
    contribution_delete,
    contribution_update,
    group_fee_set,
    lot_create,
    payout_record,
)
from .models import Product
from .querysets import coordinated_group_ids, member_for, shop_group_ids, treasurer_group_ids
from .services import pooled_product_create
from .shop_views import _product_form, _render, shop_required

# --- Lots -----------------------------------------------------------------------------------


def _lot_candidates(user):
    """Products of the groups this user coordinates that could become a lot: not one yet."""
    return (
        Product.objects.filter(group_id__in=coordinated_group_ids(user), pooled_lot__isnull=True, stock=0)
        .exclude(status=Product.Status.ARCHIVED)
        .order_by("title_km")
    )


def _lots_page(request, from_product_form=None, status=200):
    coordinated = coordinated_group_ids(request.user)
    context = {
        "page_title": _("Pooled lots"),
        "lots": lots_of_groups(shop_group_ids(request.user)),
        "coordinated": coordinated,
        "from_product_form": from_product_form
        or (LotFromProductForm(products=_lot_candidates(request.user)) if coordinated else None),
    }
    return _render(request, "marketplace/shop/lot_list.html", context, status)


@shop_required
def lot_list(request):
    return _lots_page(request)


def _require_coordinator(user):
    if not coordinated_group_ids(user):
        raise PermissionDenied


@require_POST
@shop_required
def lot_from_product(request):
    _require_coordinator(request.user)
    form = LotFromProductForm(request.POST, products=_lot_candidates(request.user))
    if form.is_valid():
        try:
            lot = lot_create(product=form.cleaned_data["product"], actor=request.user)
        except GroupTradeError as error:
            error.add_to(form)
        else:
            messages.success(request, _("%(title)s is now a pooled lot.") % {"title": lot.product.title})
            return redirect("marketplace:shop_lot", lot.pk)
    return _lots_page(request, from_product_form=form, status=400)


@shop_required
def lot_add(request):
    """A new product that is a pooled lot from the start (a draft with stock 0)."""
    _require_coordinator(request.user)
    form = _product_form(request, pooled=True)
    if request.method == "POST" and not form.errors:
        lot = pooled_product_create(
            product=form.save(commit=False), photo=form.cleaned_data.get("photo"), user=request.user
        )
        messages.success(request, _("Saved as a draft lot. Record what members bring, then submit it for review."))
        return redirect("marketplace:shop_lot", lot.pk)
    status = 400 if request.method == "POST" else 200
    return _render(
        request, "marketplace/shop/product_form.html", {"form": form, "page_title": _("New pooled lot")}, status
    )


def _lot_for(user, pk):
    """The lot within this user's groups (with its totals), else 404."""
    return get_object_or_404(lots_of_groups(shop_group_ids(user)), pk=pk)


def _contribution_forms(lot, data=None):
    members = members_with_protection().filter(memberships__group_id=lot.group_id).distinct()
    choices = [
        member
        for member in members_with_protection().filter(
            memberships__group_id=lot.group_id, memberships__left__isnull=True
        )
        if not member.is_minor
    ]
    return ContributionForm(data, members=members, choices=choices)


def _lot_page(request, lot, form=None, status=200):
    manages = lot.group_id in coordinated_group_ids(request.user)
    member = member_for(request.user)
    context = {
        "page_title": lot.product.title,
        "lot": lot,
        "manages": manages,
        "contributions": lot_contributions(lot, member_id=None if manages else member.pk),
        "form": (form or _contribution_forms(lot)) if manages else None,
    }
    return _render(request, "marketplace/shop/lot_detail.html", context, status)


@shop_required
def lot_detail(request, pk):
    lot = _lot_for(request.user, pk)
    if request.method != "POST":
        return _lot_page(request, lot)
    if lot.group_id not in coordinated_group_ids(request.user):
        raise PermissionDenied
    form = _contribution_forms(lot, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            contribution = contribution_add(
                lot=lot,
                member=data["member"],
                quantity=data["quantity"],
                grade=data["grade"],
                contributed_on=data["contributed_on"],
                actor=request.user,
            )
        except GroupTradeError as error:
            error.add_to(form)
        else:
            messages.success(request, _("Recorded: %(contribution)s") % {"contribution": contribution})
            return redirect("marketplace:shop_lot", lot.pk)
    return _lot_page(request, lot, form=form, status=400)


def _managed_contribution(user, lot_pk, pk):
    lot = _lot_for(user, lot_pk)
    contribution = get_object_or_404(
        Contribution.objects.select_related("lot__product")
        .prefetch_related(Prefetch("member", queryset=members_with_protection()))
        .filter(lot=lot),
        pk=pk,
    )
    if lot.group_id not in coordinated_group_ids(user):
        raise PermissionDenied
    return lot, contribution


@shop_required
def contribution_edit(request, lot_pk, pk):
    lot, contribution = _managed_contribution(request.user, lot_pk, pk)
    form = ContributionEditForm(
        request.POST or None, initial={"quantity": contribution.quantity.normalize(), "grade": contribution.grade}
    )
    if request.method == "POST" and form.is_valid():
        try:
            contribution_update(
                contribution=contribution,
                quantity=form.cleaned_data["quantity"],
                grade=form.cleaned_data["grade"],
                actor=request.user,
            )
        except GroupTradeError as error:
            error.add_to(form)
        else:
            messages.success(request, _("Saved."))
            return redirect("marketplace:shop_lot", lot.pk)
    status = 400 if request.method == "POST" else 200
    return _render(
        request,
        "marketplace/shop/contribution_form.html",
        {"form": form, "lot": lot, "contribution": contribution, "page_title": _("Correct a contribution")},
        status,
    )


@require_POST
@shop_required
def contribution_remove(request, lot_pk, pk):
    lot, contribution = _managed_contribution(request.user, lot_pk, pk)
    try:
        contribution_delete(contribution=contribution, actor=request.user)
    except GroupTradeError as error:
        messages.error(request, str(error))
        return redirect(reverse("marketplace:shop_lot", args=[lot.pk]) + f"#contribution-{contribution.pk}")
    messages.success(request, _("Deleted: %(contribution)s") % {"contribution": contribution})
    return redirect("marketplace:shop_lot", lot.pk)


# --- Ledger ---------------------------------------------------------------------------------


def _group_members(group):
    """Who a payout form accepts: the group's members, past ones too (the service refuses whom
    it must, with its message)."""
    return members_with_protection().filter(memberships__group=group).distinct()


def _owed_members(rows):
    """Whom the payout form lists: members the ledger says are owed something."""
    return [row.member for row in rows if row.owed > 0 and row.member is not None]


def _ledger_section(user, group, bound):
    """One group's part of the ledger page, as this user may see it."""
    coordinated, treasurer = coordinated_group_ids(user), treasurer_group_ids(user)
    full = group.pk in coordinated or group.pk in treasurer
    member = member_for(user)
    rows = member_ledger_rows(group.pk)
    owed_members = _owed_members(rows)
    if not full:
        rows = [row for row in rows if row.member_id == member.pk]
    section = {
        "group": group,
        "full": full,
        "rows": rows,
        "totals": ledger_totals(rows) if full else None,
        "fee_now": GroupFee.percent_on(group.pk, timezone.localdate()),
        "fees": list(GroupFee.objects.filter(group=group).order_by("-effective_from")[:20]),
        "payouts": group_payouts(group.pk, member_id=None if full else member.pk),
        "fee_form": None,
        "payout_form": None,
    }
    if group.pk in coordinated:
        section["fee_form"] = bound.get((group.pk, "fee")) or GroupFeeForm(group=group)
    if group.pk in treasurer:
        section["payout_form"] = bound.get((group.pk, "payout")) or PayoutForm(
            group=group,
            members=_group_members(group),
            choices=owed_members,
        )
    return section


def _ledger_page(request, bound=None, status=200):
    bound = bound or {}
    groups = Group.objects.filter(pk__in=shop_group_ids(request.user)).order_by("name_km")
    context = {
        "page_title": _("Member ledger"),
        "sections": [_ledger_section(request.user, group, bound) for group in groups],
    }
    return _render(request, "marketplace/shop/ledger.html", context, status)


@shop_required
def ledger(request):
    return _ledger_page(request)


def _group_for(user, pk, allowed):
    group = get_object_or_404(Group, pk=pk, pk__in=shop_group_ids(user))
    if group.pk not in allowed:
        raise PermissionDenied
    return group


@require_POST
@shop_required
def fee_set(request, group_pk):
    group = _group_for(request.user, group_pk, coordinated_group_ids(request.user))
    form = GroupFeeForm(request.POST, group=group)
    if form.is_valid():
        try:
            fee = group_fee_set(
                group=group,
                percent=form.cleaned_data["percent"],
                effective_from=form.cleaned_data["effective_from"],
                actor=request.user,
            )
        except GroupTradeError as error:
            error.add_to(form)
        else:
            messages.success(
                request,
                _("Group fee %(percent)s %% from %(date)s.")
                % {"percent": f"{fee.percent.normalize():f}", "date": fee.effective_from.isoformat()},
            )
            return redirect(reverse("marketplace:shop_ledger") + f"#group-{group.pk}")
    return _ledger_page(request, bound={(group.pk, "fee"): form}, status=400)


@require_POST
@shop_required
def payout_add(request, group_pk):
    group = _group_for(request.user, group_pk, treasurer_group_ids(request.user))
    form = PayoutForm(request.POST, group=group, members=_group_members(group), choices=[])
    if form.is_valid():
        data = form.cleaned_data
        try:
            payout = payout_record(
                member=data["member"],
                group=group,
                amount=data["amount"],
                method=data["method"],
                paid_on=data["paid_on"],
                reference=data["reference"],
                paid_by=member_for(request.user),
                actor=request.user,
            )
        except GroupTradeError as error:
            error.add_to(form)
        else:
            messages.success(request, _("Payout recorded: %(payout)s") % {"payout": payout.member})
            return redirect("marketplace:shop_payout_slip", payout.pk)
    # Re-offer the members the list showed (those owed something) with the errors.
    form.set_member_choices(_owed_members(member_ledger_rows(group.pk)))
    return _ledger_page(request, bound={(group.pk, "payout"): form}, status=400)


@shop_required
def payout_slip(request, pk):
    user = request.user
    payout = get_object_or_404(
        Payout.objects.select_related("group", "member", "paid_by"), pk=pk, group_id__in=shop_group_ids(user)
    )
    full = payout.group_id in coordinated_group_ids(user) or payout.group_id in treasurer_group_ids(user)
    if not full and payout.member_id != member_for(user).pk:
        raise Http404
    return _render(
        request,
        "marketplace/shop/payout_slip.html",
        {"page_title": _("Payout slip"), "payout": payout, "sales": payout_sales_summary(payout)},
    )
