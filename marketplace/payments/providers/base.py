"""The one interface every payment provider implements. Callers ask the registry
(`get_provider(order.payment_method)`) and call these methods; they never pick a class.

Every method has the same signature in every provider; a provider that has nothing to do for a
step inherits the default here (no page, nothing to check, no webhook, refund by hand)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _

from ..exceptions import NotAllowed
from ..methods import MANUALLY_CONFIRMED, PAID_ON_HANDOVER, Method
from ..models import Payment, PaymentSettings, WebhookEvent


@dataclasses.dataclass(frozen=True)
class PayOutcome:
    """What a payment submitted from the browser led to."""

    payment: Payment | None
    status: str  # "succeeded", "requires_action", "failed", "processing"
    client_secret: str = ""
    message: str = ""


class UnsupportedStep(NotAllowed):
    """This provider has no such step (e.g. a webhook for cash)."""


class WebhookRejected(Exception):
    """A notification that is not signed right, too old or too new, or not an event: 400."""


class PaymentProvider:
    method: str = ""
    # Online providers take the buyer to a payment page straight after checkout.
    online: bool = False

    @property
    def label(self) -> str:
        return str(Method(self.method).label)

    @property
    def paid_on_handover(self) -> bool:
        """Cash when the goods change hands: each producer group records its own part."""
        return self.method in PAID_ON_HANDOVER

    @property
    def manually_confirmed(self) -> bool:
        """Staff or a coordinator may record this money by hand."""
        return self.method in MANUALLY_CONFIRMED

    def is_configured(self, request=None) -> bool:
        return True

    def start_url(self, order) -> str:
        """Where the buyer starts paying (the order page when nothing is due now)."""
        return order.get_absolute_url()

    def describe(self, order) -> str:
        """One sentence for the buyer about how this order is paid."""
        raise NotImplementedError

    def start(self, *, order, request=None) -> Payment | None:
        """Prepare what the buyer pays now (a QR, the transfer to make); None when nothing."""
        return None

    def pay(self, *, order, data: Mapping) -> PayOutcome:
        """A payment submitted from the browser (the card form)."""
        raise UnsupportedStep(f"{self.method} takes no payment from the browser")

    def check(self, *, payment: Payment) -> Payment:
        """Ask the provider what became of a payment and apply it; the payment as it is now."""
        return payment

    def handle_webhook(self, *, body: bytes, headers: Mapping) -> tuple[WebhookEvent, bool]:
        """Verify and apply a notification the provider posted; (stored event, whether new)."""
        raise UnsupportedStep(f"{self.method} sends no notifications")

    def failure_text(self, payment: Payment) -> str:
        """Why the payment failed, in the reader's language (never the provider's raw text)."""
        return str(_("The payment did not go through."))

    def refund(self, *, payment: Payment, amount: Decimal) -> str:
        """Give money back; returns the provider's refund reference. Offline money goes back by
        hand, so the default only records it."""
        return ""


def payment_settings(request=None) -> PaymentSettings:
    return PaymentSettings.current(request)
