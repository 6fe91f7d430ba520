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
