"""Field factories shared by the apps' models."""

from django.conf import settings
from django.db import models


def actor_field(verbose_name=None):
    """Who did something (recorded, created, refunded…): kept when the user is deleted, never reversed."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )
