import hmac
import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts import phone as phone_rule

from . import services, telegram
from .forms import PreferencesForm
from .models import Contact  # noqa: F401  (the form's instance)

logger = logging.getLogger("notifications")
SIGNING_SALT = "notifications.preferences"


def preferences_url_for_phone(phone: str) -> str:
    """A private link to the message preferences of a phone number, for people without an
    account (learners); shown only on pages that are already private to that person."""
    return reverse(
        "notifications:preferences_token",
        args=[signing.dumps({"p": (phone_rule.normalise(phone) or "")}, salt=SIGNING_SALT)],
    )


@csrf_exempt
@require_POST
def telegram_webhook(request):
    """Updates from Telegram: `/start <token>` links a chat, `/stop` unlinks it. Only requests
    carrying TELEGRAM_WEBHOOK_SECRET in X-Telegram-Bot-Api-Secret-Token are read."""
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponseForbidden("forbidden")
    try:
        parsed = telegram.parse_command(json.loads(request.body))
    except (ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest("not a Telegram update")
    if parsed is None:
        return HttpResponse("ok")
    chat_id, command, argument = parsed
    if command == "/start":
        contact = services.telegram_link(token=argument, chat_id=chat_id)
        language = contact.language if contact else "km"
        with translation.override(language):
            text = (
                _(
                    "Sahakum: this chat is linked. Messages about your orders and courses will come here. Send /stop to end."
                )
                if contact
                else _(
                    "Sahakum: this link has expired or was already used. Open a new link from My shop or your enrolment page."
                )
            )
    elif command == "/stop":
        contact = services.telegram_unlink(chat_id=chat_id)
        with translation.override(contact.language if contact else "km"):
            text = _("Sahakum: this chat is unlinked. You will get no more messages here.")
    else:
        return HttpResponse("ok")
    try:
        telegram.send_message(chat_id=chat_id, text=text)
    except telegram.TelegramError as error:  # the link is made; the confirmation is a courtesy
        logger.warning("Telegram confirmation not sent: %s", error)
    return HttpResponse("ok")


def _preferences(request, contact: Contact, self_url: str):
    form = PreferencesForm(request.POST or None, instance=contact)
    if request.method == "POST":
        if request.POST.get("action") == "telegram" and telegram.configured():
            return HttpResponseRedirect(services.telegram_link_start(contact=contact))
        if form.is_valid():
            form.save()
            return HttpResponseRedirect(self_url + "?saved=1")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "contact": contact,
            "telegram_available": telegram.configured() and bool(settings.TELEGRAM_BOT_USERNAME),
            "saved": request.GET.get("saved") == "1",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    contact = services.contact_get_or_create(user=request.user)
    return _preferences(request, contact, reverse("notifications:preferences"))


@require_http_methods(["GET", "POST"])
def preferences_token(request, token: str):
    try:
        phone = signing.loads(token, salt=SIGNING_SALT)["p"]
        contact = services.contact_get_or_create(phone=phone)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404 from None
    return _preferences(request, contact, request.path)
