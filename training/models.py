"""Training: the Skills Center's course pages (editorial), and the plain models behind them —
sessions, enrolments (with waitlist), attendance and certificates.

Pages hold only editorial text; dates, capacities and fees of a session live on CourseSession.
Rules about one record stay here (class days, status transitions); workflows that lock rows
live in services.py; shared reads in querysets.py."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.codes import readable_code, secret_token
from cms.models import BasePage
from cms.routing import page_context

from .querysets import CourseSessionQuerySet, EnrolmentQuerySet

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class CourseIndexPage(BasePage):
    """The Skills Center's course catalog."""

    intro = models.TextField(_("intro"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["training.CoursePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("course index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(page_context("training.views.catalog_context", request, self))
        return context


class CourseCategory(models.TextChoices):
    TAILORING = "tailoring", _("Tailoring")
    WEAVING = "weaving", _("Weaving")
    AGRICULTURE = "agriculture", _("Agriculture")
    NUTRITION = "nutrition", _("Nutrition")
    BUSINESS = "business", _("Small business")


class CoursePage(BasePage):
    """A course of the Skills Center: what it teaches and for whom. Schedules, capacities and
    enrolments are CourseSession/Enrolment rows, never page content."""

    summary = models.TextField(_("summary"), max_length=400)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    category = models.CharField(_("category"), max_length=20, choices=CourseCategory.choices)
    duration = models.CharField(_("duration"), max_length=80, help_text=_("For example: 6 weeks, 3 mornings a week."))
    skills_gained = models.TextField(_("skills gained"), blank=True, help_text=_("One skill per line."))
    eligibility = models.TextField(_("who can join"), blank=True)
    fee = models.DecimalField(
        _("fee (USD)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty if the course is free."),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("image"),
    )
    # Trainers assigned here may schedule sessions of this course. Editors assign them: a
    # trainer's own change to this list is a draft until an editor publishes it.
    trainers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_courses",
        verbose_name=_("trainers"),
        limit_choices_to={"groups__name": "Trainer"},
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("category"), FieldPanel("duration"), FieldPanel("fee"), FieldPanel("image")],
            heading=_("Course facts"),
        ),
        FieldPanel("skills_gained"),
        FieldPanel("eligibility"),
        FieldPanel("body"),
        FieldPanel("trainers"),
    ]
    search_fields = BasePage.search_fields + [index.FilterField("category")]
    parent_page_types = ["training.CourseIndexPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("course page")
        verbose_name_plural = _("course pages")

    @property
    def is_free(self) -> bool:
        return not self.fee

    @property
    def skills_list(self) -> list[str]:
        return [line.strip() for line in self.skills_gained.splitlines() if line.strip()]

    def search_parts(self) -> list[str]:
        return [*super().search_parts(), self.summary, self.skills_gained, self.eligibility]

    def clean(self):
        super().clean()
        if self.fee is not None and self.fee < 0:
            raise ValidationError({"fee": _("The fee cannot be negative.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sessions"] = (
            CourseSession.objects.upcoming().for_course(self).for_listing().order_by("start_date", "pk")
        )
        context.update(page_context("training.views.course_context", request, self))
        return context


class CourseSession(models.Model):
    """One run of a course: where, when, for how many."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open for enrolment")
        FULL = "full", _("Full")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Language(models.TextChoices):
        KHMER = "km", _("Khmer")
        ENGLISH = "en", _("English")
        BOTH = "km+en", _("Khmer and English")

    # Which status may follow which; anything else is refused by set_status(). Plain strings:
    # a TextChoices member hashes by its name, so sets of members miss the stored values.
    TRANSITIONS = {
        "scheduled": {"open", "cancelled"},
        "open": {"full", "running", "cancelled", "scheduled"},
        "full": {"open", "running", "cancelled"},
        "running": {"completed", "cancelled"},
        "completed": set(),
        "cancelled": set(),
    }
    ENROLLABLE = {"open", "full"}

    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course"))
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("trainers"),
        limit_choices_to={"groups__name": "Trainer"},
    )
    venue_village = models.ForeignKey(
        "networks.Village",
        on_delete=models.PROTECT,
        related_name="training_sessions",
        verbose_name=_("venue village"),
    )
    venue_name = models.CharField(_("venue"), max_length=120, help_text=_("For example: Skills Center, pagoda hall."))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    weekdays = models.CharField(
        _("class days"), max_length=20, help_text=_("Weekdays of the classes, Monday = 0, comma-separated.")
    )
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    enrolment_opens = models.DateField(_("enrolment opens"))
    enrolment_closes = models.DateField(_("enrolment closes"))
    language = models.CharField(_("language"), max_length=6, choices=Language.choices, default=Language.KHMER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseSessionQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "start_time", "pk"]
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="training_session_dates"
            ),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="training_session_times"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="training_session_capacity"),
            models.CheckConstraint(
                condition=models.Q(enrolment_closes__gte=models.F("enrolment_opens")), name="training_enrolment_window"
            ),
        ]
        permissions = [("manage_all_sessions", "Can manage the sessions of every course")]

    def __str__(self) -> str:
        return f"{self.course.title} · {self.start_date:%Y-%m-%d}"

    @property
    def weekday_numbers(self) -> list[int]:
        return sorted({int(part) for part in self.weekdays.split(",") if part.strip().isdigit()})

    @property
    def weekday_labels(self) -> list[str]:
        labels = dict(WEEKDAYS)
        return [str(labels[number]) for number in self.weekday_numbers if number in labels]

    def class_days(self) -> list[datetime.date]:
        """Every date between the first and last day that falls on a class weekday."""
        days = []
        weekdays = set(self.weekday_numbers)
        day = self.start_date
        while day <= self.end_date:
            if day.weekday() in weekdays:
                days.append(day)
            day += datetime.timedelta(days=1)
        return days

    def is_class_day(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date and day.weekday() in self.weekday_numbers

    def enrolment_refusal(self, today: datetime.date | None = None) -> str | None:
        """Why nobody can enrol today, or None when enrolment is possible."""
        today = today or timezone.localdate()
        if self.status == self.Status.CANCELLED:
            return _("This session has been cancelled.")
        if self.start_date <= today or self.status in {"running", "completed"}:
            return _("This session has already started.")
        if self.status not in self.ENROLLABLE or not (self.enrolment_opens <= today <= self.enrolment_closes):
            return _("Enrolment for this session is closed.")
        return None

    def set_status(self, status: str) -> None:
        if status == self.status:
            return
        if status not in self.TRANSITIONS[self.status]:
            raise ValidationError(
                _("A session cannot go from %(old)s to %(new)s.")
                % {"old": self.get_status_display(), "new": self.Status(status).label}
            )
        self.status = status

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day is before the first day.")
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The class ends before it starts.")
        if self.enrolment_opens and self.enrolment_closes and self.enrolment_closes < self.enrolment_opens:
            errors["enrolment_closes"] = _("Enrolment closes before it opens.")
        if self.enrolment_closes and self.start_date and self.enrolment_closes > self.start_date:
            errors["enrolment_closes"] = _("Enrolment must close by the first day.")
        if not self.weekday_numbers or any(number > 6 for number in self.weekday_numbers):
            errors["weekdays"] = _("Choose at least one class day.")
        elif self.start_date and self.end_date and not self.class_days():
            errors["weekdays"] = _("No class day falls between the first and last day.")
        if errors:
            raise ValidationError(errors)


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


def _new_token() -> str:  # named by migration 0002
    return secret_token()


class Enrolment(models.Model):
    """A person's place (or place in line) in a session. Most applicants have no account: they
    enrol with a phone number and manage the enrolment through a private link (token)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waiting list")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

    ACTIVE = [Status.CONFIRMED, Status.WAITLISTED, Status.COMPLETED]

    session = models.ForeignKey(
        CourseSession, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("session")
    )
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20, help_text=_("Normalised national form, e.g. 012345678."))
    email = models.EmailField(_("email"), blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    age = models.PositiveSmallIntegerField(_("age"))
    village = models.ForeignKey(
        "networks.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_enrolments",
        verbose_name=_("village"),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="km",
        help_text=_("The language she enrolled in: messages and their links use it."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("account"),
    )
    member = models.ForeignKey(
        "networks.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_enrolments",
        verbose_name=_("registry member"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    created_at = models.DateTimeField(_("enrolled at"), default=timezone.now, db_index=True)
    promoted_at = models.DateTimeField(_("promoted from the waiting list"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            # One place (or waiting-list place) per phone number and session.
            models.UniqueConstraint(
                fields=["session", "phone"],
                condition=~models.Q(status="withdrawn"),
                name="training_one_enrolment_per_phone",
            ),
            models.CheckConstraint(condition=models.Q(age__lte=120), name="training_enrolment_age"),
        ]
        permissions = [("link_member", "Can link an enrolment to a registry member")]

    def __str__(self) -> str:
        return f"{self.name} · {self.session}"

    @property
    def age_band(self) -> str:
        if self.age < 18:
            return "under_18"
        if self.age < 25:
            return "18_24"
        return "25_plus"


class Attendance(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"), default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["enrolment", "day"], name="training_attendance_once_a_day")]

    def __str__(self) -> str:
        return f"{self.enrolment.name} · {self.day:%Y-%m-%d}"


def _new_certificate_code() -> str:  # named by migration 0002
    return readable_code(10)


class Certificate(models.Model):
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="certificate")
    code = models.CharField(_("verification code"), max_length=16, unique=True, default=_new_certificate_code)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code
