"""Shared reads for the registry: who may see which member, and age bands computed in SQL.

A member is *protected* when they are a minor (under 18 today; with only a year of birth, anyone
turning 18 this year still counts) or have ever belonged to a group of a sensitive network
(Happy Women Network). Protected members are visible to safeguarding officers and administrators
only; every other read of members goes through `MemberQuerySet.visible_to(user)`."""

import datetime

from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone

from accounts.roles import ADMINISTRATOR, SAFEGUARDING_OFFICER, has_role

ADULT_AGE = 18
YOUTH_MAX_AGE = 24


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", "under 18"
    AGE_18_24 = "18_24", "18–24"
    AGE_25_PLUS = "25_plus", "25 and over"
    UNKNOWN = "unknown", "unknown"


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def minor_q(today: datetime.date | None = None, prefix: str = "") -> Q:
    """Members under 18 on `today` — the SQL twin of `Member.is_minor`."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}date_of_birth__gt": years_before(today, ADULT_AGE)}) | Q(
        **{f"{prefix}date_of_birth__isnull": True, f"{prefix}birth_year__gte": today.year - ADULT_AGE}
    )


def age_band_q(band: str, today: datetime.date | None = None, prefix: str = "") -> Q:
    """The members of one age band, in SQL (bands: under 18, 18–24, 25 and over, unknown)."""
    today = today or timezone.localdate()
    minor = minor_q(today, prefix)
    youth = Q(**{f"{prefix}date_of_birth__gt": years_before(today, YOUTH_MAX_AGE + 1)}) | Q(
        **{f"{prefix}date_of_birth__isnull": True, f"{prefix}birth_year__gte": today.year - YOUTH_MAX_AGE}
    )
    unknown = Q(**{f"{prefix}date_of_birth__isnull": True, f"{prefix}birth_year__isnull": True})
    if band == AgeBand.UNDER_18:
        return minor
    if band == AgeBand.AGE_18_24:
        return youth & ~minor
    if band == AgeBand.AGE_25_PLUS:
        return ~youth & ~minor & ~unknown
    if band == AgeBand.UNKNOWN:
        return unknown
    raise ValueError(f"unknown age band {band!r}")


def age_band_case(today: datetime.date | None = None, prefix: str = "") -> Case:
    return Case(
        When(age_band_q(AgeBand.UNKNOWN, today, prefix), then=Value(AgeBand.UNKNOWN.value)),
        When(age_band_q(AgeBand.UNDER_18, today, prefix), then=Value(AgeBand.UNDER_18.value)),
        When(age_band_q(AgeBand.AGE_18_24, today, prefix), then=Value(AgeBand.AGE_18_24.value)),
        default=Value(AgeBand.AGE_25_PLUS.value),
        output_field=models.CharField(),
    )


def can_see_protected(user) -> bool:
    return has_role(user, SAFEGUARDING_OFFICER, ADMINISTRATOR)


def can_see_members(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("networks.view_member"))


class MemberQuerySet(models.QuerySet):
    def with_protection(self, today: datetime.date | None = None):
        """Annotate `in_sensitive_network` and `protected` (both booleans) without joins that
        would duplicate rows."""
        memberships = self.model._meta.get_field("memberships").related_model.objects
        sensitive = Exists(memberships.filter(member=OuterRef("pk"), group__network__is_sensitive=True))
        return self.annotate(in_sensitive_network=sensitive).annotate(
            protected=Case(
                When(minor_q(today) | Q(in_sensitive_network=True), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def protected(self, today: datetime.date | None = None):
        return self.with_protection(today).filter(protected=True)

    def unprotected(self, today: datetime.date | None = None):
        return self.with_protection(today).filter(protected=False)

    def adults(self, today: datetime.date | None = None):
        """Members 18 or over today (`Member.is_minor` false): the only ones who may be producers,
        contributors or payees on the market (networks.forms.AdultMemberChoiceField)."""
        return self.exclude(minor_q(today))

    def visible_to(self, user):
        """The members this user may read: none without the view permission; no protected
        member unless safeguarding officer or administrator."""
        if not can_see_members(user):
            return self.none()
        if can_see_protected(user):
            return self.with_protection()
        return self.unprotected()

    def with_age_band(self, today: datetime.date | None = None):
        return self.annotate(age_band=age_band_case(today))

    def in_network(self, network):
        return self.filter(memberships__group__network=network).distinct()


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(left__isnull=True)

    def of_visible_members(self, user):
        members = self.model._meta.get_field("member").related_model.objects
        return self.filter(member__in=members.visible_to(user).values("pk"))
