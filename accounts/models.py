from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

phone_validator = RegexValidator(
    regex=r"^\+?[0-9]{8,15}$",
    message=_("Enter a phone number of 8 to 15 digits, optionally starting with +."),
)


def normalise_phone(raw: str) -> str:
    """Canonical form for Cambodian numbers: digits only, 0-prefixed national form.

    "+855 12 345 678", "855-12-345678" and "012 345 678" all become "012345678"."""
    digits = "".join(ch for ch in (raw or "") if ch.isdigit())
    if digits.startswith("855"):
        digits = "0" + digits[3:]
    return digits


class User(AbstractUser):
    """Custom user from the first migration: sign in by username, email or phone."""

    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator], db_index=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, default="km", choices=[("km", "ខ្មែរ"), ("en", "English")]
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~models.Q(phone=""), name="accounts_user_unique_phone"),
        ]

    def save(self, *args, **kwargs):
        self.phone = normalise_phone(self.phone) if self.phone else ""
        super().save(*args, **kwargs)
