"""Who wants messages how (Contact), and what was sent (Delivery, one per event and recipient,
with one DeliveryAttempt per try)."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .querysets import DeliveryQuerySet


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    TELEGRAM = "telegram", _("Telegram")


class Preference(models.TextChoices):
    AUTO = "auto", _("Whatever reaches me (Telegram, then email, then SMS)")
    TELEGRAM = "telegram", _("Telegram")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    NONE = "none", _("No messages")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Contact(models.Model):
    """A person's message preferences and Telegram link, found by account or by phone number
    (most learners and producers have no account)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_contact",
        verbose_name=_("user account"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="km")
    preference = models.CharField(
        _("how to reach me"), max_length=10, choices=Preference.choices, default=Preference.AUTO
    )
    telegram_chat_id = models.BigIntegerField(_("Telegram chat"), null=True, blank=True, unique=True)
    link_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    link_token_expires = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification contact")
        verbose_name_plural = _("notification contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=models.Q(user__isnull=True) & ~models.Q(phone=""),
                name="notif_contact_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Contact')} #{self.pk}"

    @property
    def telegram_linked(self) -> bool:
        return self.telegram_chat_id is not None

    def link_token_valid(self, token: str) -> bool:
        return bool(
            self.link_token_hash
            and self.link_token_hash == hash_token(token)
            and self.link_token_expires
            and self.link_token_expires > timezone.now()
        )


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Failed, will retry")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    event = models.CharField(_("event"), max_length=40, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=8, default="km")
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"), blank=True)
    segments = models.PositiveSmallIntegerField(_("SMS parts"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey("networks.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.get_channel_display() or '—'} ({self.get_status_display()})"

    @property
    def attempt_log(self) -> str:
        return "\n".join(
            f"{attempt.number}. {attempt.created_at:%Y-%m-%d %H:%M} {attempt.channel} {attempt.status} {attempt.error}"
            for attempt in self.attempt_set.all()
        )


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_set")
    number = models.PositiveSmallIntegerField(_("attempt"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="notif_attempt_once")]

    def __str__(self) -> str:
        return f"{self.delivery_id}/{self.number} {self.status}"
