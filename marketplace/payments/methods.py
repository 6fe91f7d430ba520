"""The payment methods, defined once: the order's `payment_method` and each payment's
`provider` take their values from here, and each method has one provider
(marketplace.payments.providers). Imports nothing but Django, so marketplace.models may use it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    CASH_ON_DELIVERY = "cash_on_delivery", _("Cash on delivery")
    PAY_AT_PICKUP = "pay_at_pickup", _("Pay at pickup")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    KHQR = "khqr", _("KHQR (Bakong)")
    STRIPE = "stripe", _("Card")


# Paid in cash when the goods change hands: the order is confirmed at checkout, and each
# producer group collects (and records) its own part.
PAID_ON_HANDOVER = frozenset({Method.CASH_ON_DELIVERY, Method.PAY_AT_PICKUP})
# Money that staff or a coordinator can see arrive (cash, the bank statement, the Bakong app)
# and so may record by hand. Card money is confirmed by Stripe only.
MANUALLY_CONFIRMED = PAID_ON_HANDOVER | {Method.BANK_TRANSFER, Method.KHQR}
