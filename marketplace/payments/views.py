"""Buyer-facing payment pages (card, KHQR, bank transfer, receipt), the coordinator's "mark
paid", and the Stripe webhook. The buyer proves an order is hers with its access token."""

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
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.throttling import limit_writes
from marketplace.models import Order

from . import khqr, services
from . import stripe as stripe_api
from .exceptions import NotAllowed, PaymentError, ProviderUnavailable
from .forms import CardTokenForm, MarkPaidForm
from .models import Method, Payment, PaymentSettings
from .permissions import can_mark_paid
from .providers import get_provider

logger = logging.getLogger(__name__)


def _buyer_order(request, reference: str) -> Order:
    """The order, if the request carries its access token; 404 otherwise (never reveal it)."""
    order = Order.objects.filter(reference=reference).first()
    token = request.GET.get("token") or request.POST.get("token_access")
    if order is None or not order.token_matches(token):
        raise Http404
    return order


def _url(name: str, order: Order) -> str:
    return f"{reverse(name, kwargs={'reference': order.reference})}?token={order.access_token}"


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


@never_cache
@require_GET
def card(request, reference):
    order = _buyer_order(request, reference)
    if order.payment_method != Method.STRIPE:
        raise Http404
    if order.payments.captured().exists():
        return redirect(_url("payments:receipt", order))
    if not stripe_api.is_configured():
        raise Http404
    context = {
        "order": order,
        "payable": order.status == Order.Status.PENDING_PAYMENT,
        "stripe_js_url": settings.STRIPE_JS_URL,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "pay_url": _url("payments:card_pay", order),
        "return_url": _url("payments:card_return", order),
        "page_title": _("Pay by card"),
    }
    return csp_update(_stripe_csp())(lambda req: render(req, "payments/card.html", context))(request)


@never_cache
@require_POST
def card_pay(request, reference):
    """The card form's POST (from fetch): a Stripe.js token in, the next step out as JSON."""
    order = _buyer_order(request, reference)
    form = CardTokenForm(request.POST)
    if not form.is_valid():
        return JsonResponse(
            {"status": "error", "message": _("The card details did not reach us. Please try again.")}, status=400
        )
    try:
        outcome = services.stripe_card_pay(
            order=order, token=form.cleaned_data["token"], client=stripe_api.StripeClient.from_settings()
        )
    except ProviderUnavailable as error:
        return JsonResponse({"status": "error", "message": str(error)}, status=503)
    except PaymentError as error:
        return JsonResponse({"status": "error", "message": str(error)}, status=409)
    return JsonResponse(
        {
            "status": outcome.status,
            "message": outcome.message,
            "client_secret": outcome.client_secret,
            "return_url": _url("payments:card_return", order),
        }
    )


@never_cache
@require_GET
def card_return(request, reference):
    """After the card step: the state re-read from Stripe, never what the browser says."""
    order = _buyer_order(request, reference)
    payment = order.payments.filter(provider=Method.STRIPE).exclude(provider_reference="").first()
    if payment is not None:
        payment = services.stripe_payment_sync(payment=payment, client=stripe_api.StripeClient.from_settings())
        order.refresh_from_db()
    if payment is not None and payment.is_captured:
        return redirect(_url("payments:receipt", order))
    return render(
        request,
        "payments/card_return.html",
        {"order": order, "payment": payment, "card_url": _url("payments:card", order), "page_title": _("Card payment")},
    )


def _khqr_payment(order: Order) -> Payment | None:
    return order.payments.filter(provider=Method.KHQR).exclude(khqr_payload="").first()


@never_cache
@require_GET
def khqr_page(request, reference):
    order = _buyer_order(request, reference)
    if order.payment_method != Method.KHQR:
        raise Http404
    if order.payments.captured().exists():
        return redirect(_url("payments:receipt", order))
    payment = None
    problem = ""
    if order.status == Order.Status.PENDING_PAYMENT:
        try:
            payment = services.khqr_payment_start(order=order, request=request)
        except PaymentError as error:
            problem = str(error)
    return render(
        request,
        "payments/khqr.html",
        {
            "order": order,
            "payment": payment,
            "problem": problem,
            "merchant": PaymentSettings.current(request),
            "image_url": _url("payments:khqr_image", order),
            "check_url": _url("payments:khqr_check", order),
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
    payment = get_provider(Method.KHQR).handle_notification(payment=payment)
    if payment.is_captured:
        return redirect(_url("payments:receipt", order))
    messages.info(request, _("We have not received this payment yet. It can take a minute; try again shortly."))
    return redirect(_url("payments:khqr", order))


@never_cache
@require_GET
def bank_transfer(request, reference):
    order = _buyer_order(request, reference)
    if order.payment_method != Method.BANK_TRANSFER:
        raise Http404
    payment, problem = None, ""
    if order.status == Order.Status.PENDING_PAYMENT:
        try:
            payment = services.bank_transfer_payment_start(order=order)
        except PaymentError as error:
            problem = str(error)
    return render(
        request,
        "payments/bank_transfer.html",
        {
            "order": order,
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
    paid = order.payments.captured().select_related("order").first()
    provider = get_provider(order.payment_method)
    return render(
        request,
        "payments/receipt.html",
        {
            "order": order,
            "payment": paid,
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
    """Staff or the group's coordinator record money received for an offline or KHQR order."""
    order = get_object_or_404(Order, reference=reference)
    if not can_mark_paid(request.user, order):
        raise PermissionDenied
    form = MarkPaidForm(request.POST or None)
    if record_payment_from_form(request, order, form):
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("marketplace:shop_orders")
        return redirect(next_url)
    return render(
        request,
        "payments/mark_paid.html",
        {"order": order, "form": form, "next": request.GET.get("next", ""), "page_title": _("Record a payment")},
    )


@csrf_exempt
@require_POST
def stripe_webhook(request):
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event, _new = get_provider(Method.STRIPE).handle_notification(payload=request.body, signature=signature)
    except (stripe_api.SignatureVerificationError, ValueError):
        logger.warning("Stripe webhook with a bad signature or body refused")
        return HttpResponseBadRequest("invalid signature")
    return JsonResponse({"received": event.event_id, "outcome": event.outcome})
