"""Pooled lots, contributions, attributions, group fees and payouts.

Rules about one record live here (quantities, who may contribute or be paid, what a sold
contribution may no longer become); workflows that lock and write several records live in
services.py; the ledger (a read) lives in querysets.py."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.fields import actor_field

from .querysets import AttributionQuerySet, ContributionQuerySet

ZERO = Decimal("0")


def minor_message():
    return _("A minor (under 18 in the registry) cannot contribute goods or receive payouts.")


def member_problem(member, group_id) -> str | None:
    """Why this member cannot contribute to or be paid by this group, or None."""
    if member is None:
        return None
    if member.is_minor:
        return minor_message()
    if not member.memberships.filter(group_id=group_id, left__isnull=True).exists():
        return _("This person is not an active member of the group.")
    return None


class PooledLot(models.Model):
    """Makes a product a pooled lot: its stock is the sum of what its contributions have left.
    The group is fixed when the lot is created (the ledger is kept per group)."""

    product = models.OneToOneField(
        "marketplace.Product", on_delete=models.PROTECT, related_name="pooled_lot", verbose_name=_("product")
    )
    group = models.ForeignKey(
        "networks.Group", on_delete=models.PROTECT, related_name="pooled_lots", verbose_name=_("producer group")
    )
    created_by = actor_field(_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("pooled lot")
        verbose_name_plural = _("pooled lots")

    def __str__(self) -> str:
        return str(self.product)


class Contribution(models.Model):
    """What one member brought to a pooled lot. `quantity_sold` is what attributions hold now
    (kept under the product's row lock by the services); it can never exceed `quantity`."""

    class Grade(models.TextChoices):
        A = "A", _("Grade A")
        B = "B", _("Grade B")
        C = "C", _("Grade C")

    lot = models.ForeignKey(PooledLot, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("lot"))
    member = models.ForeignKey(
        "networks.Member", on_delete=models.PROTECT, related_name="contributions", verbose_name=_("member")
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    quantity_sold = models.DecimalField(_("quantity sold"), max_digits=12, decimal_places=3, default=ZERO)
    contributed_on = models.DateField(_("date brought"), default=timezone.localdate)
    grade = models.CharField(_("quality grade"), max_length=2, choices=Grade.choices, default=Grade.A)
    recorded_by = actor_field(_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        # The attribution rule's order: first in, first out (date brought, then record order).
        ordering = ["contributed_on", "pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="grouptrade_contribution_quantity_positive"),
            models.CheckConstraint(condition=Q(quantity_sold__gte=0), name="grouptrade_contribution_sold_not_negative"),
            # A contribution that has been sold cannot be edited away: not even below what was sold.
            models.CheckConstraint(
                condition=Q(quantity_sold__lte=models.F("quantity")),
                name="grouptrade_contribution_sold_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.quantity.normalize():f}"

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.quantity_sold

    def quantity_problem(self, quantity) -> str | None:
        """Why this contribution cannot be set to `quantity`, or None."""
        if quantity is None or quantity <= 0:
            return _("The quantity must be more than zero.")
        product = self.lot.product
        if product.whole_units_only and quantity != quantity.to_integral_value():
            return _("This unit is sold whole: enter a whole number.")
        if quantity < self.quantity_sold:
            return _("%(sold)s of this contribution has been sold: it cannot be less than that.") % {
                "sold": f"{self.quantity_sold.normalize():f}"
            }
        return None

    def clean(self):
        errors = {}
        if self.lot_id and self.member_id:
            problem = member_problem(self.member, self.lot.group_id)
            if problem:
                errors["member"] = problem
        if self.lot_id and self.quantity is not None:
            problem = self.quantity_problem(self.quantity)
            if problem:
                errors["quantity"] = problem
        if errors:
            raise ValidationError(errors)

    def delete(self, *args, **kwargs):
        # The rule about this record: once any of it has been sold it stays (the attributions
        # also protect it in the database).
        if self.pk and (self.quantity_sold > 0 or self.attributions.exists()):
            from .exceptions import GroupTradeError

            raise GroupTradeError(_("This contribution has been sold and cannot be deleted."))
        return super().delete(*args, **kwargs)


class Attribution(models.Model):
    """The part of one order line taken from one contribution, by the FIFO rule. `amount` is the
    member's share of the line total (cumulative rounding, so a line's attributions add up to its
    total exactly); `fee_percent` is the group fee in force when the order was placed. A
    cancelled or expired order releases its attributions (kept, with `released_at`, as history)."""

    order_line = models.ForeignKey(
        "marketplace.OrderLine", on_delete=models.CASCADE, related_name="attributions", verbose_name=_("order line")
    )
    contribution = models.ForeignKey(
        Contribution, on_delete=models.PROTECT, related_name="attributions", verbose_name=_("contribution")
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    fee_percent = models.DecimalField(_("group fee (%)"), max_digits=5, decimal_places=2, default=ZERO)
    created_at = models.DateTimeField(_("attributed"), auto_now_add=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    objects = AttributionQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="grouptrade_attribution_quantity_positive"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="grouptrade_attribution_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.order_line} ← {self.contribution}"


class GroupFee(models.Model):
    """The group's fee on its members' sales, from a date on. History is kept: each sale carries
    the rate in force on the day it was ordered (Attribution.fee_percent)."""

    group = models.ForeignKey(
        "networks.Group", on_delete=models.PROTECT, related_name="fees", verbose_name=_("producer group")
    )
    percent = models.DecimalField(
        _("fee (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    effective_from = models.DateField(_("effective from"))
    set_by = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "-effective_from"]
        verbose_name = _("group fee")
        verbose_name_plural = _("group fees")
        constraints = [
            models.UniqueConstraint(fields=["group", "effective_from"], name="grouptrade_one_fee_per_day"),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="grouptrade_fee_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.percent.normalize():f}% · {self.effective_from.isoformat()}"

    @classmethod
    def percent_on(cls, group_id: int, day) -> Decimal:
        fee = cls.objects.filter(group_id=group_id, effective_from__lte=day).order_by("-effective_from").first()
        return fee.percent if fee else ZERO


class Payout(models.Model):
    """Money the treasurer handed to a member from her balance in the group's ledger."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Transfer")

    member = models.ForeignKey(
        "networks.Member", on_delete=models.PROTECT, related_name="payouts", verbose_name=_("member")
    )
    group = models.ForeignKey(
        "networks.Group", on_delete=models.PROTECT, related_name="payouts", verbose_name=_("producer group")
    )
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(_("currency"), max_length=3)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.CASH)
    paid_on = models.DateField(_("date paid"), default=timezone.localdate)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    paid_by = models.ForeignKey(
        "networks.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payouts_made",
        verbose_name=_("paid by"),
    )
    recorded_by = actor_field(_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="grouptrade_payout_amount_positive")]

    def __str__(self) -> str:
        return f"{self.member} · {self.amount} {self.currency} · {self.paid_on.isoformat()}"
