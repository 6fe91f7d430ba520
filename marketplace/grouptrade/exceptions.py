"""Errors of group trade; the message is safe to show to the person who caused it."""

from marketplace.exceptions import MarketplaceError


class GroupTradeError(MarketplaceError):
    """A contribution, lot, fee or payout that cannot be written as asked."""
