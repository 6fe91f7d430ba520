"""Buyer-facing payment pages (card, KHQR, bank transfer, receipt, change of method), the
coordinator's "mark paid", and the provider webhook. The buyer proves an order is hers with its
access token. Views ask the provider registry; they never pick a provider class."""

import logging
from urllib.parse import urlsplit

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.throttling import limit_writes
from marketplace.models import Order

from . import khqr, services
from .exceptions import NotAllowed, PaymentError, ProviderUnavailable
from .forms import CardTokenForm, ChangeMethodForm, MarkPaidForm
from .methods import Method
from .models import Payment, PaymentSettings
from .permissions import can_mark_paid
from .providers import WebhookRejected, checkout_choices, get_provider

logger = logging.getLogger(__name__)


def _buyer_order(request, reference: str) -> Order:
    """The order, if the request carries its access token; 404 otherwise (never reveal it)."""
    order = Order.objects.filter(reference=reference).first()
    token = request.GET.get("token") or request.POST.get("token_access")
    if order is None or not order.token_matches(token):
        raise Http404
    return order


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _stripe_csp() -> dict:
    """The card page may load Stripe.js and let it talk to Stripe (or the local double)."""
    js, api = _origin(settings.STRIPE_JS_URL), _origin(settings.STRIPE_API_BASE)
    return {
        "script-src": [js],
        "connect-src": ["'self'", js, api],
        "frame-src": [js, "https://hooks.stripe.com"],
    }


def _change_method_form(request, order: Order) -> ChangeMethodForm | None:
    """Offered on an unpaid online order's pages: pay another way instead."""
    if order.status != Order.Status.PENDING_PAYMENT:
        return None
    choices = [choice for choice in checkout_choices(request) if choice[0] != order.payment_method]
    return ChangeMethodForm(choices=choices) if choices else None


def _page(request, order: Order, template: str, context: dict):
    return render(
        request,
        template,
        {
            "order": order,
            "order_url": order.get_absolute_url(),
            "change_method_form": _change_method_form(request, order),
            "change_method_url": order.token_url("payments:change_method"),
            **context,
        },
    )


@never_cache
@require_GET
def card(request, reference):
    order = _buyer_order(request, reference)
    provider = get_provider(Method.STRIPE)
    if order.payment_method != Method.STRIPE:
        raise Http404
    if order.payments.captured().exists():
        return redirect(order.get_receipt_url())
    if not provider.is_configured(request):
        raise Http404
    context = {
        "payable": order.status == Order.Status.PENDING_PAYMENT,
        "stripe_js_url": settings.STRIPE_JS_URL,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        # Stripe.js has no Khmer: Khmer pages let it follow the browser, English pages ask for English.
        "stripe_locale": "en" if (get_language() or "").startswith("en") else "auto",
        "pay_url": order.token_url("payments:card_pay"),
        "return_url": order.token_url("payments:card_return"),
        "page_title": _("Pay by card"),
    }
    return csp_update(_stripe_csp())(lambda req: _page(req, order, "payments/card.html", context))(request)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@never_cache
@require_POST
def card_pay(request, reference):
    """The card form's POST (from the page's script): a Stripe.js token in, the next step out
    as JSON. Without the script there is no token: the buyer is sent back to the card page."""
    order = _buyer_order(request, reference)
    if not _wants_json(request):
        messages.error(request, _("Card payment needs JavaScript. Please turn it on, or choose another way to pay."))
        return redirect(order.token_url("payments:card"))
    form = CardTokenForm(request.POST)
    if not form.is_valid():
        return JsonResponse(
            {"status": "error", "message": _("The card details did not reach us. Please try again.")}, status=400
        )
    return_url = order.token_url("payments:card_return")
    try:
        outcome = get_provider(order.payment_method).pay(order=order, data=form.cleaned_data)
    except ProviderUnavailable as error:
        return JsonResponse({"status": "error", "message": str(error)}, status=503)
    except PaymentError as error:
        order.refresh_from_db()
        if order.paid_at:  # paid meanwhile (another tab): the return page says so
            return JsonResponse({"status": "succeeded", "message": "", "client_secret": "", "return_url": return_url})  # nosec B105  # an empty field, not a password
        return JsonResponse({"status": "error", "message": str(error)}, status=409)
    return JsonResponse(
        {
            "status": outcome.status,
            "message": str(outcome.message),
            "client_secret": outcome.client_secret,
            "return_url": return_url,
        }
    )


@never_cache
@require_GET
def card_return(request, reference):
    """After the card step: the state re-read from Stripe, never what the browser says."""
    order = _buyer_order(request, reference)
    provider = get_provider(Method.STRIPE)
    payment = order.payments.filter(provider=Method.STRIPE).exclude(provider_reference="").first()
    if payment is not None:
        payment = provider.check(payment=payment)
        order.refresh_from_db()
    if payment is not None and payment.is_captured:
        return redirect(order.get_receipt_url())
    failure = ""
    if payment is not None and payment.status in (Payment.Status.FAILED, Payment.Status.CANCELLED):
        failure = provider.failure_text(payment)
    return _page(
        request,
        order,
        "payments/card_return.html",
        {
            "payment": payment,
            "failure": failure,
            "card_url": order.token_url("payments:card"),
            "page_title": _("Card payment"),
        },
    )


