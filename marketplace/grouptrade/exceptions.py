"""Errors of group trade; the message is safe to show to the person who caused it."""

from marketplace.exceptions import MarketplaceError


class GroupTradeError(MarketplaceError):
    """A contribution, lot, fee or payout that cannot be written as asked. `field` names the
    input the message is about (a form shows it next to that field), or None."""

    def __init__(self, message, field: str | None = None):
        self.field = field
        super().__init__(message)

    def add_to(self, form) -> None:
        """Show the message on `form`: next to its field when the form has it, else on top."""
        form.add_error(self.field if self.field in form.fields else None, str(self))
