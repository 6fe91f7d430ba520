"""Registry models: Cambodia's administrative geography, the NGO's networks, their groups,
members, memberships and meetings.

Personal data lives only on Member. Rules about one record (age, minor, sensitivity) stay here;
workflows (import, anonymise) live in services.py; shared reads in querysets.py."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from babel.dates import format_date
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import ModelLogEntry, Orderable
from wagtail.models.audit_log import ModelLogEntryManager

from accounts.phone import normalise as normalise_phone
from accounts.phone import validate_phone
from cms.bilingual import in_language

from .querysets import ADULT_AGE, MemberQuerySet, MembershipQuerySet, can_see_protected


class BilingualNameMixin:
    """`name` in the active language: Khmer first, English when the page is in English."""

    @property
    def name(self) -> str:
        return in_language(self.name_km, self.name_en)

    def __str__(self) -> str:
        return self.name


class Province(BilingualNameMixin, models.Model):
    code = models.CharField(_("code"), max_length=2, unique=True)
    name_km = models.CharField(_("name (Khmer)"), max_length=100)
    name_en = models.CharField(_("name (Latin)"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class District(BilingualNameMixin, models.Model):
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="districts")
    code = models.CharField(_("code"), max_length=4, unique=True)
    name_km = models.CharField(_("name (Khmer)"), max_length=100)
    name_en = models.CharField(_("name (Latin)"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Commune(BilingualNameMixin, models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="communes")
    code = models.CharField(_("code"), max_length=6, unique=True)
    name_km = models.CharField(_("name (Khmer)"), max_length=100)
    name_en = models.CharField(_("name (Latin)"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")


class Village(BilingualNameMixin, models.Model):
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="villages")
    code = models.CharField(_("code"), max_length=8, unique=True)
    name_km = models.CharField(_("name (Khmer)"), max_length=100)
    name_en = models.CharField(_("name (Latin)"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")


class Network(BilingualNameMixin, models.Model):
    name_km = models.CharField(_("name (Khmer)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    founded = models.DateField(_("founded"), null=True, blank=True)
    purpose_km = models.TextField(_("purpose (Khmer)"), blank=True)
    purpose_en = models.TextField(_("purpose (English)"), blank=True)
    is_sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Members of a sensitive network (e.g. survivors) are visible to safeguarding officers only."),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")


class Group(BilingualNameMixin, models.Model):
    class Level(models.TextChoices):
        VILLAGE = "village", _("Village")
        COMMUNE = "commune", _("Commune")

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="groups")
    name_km = models.CharField(_("name (Khmer)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.VILLAGE)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="groups", verbose_name=_("village")
    )
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="groups", verbose_name=_("commune"))
    founded = models.DateField(_("founded"), null=True, blank=True)

    class Meta:
        ordering = ["network", "name_km"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    @property
    def pickup_point(self):
        """This group's CollectionPoint, or None when it has none yet."""
        try:
            return self.collection_point
        except ObjectDoesNotExist:
            return None

    def clean(self):
        if self.level == self.Level.VILLAGE and not self.village_id:
            raise ValidationError({"village": _("A village-level group needs a village.")})
        if self.village_id and self.commune_id and self.village.commune_id != self.commune_id:
            raise ValidationError({"village": _("The village is not in the group's commune.")})


@dataclass(frozen=True)
class PickupDay:
    """One date buyers can collect from a group, with that day's opening hours."""

    date: datetime.date
    hours: tuple[tuple[datetime.time, datetime.time], ...]

    def label(self) -> str:
        """ "Saturday 6 December, 07:00–11:00" in the active language (babel: Khmer month and
        day names)."""
        return f"{format_pickup_date(self.date)}, {format_hours(self.hours)}"


def format_pickup_date(date: datetime.date) -> str:
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return format_date(date, "EEEE d MMMM y", locale="km" if language == "km" else "en")


def format_hours(hours) -> str:
    return ", ".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in hours)


class CollectionPoint(ClusterableModel):
    """Where and when buyers collect a producer group's orders: a village, an address, a phone
    and weekly pickup slots. The one home of the pickup-day rule (`next_pickup_dates`); the
    checkout, `order_place`, the confirmation and My shop's pick list all read it."""

    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, related_name="collection_point", verbose_name=_("group")
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collection_points",
        verbose_name=_("village"),
    )
    address = models.CharField(
        _("address"), max_length=200, help_text=_("Where buyers pick up orders, e.g. the village pagoda.")
    )
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        help_text=_("Who buyers call about a pickup."),
    )

    class Meta:
        ordering = ["group"]
        verbose_name = _("collection point")
        verbose_name_plural = _("collection points")

    def __str__(self) -> str:
        return self.address

    def save(self, *args, **kwargs):
        self.phone = normalise_phone(self.phone) or self.phone
        super().save(*args, **kwargs)

    @staticmethod
    def slot_problems(slots) -> list[str]:
        """Why these weekly slots (objects with weekday, opens, closes) cannot stand together:
        each closes after it opens, and no two overlap on one day."""
        problems = []
        by_day = defaultdict(list)
        for slot in slots:
            if slot.opens is None or slot.closes is None or slot.weekday is None:
                continue
            if slot.closes <= slot.opens:
                problems.append(_("A pickup slot must close after it opens."))
                continue
            by_day[int(slot.weekday)].append((slot.opens, slot.closes))
        for weekday, hours in sorted(by_day.items()):
            hours.sort()
            for (_opens, closes), (next_opens, _closes) in zip(hours, hours[1:], strict=False):
                if next_opens < closes:
                    problems.append(
                        _("Two pickup slots overlap on %(day)s.") % {"day": PickupSlot.Weekday(weekday).label}
                    )
                    break
        return problems

    def next_pickup_dates(self, from_datetime: datetime.datetime, n: int, slots=None) -> list[PickupDay]:
        """The next `n` days (in Cambodia's time) on which a slot is open, from `from_datetime`
        on: today counts only while one of today's slots has not closed yet. No slots: []."""
        slots = list(self.slots.all()) if slots is None else list(slots)
        by_day = defaultdict(list)
        for slot in slots:
            by_day[slot.weekday].append((slot.opens, slot.closes))
        if not by_day or n <= 0:
            return []
        local = timezone.localtime(from_datetime)
        days: list[PickupDay] = []
        day = local.date()
        while len(days) < n:
            hours = sorted(by_day.get(day.weekday(), ()))
            if day == local.date():
                hours = [(opens, closes) for opens, closes in hours if closes > local.time()]
            if hours:
                days.append(PickupDay(day, tuple(hours)))
            day += datetime.timedelta(days=1)
        return days

    def is_pickup_date(self, date: datetime.date, from_datetime: datetime.datetime, n: int) -> bool:
        """Whether `date` is one of the next `n` pickup days (what checkout offers)."""
        return any(day.date == date for day in self.next_pickup_dates(from_datetime, n))

    def hours_on(self, date: datetime.date) -> list[tuple[datetime.time, datetime.time]]:
        return sorted((slot.opens, slot.closes) for slot in self.slots.all() if slot.weekday == date.weekday())


