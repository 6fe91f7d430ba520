"""Shared reads of group trade: contributions in attribution order, attributions by state.
The ledger computed from them is in selectors.py."""

from decimal import Decimal

from django.db import models

ZERO = Decimal("0")
FINAL_ORDER_STATUSES = ("delivered", "completed")  # marketplace.models.Order.Status values


class ContributionQuerySet(models.QuerySet):
    def fifo(self):
        """The order the attribution rule takes contributions in: date brought, then record."""
        return self.order_by("contributed_on", "pk")

    def with_remaining(self):
        return self.filter(quantity__gt=models.F("quantity_sold"))


class AttributionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(released_at__isnull=True)

    def earned(self):
        """Attributions of final sales: what the ledger pays members from."""
        return self.active().filter(order_line__order__status__in=FINAL_ORDER_STATUSES)

    def pending(self):
        return self.active().exclude(order_line__order__status__in=FINAL_ORDER_STATUSES)

    def of_group(self, group_id: int):
        return self.filter(contribution__lot__group_id=group_id)
