"""Shared reads for sessions and enrolments, each with the joins its callers need."""

import datetime

from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

# Enrolment statuses that hold a seat (strings, so this module needs no model import).
HOLDS_SEAT = ["confirmed", "completed"]


class CourseSessionQuerySet(models.QuerySet):
    def with_seats(self):
        """Annotate taken seats, waiting-list length and seats left (never negative)."""
        return self.annotate(
            seats_taken=Count("enrolments", filter=Q(enrolments__status__in=HOLDS_SEAT), distinct=True),
            waitlist_length=Count("enrolments", filter=Q(enrolments__status="waitlisted"), distinct=True),
        ).annotate(seats_left=Greatest(F("capacity") - F("seats_taken"), 0))

    def upcoming(self, today: datetime.date | None = None):
        """Sessions that have not started yet and are not cancelled."""
        today = today or timezone.localdate()
        return self.filter(start_date__gt=today).exclude(status="cancelled")

    def current_and_upcoming(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(end_date__gte=today).exclude(status="cancelled")

    def for_listing(self):
        return self.select_related("course", "venue_village").with_seats()

    def for_course(self, course):
        """Sessions of a course in any language: they point at one translation of it."""
        return self.filter(course__translation_key=course.translation_key)

    def assigned_to(self, user):
        """Sessions of the courses the trainer is assigned to."""
        return self.filter(course__trainers=user).distinct()


class EnrolmentQuerySet(models.QuerySet):
    def holding_seat(self):
        return self.filter(status__in=HOLDS_SEAT)

    def waitlisted(self):
        return self.filter(status="waitlisted").order_by("created_at", "pk")

    def active(self):
        return self.exclude(status="withdrawn")

    def for_roster(self):
        return self.select_related("village", "member", "certificate").prefetch_related("attendance")
