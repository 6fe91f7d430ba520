import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory, years_ago


@pytest.mark.django_db
def test_minor_by_date_of_birth_and_by_year():
    today = timezone.localdate()
    seventeen = MemberFactory(date_of_birth=years_ago(17, today), birth_year=None)
    adult = MemberFactory(date_of_birth=datetime.date(1990, 5, 1), birth_year=None)
    turning_18_this_year = MemberFactory(date_of_birth=None, birth_year=today.year - 18)
    assert seventeen.is_minor
    assert not adult.is_minor
    # Only a year known: treated as a minor until the year is over (errs towards protection).
    assert turning_18_this_year.is_minor
    assert adult.birth_year == 1990


@pytest.mark.django_db
def test_member_validation_rejects_future_birth_and_mismatched_year():
    member = MemberFactory.build(date_of_birth=timezone.localdate() + datetime.timedelta(days=1), birth_year=None)
    with pytest.raises(ValidationError):
        member.clean()
    member = MemberFactory.build(date_of_birth=datetime.date(1990, 1, 1), birth_year=1991)
    with pytest.raises(ValidationError):
        member.clean()


@pytest.mark.django_db
def test_one_active_membership_per_group():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError):
        MembershipFactory(member=membership.member, group=membership.group)


@pytest.mark.django_db
def test_village_group_needs_a_village_in_its_commune():
    group = GroupFactory()
    group.village = None
    with pytest.raises(ValidationError):
        group.clean()


def test_years_ago_on_29_february():
    """The test helper for birth dates: tests ran into `today.replace(year=…)` crashing on leap days."""
    assert years_ago(17, datetime.date(2028, 2, 29)) == datetime.date(2011, 2, 28)
    assert years_ago(4, datetime.date(2028, 2, 29)) == datetime.date(2024, 2, 29)
    assert years_ago(12, datetime.date(2026, 11, 29)) == datetime.date(2014, 11, 29)
