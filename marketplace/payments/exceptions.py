class PaymentError(Exception):
    """A payment request that cannot go ahead; the message is shown to the person."""


class NotAllowed(PaymentError):
    pass


class AlreadyPaid(PaymentError):
    pass


class ProviderUnavailable(PaymentError):
    pass


class RefundError(PaymentError):
    pass


class InvalidPaymentTransition(ValueError):
    def __init__(self, current: str, new: str):
        super().__init__(f"A payment cannot go from {current} to {new}")
        self.current, self.new = current, new
