"""Offline methods: cash on delivery, pay at pickup, bank transfer. Staff (or a group's
coordinator for her group's part) record the money by hand: marketplace.payments.services."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import settle
from ..methods import Method
from ..models import Payment
from .base import PaymentProvider, payment_settings


class CashOnDeliveryProvider(PaymentProvider):
    method = Method.CASH_ON_DELIVERY

    def describe(self, order) -> str:
        return str(_("Pay in cash when your goods are delivered."))


class PayAtPickupProvider(PaymentProvider):
    method = Method.PAY_AT_PICKUP

    def describe(self, order) -> str:
        return str(_("Pay in cash when you collect your goods at the collection point."))


class BankTransferProvider(PaymentProvider):
    method = Method.BANK_TRANSFER
    online = True

    def is_configured(self, request=None) -> bool:
        return bool(payment_settings(request).bank_account_number)

    def start_url(self, order) -> str:
        return order.token_url("payments:bank_transfer")

    def describe(self, order) -> str:
        return str(
            _("Transfer the total to our bank account with the reference %(reference)s; we confirm when it arrives.")
            % {"reference": order.reference}
        )

    def start(self, *, order, request=None) -> Payment:
        """The transfer the buyer is asked to make, with the order reference as its memo."""
        with transaction.atomic():
            order = settle.locked_order(order.pk)
            settle.check_payable(order)
            payment = order.payments.open().filter(provider=self.method).first()
            if payment is None:
                payment = Payment.objects.create(
                    order=order, provider=self.method, amount=order.total, currency=order.currency
                )
        return payment
