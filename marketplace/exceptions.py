"""Errors the marketplace's services raise; views turn them into messages for people."""


class MarketplaceError(Exception):
    """Base class: the message is safe to show to the person who caused it."""


class InvalidTransition(MarketplaceError):
    """A status change that the order or fulfilment workflow does not allow."""

    def __init__(self, current: str, new: str):
        self.current = current
        self.new = new
        super().__init__(f"cannot go from {current!r} to {new!r}")


class CheckoutError(MarketplaceError):
    """The order cannot be placed as asked; `problems` lists what to fix, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))
