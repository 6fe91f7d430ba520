"""The day-before reminder of a course session (manage.py send_session_reminders)."""

import datetime

from django.utils import formats, translation

from .recipients import Recipient
from .services import notify


def session_reminders_send(*, day: datetime.date) -> int:
    """Notify every confirmed learner of each session that starts on `day`; the idempotency key
    (session, first day, enrolment) makes a second run send nothing new. Returns how many
    deliveries were recorded by this run."""
    from training.models import CourseSession, Enrolment
    from training.services import manage_url

    from .models import Delivery

    sessions = CourseSession.objects.filter(start_date=day).exclude(status__in=["cancelled", "completed"])
    count = 0
    for enrolment in (
        Enrolment.objects.filter(session__in=sessions, status=Enrolment.Status.CONFIRMED)
        .select_related("session", "session__course")
        .order_by("pk")
    ):
        session = enrolment.session
        key = f"{session.pk}:{session.start_date.isoformat()}:{enrolment.pk}"
        if Delivery.objects.filter(key__startswith=f"session_reminder:{key}:").exists():
            continue
        recipient = Recipient.for_enrolment(enrolment)
        with translation.override(recipient.language):
            start = f"{formats.date_format(session.start_date, 'SHORT_DATE_FORMAT')} {session.start_time:%H:%M}"
            course = session.course.localized.title
        delivery = notify(
            event="session_reminder",
            recipient=recipient,
            context={
                "name": enrolment.name,
                "course": course,
                "start": start,
                "venue": session.venue_name,
                "url": manage_url(enrolment, recipient.language),
            },
            idempotency_key=key,
        )
        count += delivery is not None
    return count
