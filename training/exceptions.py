"""Domain errors of the training app. Each carries a message fit to show the person."""

from django.utils.translation import gettext_lazy as _


class TrainingError(Exception):
    default_message = _("This cannot be done.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class EnrolmentClosed(TrainingError):
    default_message = _("Enrolment for this session is closed.")


class AlreadyEnrolled(TrainingError):
    default_message = _("This phone number already has a place in this session.")


class InvalidPhone(TrainingError):
    default_message = _("Enter a phone number such as 012 345 678.")


class NotAClassDay(TrainingError):
    default_message = _("That day is not a class day of this session.")


class NotEnrolled(TrainingError):
    default_message = _("This person does not hold a place in the session.")


class NotCompleted(TrainingError):
    default_message = _("A certificate needs a completed course.")
