from django.db import models


class PaymentQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("order", "recorded_by")

    def captured(self):
        """Money was taken (some may have gone back since)."""
        return self.filter(status__in=["succeeded", "partially_refunded", "refunded"])

    def open(self):
        """Attempts that may still be paid."""
        return self.filter(status__in=["pending", "requires_action"])

    def net_captured(self):
        """What was captured minus what was refunded, over these payments."""
        from django.db.models import F, Sum

        return self.captured().aggregate(net=Sum(F("amount") - F("amount_refunded")))["net"] or 0
