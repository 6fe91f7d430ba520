import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts import roles
from networks.models import Member, Network
from tests.factories.networks import (
    GroupFactory,
    MemberFactory,
    MembershipFactory,
    NetworkFactory,
    VillageFactory,
    years_ago,
)


@dataclass
class Registry:
    producers: Network
    happy_women: Network
    adult: Member  # an ordinary producer: visible to registry officers
    minor: Member  # under 18: safeguarding only
    survivor: Member  # Happy Women Network member: safeguarding only
    group: object
    sensitive_group: object
    village: object


@pytest.fixture
def registry(db):
    today = timezone.localdate()
    village = VillageFactory(code="17060208", name_km="ភ្នំទ្រង់បាត", name_en="Phnum Trung Bat")
    producers = NetworkFactory()
    happy_women = NetworkFactory(
        slug="happy-women-network", name_en="Happy Women Network", name_km="បណ្តាញស្ត្រីរីករាយ", is_sensitive=True
    )
    group = GroupFactory(network=producers, village=village, name_en="Producers of Phnum Trung Bat")
    sensitive_group = GroupFactory(network=happy_women, village=village, name_en="Happy Women 1")
    adult = MemberFactory(name_km="សុខ ចិន្តា", name_latin="Sok Chenda", phone="012777001", village=village)
    minor = MemberFactory(
        name_km="ចាន់ ធីតា",
        name_latin="Chan Thida",
        phone="012777002",
        village=village,
        date_of_birth=years_ago(12, today) - datetime.timedelta(days=30),
        birth_year=None,
        guardian_name="Chan Sophea",
    )
    survivor = MemberFactory(name_km="លី ស្រីពៅ", name_latin="Ly Sreypov", phone="012777003", village=village)
    MembershipFactory(member=adult, group=group)
    MembershipFactory(member=minor, group=group)
    MembershipFactory(member=survivor, group=sensitive_group)
    return Registry(producers, happy_women, adult, minor, survivor, group, sensitive_group, village)


@pytest.fixture
def registry_officer(make_user):
    return make_user(roles.REGISTRY_OFFICER, is_staff=True)


@pytest.fixture
def safeguarding_officer(make_user):
    return make_user(roles.SAFEGUARDING_OFFICER, is_staff=True)


@pytest.fixture(autouse=True)
def english_admin(request):
    """The admin (outside /km/ and /en/) follows Accept-Language; assertions read English."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
