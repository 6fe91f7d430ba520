"""Payments of marketplace orders: one row per attempt with a provider, refunds, the
provider notifications received (each stored once), and the merchant details for KHQR and bank
transfers."""

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from accounts.fields import actor_field

from .exceptions import InvalidPaymentTransition
from .methods import Method
from .querysets import PaymentQuerySet


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        REQUIRES_ACTION = "requires_action", _("Awaiting card authentication")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")

    # Statuses in which money was taken (and may be refunded).
    CAPTURED = (Status.SUCCEEDED, Status.PARTIALLY_REFUNDED, Status.REFUNDED)
    OPEN = (Status.PENDING, Status.REQUIRES_ACTION)
    # The payment's life; `set_status` refuses anything else.
    TRANSITIONS = {
        Status.PENDING: {Status.REQUIRES_ACTION, Status.SUCCEEDED, Status.FAILED, Status.CANCELLED},
        Status.REQUIRES_ACTION: {Status.PENDING, Status.SUCCEEDED, Status.FAILED, Status.CANCELLED},
        # Money the provider reports for an attempt we had given up on is still recorded (then
        # flagged as a duplicate or settled): the provider's word on money wins.
        Status.FAILED: {Status.SUCCEEDED},
        Status.CANCELLED: {Status.SUCCEEDED},
        Status.SUCCEEDED: {Status.PARTIALLY_REFUNDED, Status.REFUNDED},
        Status.PARTIALLY_REFUNDED: {Status.PARTIALLY_REFUNDED, Status.REFUNDED},
        Status.REFUNDED: set(),
    }

    order = models.ForeignKey(
        "marketplace.Order", on_delete=models.PROTECT, related_name="payments", verbose_name=_("order")
    )
    fulfilment = models.ForeignKey(
        "marketplace.Fulfilment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("group's part"),
        help_text=_("Set when one producer group collected its own part of the order (cash)."),
    )
    provider = models.CharField(_("method"), max_length=20, choices=Method.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    provider_reference = models.CharField(
        _("provider reference"),
        max_length=255,
        blank=True,
        help_text=_("Stripe PaymentIntent, KHQR transaction hash or the bank transfer's reference."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    amount_refunded = models.DecimalField(_("amount refunded"), max_digits=12, decimal_places=2, default=Decimal("0"))
    failure_message = models.CharField(_("failure message"), max_length=500, blank=True)
    khqr_payload = models.TextField(_("KHQR payload"), blank=True)
    khqr_md5 = models.CharField(_("KHQR MD5"), max_length=32, blank=True, db_index=True)
    khqr_expires_at = models.DateTimeField(_("KHQR valid until"), null=True, blank=True)
    recorded_by = actor_field(_("recorded by"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~models.Q(provider_reference=""),
                name="payments_unique_provider_reference",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(amount_refunded__gte=0) & models.Q(amount_refunded__lte=models.F("amount")),
                name="payments_refund_within_amount",
            ),
        ]
        permissions = [
            ("mark_paid", "Can record an offline or KHQR payment as received"),
            ("refund_payment", "Can refund a payment"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} · {self.get_provider_display()} · {self.amount} {self.currency}"

    @property
    def is_captured(self) -> bool:
        return self.status in self.CAPTURED

    @property
    def refundable_amount(self) -> Decimal:
        return self.amount - self.amount_refunded if self.is_captured else Decimal("0")

    @property
    def khqr_expired(self) -> bool:
        return bool(self.khqr_payload) and (self.khqr_expires_at is None or self.khqr_expires_at <= timezone.now())

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def can_move_to(self, new_status: str) -> bool:
        return new_status in self.TRANSITIONS.get(self.status, set())

    def set_status(self, new_status: str) -> None:
        """Move to a new status or raise InvalidPaymentTransition. The caller saves."""
        if not self.can_move_to(new_status):
            raise InvalidPaymentTransition(self.status, new_status)
        self.status = new_status

    def mark_succeeded(self, *, when, reference: str = "") -> None:
        self.set_status(self.Status.SUCCEEDED)
        self.paid_at = when
        self.failure_message = ""
        if reference:
            self.provider_reference = reference

    def mark_requires_action(self) -> None:
        if self.status != self.Status.REQUIRES_ACTION:
            self.set_status(self.Status.REQUIRES_ACTION)

    def mark_failed(self, message: str = "") -> None:
        self.set_status(self.Status.FAILED)
        self.failure_message = str(message or "")[:500]

    def mark_cancelled(self) -> None:
        self.set_status(self.Status.CANCELLED)

    def record_refund(self, amount: Decimal) -> None:
        """Add a refund to the running total; the status follows the total."""
        if amount <= 0 or amount > self.refundable_amount:
            raise ValueError("refund outside the refundable amount")
        self.amount_refunded += amount
        self.set_status(self.Status.REFUNDED if self.amount_refunded == self.amount else self.Status.PARTIALLY_REFUNDED)


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True)
    created_by = actor_field(_("refunded by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payments_refund_positive")]

    def __str__(self) -> str:
        return f"{self.amount} ({self.payment})"


class WebhookEvent(models.Model):
    """A provider notification, stored once by its id: a replay finds the row and changes
    nothing. Flagged events (amount or currency not matching the order, money for a cancelled
    order) wait for staff."""

    class Outcome(models.TextChoices):
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        UNKNOWN_ORDER = "unknown_order", _("Unknown order")
        FLAGGED = "flagged", _("Flagged for staff")

    provider = models.CharField(_("provider"), max_length=20, choices=Method.choices)
    event_id = models.CharField(_("event id"), max_length=255)
    type = models.CharField(_("type"), max_length=100)
    payload = models.JSONField(_("payload"))
    order = models.ForeignKey(
        "marketplace.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    resolved = models.BooleanField(_("resolved by staff"), default=False)

    class Meta:
        verbose_name = _("provider notification")
        verbose_name_plural = _("provider notifications")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payments_webhook_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"

    @property
    def needs_staff(self) -> bool:
        return self.outcome == self.Outcome.FLAGGED and not self.resolved


@register_setting(icon="cog")
class PaymentSettings(BaseSiteSetting):
    """Merchant details printed into KHQR codes and shown for bank transfers."""

    merchant_name = models.CharField(
        _("merchant name"), max_length=25, default="Sahakum", help_text=_("As registered with Bakong; 25 characters.")
    )
    merchant_city = models.CharField(_("merchant city"), max_length=15, default="Siem Reap")
    bakong_account_id = models.CharField(
        _("Bakong account ID"),
        max_length=32,
        blank=True,
        help_text=_("For example name@bank. Without it KHQR is not offered."),
    )
    acquiring_bank = models.CharField(_("acquiring bank"), max_length=32, blank=True)
    merchant_phone = models.CharField(_("merchant phone"), max_length=25, blank=True)
    bank_account_name = models.CharField(_("bank account name"), max_length=100, blank=True)
    bank_account_number = models.CharField(
        _("bank account number"), max_length=50, blank=True, help_text=_("Without it bank transfer is not offered.")
    )
    bank_name = models.CharField(_("bank name"), max_length=100, blank=True)
    bank_transfer_instructions = models.TextField(_("bank transfer instructions"), blank=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("merchant_name"),
                FieldPanel("merchant_city"),
                FieldPanel("bakong_account_id"),
                FieldPanel("acquiring_bank"),
                FieldPanel("merchant_phone"),
            ],
            heading=_("KHQR"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("bank_name"),
                FieldPanel("bank_account_name"),
                FieldPanel("bank_account_number"),
                FieldPanel("bank_transfer_instructions"),
            ],
            heading=_("Bank transfer"),
        ),
    ]

    class Meta:
        verbose_name = _("payment settings")

    @classmethod
    def current(cls, request=None):
        """For the request's site, or the default site outside a request (tasks, services)."""
        if request is not None:
            return cls.for_request(request)
        from wagtail.models import Site

        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        return cls.for_site(site) if site else cls()
