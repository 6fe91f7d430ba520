"""KHQR (Bakong): a dynamic KHQR for the exact order total, valid for a short while (tag 99:
creation and expiry times, as NBC's SDK requires); confirmed by staff, or by asking Bakong
where a Bakong API token is configured."""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import bakong, khqr, settle
from ..exceptions import ProviderUnavailable
from ..methods import Method
from ..models import Payment
from .base import PaymentProvider, payment_settings


def khqr_ttl() -> datetime.timedelta:
    """How long one QR stays valid (PAYMENTS_KHQR_TTL_MINUTES, default 15); a page opened
    after that shows a fresh QR for the same payment."""
    return datetime.timedelta(minutes=int(getattr(settings, "PAYMENTS_KHQR_TTL_MINUTES", 15)))


class KHQRProvider(PaymentProvider):
    method = Method.KHQR
    online = True

    def is_configured(self, request=None) -> bool:
        return bool(payment_settings(request).bakong_account_id)

    def start_url(self, order) -> str:
        return order.token_url("payments:khqr")

    def describe(self, order) -> str:
        return str(
            gettext_lazy("Scan the KHQR code with your bank app (Bakong, ABA, ACLEDA, Wing…) and pay the exact amount.")
        )

    def start(self, *, order, request=None) -> Payment:
        """The order's one KHQR payment, with a QR valid now: an expired QR is replaced by a
        fresh one on the same payment row (after asking Bakong whether the old one was paid)."""
        merchant_settings = payment_settings(request)
        if not merchant_settings.bakong_account_id:
            raise ProviderUnavailable(_("KHQR payments are not set up."))
        existing = order.payments.open().filter(provider=self.method).first()
        if existing is not None and existing.khqr_expired:
            existing = self.check(payment=existing)
        now = timezone.now()
        with transaction.atomic():
            order = settle.locked_order(order.pk)
            settle.check_payable(order)
            payment = order.payments.open().filter(provider=self.method).select_for_update().first()
            if payment and (payment.amount != order.total or payment.currency != order.currency):
                payment.mark_cancelled()
                payment.save(update_fields=["status", "updated_at"])
                payment = None
            if payment and payment.khqr_payload and not payment.khqr_expired:
                return payment
            expires_at = now + khqr_ttl()
            if order.expires_at and now < order.expires_at < expires_at:
                expires_at = order.expires_at
            payload = khqr.build_payload(
                merchant=khqr.Merchant(
                    bakong_account_id=merchant_settings.bakong_account_id,
                    name=merchant_settings.merchant_name,
                    city=merchant_settings.merchant_city,
                    acquiring_bank=merchant_settings.acquiring_bank,
                    mobile_number=merchant_settings.merchant_phone,
                ),
                amount=order.total,
                currency=order.currency,
                bill_number=order.reference,
                created_ms=int(time.time() * 1000),
                expires_ms=int(expires_at.timestamp() * 1000),
            )
            if payment is None:
                payment = Payment(order=order, provider=self.method, amount=order.total, currency=order.currency)
            payment.khqr_payload = payload
            payment.khqr_md5 = khqr.payload_md5(payload)
            payment.khqr_expires_at = expires_at
            payment.save()
        return payment

    def check(self, *, payment: Payment) -> Payment:
        """Ask Bakong whether the QR was paid; each Bakong transaction is stored once, like a
        webhook event, and goes through the one settle step."""
        client = bakong.get_client()
        if client is None or not payment.khqr_md5:
            return payment
        try:
            result = client.check_transaction(md5=payment.khqr_md5)
        except bakong.BakongUnavailable:
            return payment
        if not result.paid:
            return payment
        with transaction.atomic():
            event, created = settle.store_event(
                provider=self.method,
                event_id=result.reference or payment.khqr_md5,
                type="transaction.paid",
                payload={"md5": payment.khqr_md5, "amount": str(result.amount), "currency": result.currency},
            )
            if not created:
                return Payment.objects.get(pk=payment.pk)
            payment = settle.money_received(
                payment=payment,
                amount=result.amount,
                currency=result.currency,
                reference=result.reference,
                event=event,
            )
        return payment
