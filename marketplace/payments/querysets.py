from django.db import models


class PaymentQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("order", "recorded_by")

    def captured(self):
        return self.filter(status__in=["succeeded", "partially_refunded", "refunded"])

    def open(self):
        return self.filter(status__in=["pending", "requires_action"])
