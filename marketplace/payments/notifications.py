"""Receipt and refund emails, sent through django-tasks after the payment's transaction
commits, in the language the buyer ordered in (Order.language) with links in that language.
Amounts are shown by the money module, with the riel/dollar equivalent as on the site."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cms.links import absolute_url
from cms.tasks import send_email
from marketplace import money

from .models import Payment, Refund


def absolute(path: str) -> str:
    return absolute_url(path)


def _language(order) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return order.language if order.language in codes else settings.LANGUAGE_CODE


def receipt_url(order) -> str:
    with translation.override(_language(order)):
        return absolute(order.get_receipt_url())


def _send(*, order, template: str, subject: str, context: dict) -> None:
    if not order.buyer_email:
        return
    with translation.override(_language(order)):
        rate = money.exchange_rate()
        body = render_to_string(
            template,
            {
                **context,
                "order": order,
                "receipt_url": absolute(order.get_receipt_url()),
                "khr_per_usd": rate,
            },
        )
        subject = _(subject) % {"reference": order.reference}
    send_email.enqueue(subject=subject, body=body, to=[order.buyer_email])


def send_receipt(*, payment_pk: int) -> None:
    payment = Payment.objects.select_related("order").get(pk=payment_pk)
    _send(
        order=payment.order,
        template="payments/email/receipt.txt",
        subject=gettext_noop("Receipt for order %(reference)s"),
        context={"payment": payment},
    )


def send_refund(*, refund_pk: int) -> None:
    """Every refund, partial or full, tells the buyer the amount and what stays paid."""
    refund = Refund.objects.select_related("payment__order").get(pk=refund_pk)
    _send(
        order=refund.payment.order,
        template="payments/email/refund.txt",
        subject=gettext_noop("Refund for order %(reference)s"),
        context={"refund": refund, "payment": refund.payment},
    )
