"""How people hear about their enrolment. Channels are pluggable: settings.TRAINING_NOTIFICATION_CHANNELS
lists dotted paths of classes with `send(enrolment, subject, body)`; an SMS gateway is one more
class. Each channel decides whether it can reach the person (email needs an address)."""

from django.conf import settings
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

DEFAULT_CHANNELS = ["training.notifications.EmailChannel"]


class NotificationChannel:
    def send(self, enrolment, subject: str, body: str) -> bool:
        """Deliver, or return False when this channel cannot reach the person."""
        raise NotImplementedError


class EmailChannel(NotificationChannel):
    def send(self, enrolment, subject: str, body: str) -> bool:
        if not enrolment.email:
            return False
        from cms.tasks import send_email

        send_email.enqueue(subject=subject, body=body, to=[enrolment.email])
        return True


def channels() -> list[NotificationChannel]:
    return [import_string(path)() for path in getattr(settings, "TRAINING_NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)]


def notify_promoted(enrolment, manage_url: str = "") -> int:
    """Tell someone their waiting-list place became a seat. Returns how many channels reached them.

    By default through the notifications app (Telegram, email or SMS, by her preference, in the
    language she enrolled in); a project that sets TRAINING_NOTIFICATION_CHANNELS keeps its own
    channel classes."""
    if not hasattr(settings, "TRAINING_NOTIFICATION_CHANNELS"):
        from notifications import triggers

        return int(triggers.waitlist_promoted(enrolment=enrolment, url=manage_url))
    with translation.override(enrolment.language or "km"):
        subject = _("You have a place: %(course)s") % {"course": enrolment.session.course.localized.title}
        body = _(
            "Hello %(name)s,\n\nA place opened in %(course)s starting %(start)s and it is now yours.\n"
            "See or withdraw your enrolment: %(url)s\n"
        ) % {
            "name": enrolment.name,
            "course": enrolment.session.course.localized.title,
            "start": enrolment.session.start_date.isoformat(),
            "url": manage_url,
        }
    return sum(1 for channel in channels() if channel.send(enrolment, subject, body))