class PickupSlot(Orderable):
    """A weekly opening of a collection point: a weekday and its hours (several per week)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    collection_point = ParentalKey(
        CollectionPoint, on_delete=models.CASCADE, related_name="slots", verbose_name=_("collection point")
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta(Orderable.Meta):
        ordering = ["weekday", "opens"]
        verbose_name = _("pickup slot")
        verbose_name_plural = _("pickup slots")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        problems = CollectionPoint.slot_problems([self])
        if problems:
            raise ValidationError({"closes": problems})


def minor_refusal():
    """Why a member cannot be picked as a producer, contributor or payee on the market."""
    return _("A minor (under 18 in the registry) cannot sell on the market, contribute goods or receive payouts.")


class Member(ClusterableModel):
    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    name_km = models.CharField(_("name (Khmer)"), max_length=120, blank=True)
    name_latin = models.CharField(_("name (Latin script)"), max_length=120, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("village")
    )
    notes = models.TextField(_("notes"), blank=True)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    guardian_name = models.CharField(_("guardian's name"), max_length=120, blank=True)
    # A producer or coordinator who signs in to "My shop" is linked to their registry record.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("user account"),
    )
    is_anonymised = models.BooleanField(_("anonymised"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    # Fields erased by anonymisation (services.member_anonymise); gender, birth year and
    # memberships stay so that the statistics do not change.
    PERSONAL_FIELDS = ("name_km", "name_latin", "date_of_birth", "phone", "notes", "guardian_name")

    class Meta:
        ordering = ["name_latin", "name_km"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [models.Index(fields=["birth_year"]), models.Index(fields=["phone"])]
        permissions = [
            ("import_member", _("Can import members from CSV")),
            ("anonymise_member", _("Can anonymise members")),
        ]

    def __str__(self) -> str:
        # str() ends up in log entries, choosers and other apps' dropdowns that people without
        # the safeguarding role can read: a protected member is never named there.
        if self.is_anonymised:
            return str(_("Anonymised member #%(id)s") % {"id": self.pk})
        if self.is_protected:
            return str(_("Protected member #%(id)s") % {"id": self.pk})
        return self.name_km or self.name_latin or str(_("Member #%(id)s") % {"id": self.pk})

    @property
    def display_name(self) -> str:
        """The real name, for screens already restricted to people allowed to read it."""
        if self.is_anonymised:
            return str(self)
        return " / ".join(name for name in (self.name_km, self.name_latin) if name) or str(self)

    @property
    def in_sensitive_network(self) -> bool:
        # Annotated by MemberQuerySet.with_protection() in listings; one query otherwise.
        cached = self.__dict__.get("in_sensitive_network")
        if cached is None:
            if self.pk is None:
                return False
            cached = self.memberships.filter(group__network__is_sensitive=True).exists()
            self.__dict__["in_sensitive_network"] = cached
        return cached

    @in_sensitive_network.setter
    def in_sensitive_network(self, value: bool) -> None:
        self.__dict__["in_sensitive_network"] = value

    def _group_names(self) -> str:
        """The member's groups, for listings, inspect and exports (reads prefetched memberships)."""
        return ", ".join(
            str(membership.group) + ("" if membership.is_active else " (" + str(_("left")) + ")")
            for membership in self.memberships.all()
        )

    _group_names.short_description = _("groups")  # the label in the admin's inspect view
    group_names = property(_group_names)

    @property
    def is_protected(self) -> bool:
        """Visible only to safeguarding officers and administrators."""
        return self.is_minor or self.in_sensitive_network

    def save(self, *args, **kwargs):
        if self.date_of_birth and not self.birth_year:
            self.birth_year = self.date_of_birth.year
        super().save(*args, **kwargs)

    @property
    def effective_birth_year(self) -> int | None:
        return self.date_of_birth.year if self.date_of_birth else self.birth_year

    def age_on(self, day: datetime.date) -> int | None:
        if self.date_of_birth:
            born = self.date_of_birth
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if self.birth_year:
            # With only a year, assume the birthday has passed (the youngest reading would hide
            # adults as minors; safeguarding treats the boundary year as minor below).
            return day.year - self.birth_year
        return None

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    @property
    def is_minor(self) -> bool:
        """Under 18 today. With only a birth year, someone who turns 18 this year still counts
        as a minor: safeguarding errs on the side of protection."""
        today = timezone.localdate()
        if self.date_of_birth:
            return self.age_on(today) < ADULT_AGE
        if self.birth_year:
            return today.year - self.birth_year <= ADULT_AGE
        return False

    def clean(self):
        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth > today:
            raise ValidationError({"date_of_birth": _("The date of birth is in the future.")})
        if self.birth_year and not (1900 <= self.birth_year <= today.year):
            raise ValidationError({"birth_year": _("Enter a year between 1900 and this year.")})
        if self.date_of_birth and self.birth_year and self.date_of_birth.year != self.birth_year:
            raise ValidationError({"birth_year": _("The year of birth does not match the date of birth.")})
        if not self.is_anonymised and not (self.name_km or self.name_latin):
            raise ValidationError(_("Enter a name in Khmer or Latin script."))


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        LEADER = "leader", _("Leader")
        DEPUTY = "deputy", _("Deputy")
        TREASURER = "treasurer", _("Treasurer")
        FACILITATOR = "facilitator", _("Facilitator")

    member = ParentalKey(Member, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("group"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined = models.DateField(_("joined"))
    left = models.DateField(_("left"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-joined"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "group"], condition=models.Q(left__isnull=True), name="networks_one_active_membership"
            ),
            models.CheckConstraint(
                condition=models.Q(left__isnull=True) | models.Q(left__gte=models.F("joined")),
                name="networks_membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.group}"

    @property
    def is_active(self) -> bool:
        return self.left is None

    def clean(self):
        if self.left and self.joined and self.left < self.joined:
            raise ValidationError({"left": _("A member cannot leave before joining.")})


class Meeting(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    attended_female = models.PositiveIntegerField(_("women and girls attending"), default=0)
    attended_male = models.PositiveIntegerField(_("men and boys attending"), default=0)
    attended_other = models.PositiveIntegerField(_("others attending"), default=0)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.group} · {self.date}"

    @property
    def attended_total(self) -> int:
        return self.attended_female + self.attended_male + self.attended_other


class RegistryAwareLogEntryManager(ModelLogEntryManager):
    def viewable_by_user(self, user):
        """Wagtail's rule (a permission on the content type), and: entries about a member only
        for someone who may see that member now (`Member.objects.visible_to`) — so entries about
        minors, Happy Women Network members and deleted members stay with safeguarding officers
        and administrators — and the registry's own audit entries (`networks.*`: views, exports,
        imports, anonymisations of protected members) only for them too."""
        entries = super().viewable_by_user(user)
        if can_see_protected(user):
            return entries
        member_type = ContentType.objects.get_for_model(Member)
        visible = Member.objects.visible_to(user).annotate(key=Cast("pk", models.CharField())).values("key")
        about_members = models.Q(content_type=member_type)
        return entries.exclude(
            about_members & (~models.Q(object_id__in=visible) | models.Q(action__startswith="networks."))
        )


class RegistryAwareLogEntry(ModelLogEntry):
    """The log entry Wagtail writes for every non-page model (registered in wagtail_hooks.py in
    place of ModelLogEntry: same table), whose entries about members follow the registry's
    privacy rule in the site history, its exports and every object's history."""

    objects = RegistryAwareLogEntryManager()

    class Meta:
        proxy = True