@require_POST
def change_method(request, reference):
    """An unpaid order's buyer picks another way to pay (after a declined card, say)."""
    order = _buyer_order(request, reference)
    form = ChangeMethodForm(request.POST, choices=checkout_choices(request))
    if not form.is_valid():
        messages.error(request, _("Choose a payment method."))
        return redirect(order.get_absolute_url())
    try:
        order = services.payment_method_change(order=order, method=form.cleaned_data["method"], request=request)
    except PaymentError as error:
        messages.error(request, str(error))
        return redirect(order.get_absolute_url())
    messages.success(request, _("Payment method changed."))
    provider = get_provider(order.payment_method)
    return redirect(provider.start_url(order) if provider.online else order.get_absolute_url())


def _khqr_payment(order: Order) -> Payment | None:
    return order.payments.filter(provider=Method.KHQR).exclude(khqr_payload="").first()


@never_cache
@require_GET
def khqr_page(request, reference):
    order = _buyer_order(request, reference)
    if order.payment_method != Method.KHQR:
        raise Http404
    if order.payments.captured().exists():
        return redirect(order.get_receipt_url())
    payment, problem = None, ""
    if order.status == Order.Status.PENDING_PAYMENT:
        try:
            payment = get_provider(Method.KHQR).start(order=order, request=request)
        except PaymentError as error:
            problem = str(error)
    return _page(
        request,
        order,
        "payments/khqr.html",
        {
            "payment": payment,
            "problem": problem,
            "merchant": PaymentSettings.current(request),
            # The expiry in the address: a fresh QR gets a fresh image, never a cached old one.
            "image_url": f"{order.token_url('payments:khqr_image')}&v={payment.khqr_md5 if payment else ''}",
            "check_url": order.token_url("payments:khqr_check"),
            "page_url": order.token_url("payments:khqr"),
            "auto_check": bool(settings.BAKONG_API_TOKEN),
            "page_title": _("Pay with KHQR"),
        },
    )


@require_GET
def khqr_image(request, reference):
    order = _buyer_order(request, reference)
    payment = _khqr_payment(order)
    if payment is None:
        raise Http404
    response = HttpResponse(khqr.qr_svg(payment.khqr_payload), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=600"
    return response


@require_POST
@limit_writes
def khqr_check(request, reference):
    order = _buyer_order(request, reference)
    payment = _khqr_payment(order)
    if payment is None:
        raise Http404
    payment = get_provider(Method.KHQR).check(payment=payment)
    if payment.is_captured:
        return redirect(order.get_receipt_url())
    messages.info(request, _("We have not received this payment yet. It can take a minute; try again shortly."))
    return redirect(order.token_url("payments:khqr"))


@never_cache
@require_GET
def bank_transfer(request, reference):
    order = _buyer_order(request, reference)
    if order.payment_method != Method.BANK_TRANSFER:
        raise Http404
    payment, problem = None, ""
    if order.status == Order.Status.PENDING_PAYMENT:
        try:
            payment = get_provider(Method.BANK_TRANSFER).start(order=order, request=request)
        except PaymentError as error:
            problem = str(error)
    return _page(
        request,
        order,
        "payments/bank_transfer.html",
        {
            "payment": payment,
            "problem": problem,
            "merchant": PaymentSettings.current(request),
            "page_title": _("Pay by bank transfer"),
        },
    )


@never_cache
@require_GET
def receipt(request, reference):
    order = _buyer_order(request, reference)
    payments = list(order.payments.captured().order_by("paid_at", "pk"))
    provider = get_provider(order.payment_method)
    refunded = sum((payment.amount_refunded for payment in payments), start=0)
    paid = sum((payment.amount for payment in payments), start=0)
    return _page(
        request,
        order,
        "payments/receipt.html",
        {
            "payments": payments,
            "payment": payments[0] if payments else None,
            "amount_paid": paid,
            "amount_refunded": refunded,
            "amount_kept": paid - refunded,
            "fully_paid": bool(order.paid_at),
            "provider": provider,
            "description": provider.describe(order),
            "pay_url": provider.start_url(order),
            "page_title": _("Receipt"),
        },
    )


def record_payment_from_form(request, order, form) -> bool:
    """Shared by the coordinator's page and the admin screen: True once the money is recorded."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        services.payment_mark_paid(order=order, actor=request.user, **form.cleaned_data)
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except PaymentError as error:
        form.add_error(None, str(error))
        return False
    messages.success(request, _("Payment recorded for order %(reference)s.") % {"reference": order.reference})
    return True


@login_required
def mark_paid(request, reference):
    """Staff or the group's coordinator record money received for an offline or KHQR order;
    a coordinator of cash paid at handover records her own group's part. An order (or part)
    already paid shows that, and no form."""
    order = get_object_or_404(Order, reference=reference)
    if not can_mark_paid(request.user, order):
        raise PermissionDenied
    amount = services.amount_to_record(order=order, actor=request.user)
    form = MarkPaidForm(request.POST or None) if amount > 0 else None
    if form is not None and record_payment_from_form(request, order, form):
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("marketplace:shop_orders")
        return redirect(next_url)
    if form is None and request.method == "POST":
        messages.info(request, _("This payment is already recorded."))
    return render(
        request,
        "payments/mark_paid.html",
        {
            "order": order,
            "form": form,
            "amount": amount,
            "next": request.GET.get("next", ""),
            "page_title": _("Record a payment"),
        },
    )


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event, _new = get_provider(Method.STRIPE).handle_webhook(body=request.body, headers=request.headers)
    except WebhookRejected as error:
        logger.warning("Stripe webhook refused: %s", error)
        return HttpResponseBadRequest("invalid signature or event")
    return JsonResponse({"received": event.event_id, "outcome": event.outcome})
