from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import phone as phones

# The phone rule lives in accounts.phone; these names stay for existing callers.
phone_validator = phones.validate_phone


def normalise_phone(raw: str) -> str:
    """accounts.phone.normalise, or "" for what is not a phone number."""
    return phones.normalise(raw) or ""


class User(AbstractUser):
    """Custom user from the first migration: sign in by username, email or phone."""

    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phones.validate_phone], db_index=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, default="km", choices=[("km", "ខ្មែរ"), ("en", "English")]
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~models.Q(phone=""), name="accounts_user_unique_phone"),
        ]

    def save(self, *args, **kwargs):
        # Forms validate first (validate_phone); whatever is saved is in its stored form.
        self.phone = (phones.normalise(self.phone) or self.phone.strip()) if self.phone else ""
        super().save(*args, **kwargs)
