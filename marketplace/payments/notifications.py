"""The receipt email: one message carrying the Khmer and the English text, sent through
django-tasks after the payment's transaction commits."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from cms.links import absolute_url
from cms.tasks import send_email

from .models import Payment


def receipt_url(order) -> str:
    from django.urls import reverse

    with translation.override("km"):
        path = reverse("payments:receipt", kwargs={"reference": order.reference})
    return f"{absolute_url(path)}?token={order.access_token}"


def send_receipt(*, payment_pk: int) -> None:
    payment = Payment.objects.select_related("order").get(pk=payment_pk)
    order = payment.order
    if not order.buyer_email:
        return
    context = {"payment": payment, "order": order, "receipt_url": receipt_url(order)}
    parts = []
    for language in ("km", "en"):
        with translation.override(language):
            parts.append(render_to_string("payments/email/receipt.txt", context))
            if language == "km":
                subject_km = _("Receipt for order %(reference)s") % {"reference": order.reference}
            else:
                subject_en = _("Receipt for order %(reference)s") % {"reference": order.reference}
    send_email.enqueue(
        subject=f"{subject_km} / {subject_en}", body="\n\n----------\n\n".join(parts), to=[order.buyer_email]
    )
