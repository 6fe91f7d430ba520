"""Training workflows that write: enrolment (with waitlist), withdrawal (with promotion),
attendance, completion and certificates.

Seats are counted inside a transaction that holds a row lock on the session
(select_for_update), so concurrent enrolments are serialised per session and the capacity is
never exceeded; the database also refuses a second active enrolment per phone and session.
Notifications go out only after the commit."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts import phone as phones
from cms.links import absolute_url
from networks import audit

from . import notifications
from .exceptions import AlreadyEnrolled, EnrolmentClosed, InvalidPhone, NotAClassDay, NotCompleted, NotEnrolled
from .models import Attendance, Certificate, CourseSession, Enrolment


def phone_clean(raw: str) -> str:
    """The stored form of the number (accounts.phone), or InvalidPhone."""
    phone = phones.normalise(raw)
    if phone is None:
        raise InvalidPhone()
    return phone


def manage_url(enrolment: Enrolment, language: str = "km") -> str:
    """The private link, absolute on the public base URL (cms.links), in the reader's language."""
    with translation.override(language):
        path = reverse("training:enrolment", kwargs={"token": enrolment.token})
    return absolute_url(path)


def _locked_session(session_id: int) -> CourseSession:
    return CourseSession.objects.select_for_update().select_related("course").get(pk=session_id)


@transaction.atomic
def enrolment_create(
    *,
    session_id: int,
    name: str,
    phone: str,
    gender: str,
    age: int,
    village=None,
    email: str = "",
    user=None,
    language: str = "km",
    today: datetime.date | None = None,
) -> Enrolment:
    """A seat if one is left, else a place on the waiting list."""
    phone = phone_clean(phone)
    session = _locked_session(session_id)
    refusal = session.enrolment_refusal(today)
    if refusal:
        raise EnrolmentClosed(refusal)
    if session.enrolments.active().filter(phone=phone).exists():
        raise AlreadyEnrolled()
    seats_taken = session.enrolments.holding_seat().count()
    has_seat = seats_taken < session.capacity
    enrolment = Enrolment(
        session=session,
        name=name.strip(),
        phone=phone,
        gender=gender,
        age=age,
        village=village,
        email=email,
        user=user if user is not None and user.is_authenticated else None,
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        status=Enrolment.Status.CONFIRMED if has_seat else Enrolment.Status.WAITLISTED,
    )
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:
        # The unique constraint is the last word when two requests share a phone.
        raise AlreadyEnrolled() from error
    if has_seat and seats_taken + 1 >= session.capacity and session.status == CourseSession.Status.OPEN:
        session.set_status(CourseSession.Status.FULL)
        session.save(update_fields=["status"])
    return enrolment


def enrolment_withdraw(*, token: str, actor=None) -> tuple[Enrolment, Enrolment | None]:
    """Withdraw the enrolment with this private token; a freed seat goes to the first person on
    the waiting list, who is notified after commit. Withdrawing twice changes nothing the
    second time. Returns (enrolment, promoted or None). A registry member's withdrawal is
    logged in her history, with `actor` when someone signed in did it."""
    with transaction.atomic():
        session_id = Enrolment.objects.values_list("session_id", flat=True).get(token=token)
        # Lock order: the session first, then its enrolment rows, as in enrolment_create.
        session = _locked_session(session_id)
        enrolment = Enrolment.objects.select_for_update().get(token=token)
        if enrolment.status == Enrolment.Status.WITHDRAWN:
            return enrolment, None
        if enrolment.status == Enrolment.Status.COMPLETED:
            raise NotEnrolled(_("A completed course cannot be withdrawn from."))
        freed_seat = enrolment.status == Enrolment.Status.CONFIRMED
        enrolment.status = Enrolment.Status.WITHDRAWN
        enrolment.withdrawn_at = timezone.now()
        enrolment.save(update_fields=["status", "withdrawn_at"])
        if enrolment.member_id:
            audit.log_for_member(
                member=enrolment.member, action=audit.ENROLMENT_WITHDRAW, actor=actor, obj=enrolment.session
            )
        promoted = None
        if freed_seat and session.status not in {"completed", "cancelled"}:
            promoted = session.enrolments.waitlisted().select_for_update().first()
            if promoted is not None:
                promoted.status = Enrolment.Status.CONFIRMED
                promoted.promoted_at = timezone.now()
                promoted.save(update_fields=["status", "promoted_at"])
                # The link is built now, on the base URL of the request being served (cms.links).
                link = manage_url(promoted, promoted.language)
                transaction.on_commit(lambda: notifications.notify_promoted(promoted, link))
            elif session.status == CourseSession.Status.FULL:
                session.set_status(CourseSession.Status.OPEN)
                session.save(update_fields=["status"])
    return enrolment, promoted


@transaction.atomic
def attendance_record(*, enrolment: Enrolment, day: datetime.date, present: bool, recorded_by) -> Attendance:
    if not enrolment.session.is_class_day(day):
        raise NotAClassDay()
    if enrolment.status not in {"confirmed", "completed"}:
        raise NotEnrolled()
    attendance, created = Attendance.objects.update_or_create(
        enrolment=enrolment, day=day, defaults={"present": present, "recorded_by": recorded_by}
    )
    return attendance


@transaction.atomic
def enrolment_complete(*, enrolment: Enrolment, completed: bool = True, actor=None) -> Enrolment:
    """Mark (or unmark) that the person completed the course. Only seat holders complete; a
    certificate already issued cannot be taken back by unmarking. Logged in the registry
    member's history when the enrolment is linked to one."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if completed:
        if enrolment.status == Enrolment.Status.COMPLETED:
            return enrolment
        if enrolment.status != Enrolment.Status.CONFIRMED:
            raise NotEnrolled()
        enrolment.status = Enrolment.Status.COMPLETED
        enrolment.completed_at = timezone.now()
    else:
        if enrolment.status != Enrolment.Status.COMPLETED:
            return enrolment
        if Certificate.objects.filter(enrolment=enrolment).exists():
            raise NotCompleted(_("A certificate was already issued for this enrolment."))
        enrolment.status = Enrolment.Status.CONFIRMED
        enrolment.completed_at = None
    enrolment.save(update_fields=["status", "completed_at"])
    if enrolment.member_id:
        audit.log_for_member(
            member=enrolment.member,
            action=audit.ENROLMENT_COMPLETE if completed else audit.ENROLMENT_UNCOMPLETE,
            actor=actor,
            obj=enrolment.session,
        )
    return enrolment


@transaction.atomic
def certificate_issue(*, enrolment: Enrolment, issued_by) -> Certificate:
    """The certificate of a completed enrolment (the same one when asked again)."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.COMPLETED:
        raise NotCompleted()
    certificate, created = Certificate.objects.get_or_create(enrolment=enrolment, defaults={"issued_by": issued_by})
    return certificate


@transaction.atomic
def enrolment_link_member(*, enrolment: Enrolment, member, actor=None) -> Enrolment:
    """Link (or unlink, member None) an enrolment to a registry member; logged in the history
    of the member linked (and of the one unlinked)."""
    previous = enrolment.member if enrolment.member_id and enrolment.member_id != getattr(member, "pk", None) else None
    enrolment.member = member
    enrolment.save(update_fields=["member"])
    for linked, data in ((member, {"linked": True}), (previous, {"linked": False})):
        if linked is not None:
            audit.log_for_member(
                member=linked, action=audit.ENROLMENT_LINK, actor=actor, obj=enrolment.session, data=data
            )
    return enrolment
