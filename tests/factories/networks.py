import calendar
import datetime

import factory

from networks.models import (
    CollectionPoint,
    Commune,
    District,
    Group,
    Meeting,
    Member,
    Membership,
    Network,
    PickupSlot,
    Province,
    Village,
)


def years_ago(years: int, today: datetime.date) -> datetime.date:
    """The same day `years` before `today`; 29 February falls back to the 28th in other years
    (`today.replace(year=…)` raises on it)."""
    year = today.year - years
    return today.replace(year=year, day=min(today.day, calendar.monthrange(year, today.month)[1]))


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ["code"]

    code = "17"
    name_km = "សៀមរាប"
    name_en = "Siem Reap"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    province = factory.SubFactory(ProvinceFactory)
    code = "1706"
    name_km = "ក្រឡាញ់"
    name_en = "Kralanh"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["code"]

    district = factory.SubFactory(DistrictFactory)
    code = "170602"
    name_km = "កំពង់ថ្កូវ"
    name_en = "Kampong Thkouv"


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village
        django_get_or_create = ["code"]

    commune = factory.SubFactory(CommuneFactory)
    code = factory.Sequence(lambda n: f"170602{n % 100:02d}")
    name_km = factory.Sequence(lambda n: f"ភូមិ{n}")
    name_en = factory.Sequence(lambda n: f"Village {n}")


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ["slug"]

    name_km = "ក្រុមអ្នកផលិត"
    name_en = "Producer Group"
    slug = "producer-group"
    founded = datetime.date(2018, 1, 1)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        skip_postgeneration_save = True

    network = factory.SubFactory(NetworkFactory)
    name_km = factory.Sequence(lambda n: f"ក្រុម{n}")
    name_en = factory.Sequence(lambda n: f"Group {n}")
    level = Group.Level.VILLAGE
    village = factory.SubFactory(VillageFactory)
    commune = factory.LazyAttribute(lambda group: group.village.commune)
    collection_point = factory.RelatedFactory(
        "tests.factories.networks.CollectionPointFactory", factory_related_name="group", address="Village pagoda"
    )


class CollectionPointFactory(factory.django.DjangoModelFactory):
    """A group's collection point; no weekly slots (pickup by arrangement) unless given."""

    class Meta:
        model = CollectionPoint

    group = factory.SubFactory(GroupFactory, collection_point=None)
    village = factory.LazyAttribute(lambda point: point.group.village)
    address = "Village pagoda"
    phone = "012345678"


class PickupSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PickupSlot

    collection_point = factory.SubFactory(CollectionPointFactory)
    weekday = 5
    opens = datetime.time(7, 0)
    closes = datetime.time(11, 0)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name_km = factory.Sequence(lambda n: f"សុខា{n}")
    name_latin = factory.Sequence(lambda n: f"Sokha {n}")
    gender = Member.Gender.FEMALE
    birth_year = 1990
    phone = factory.Sequence(lambda n: f"0978{n:05d}")
    village = factory.SubFactory(VillageFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    group = factory.SubFactory(GroupFactory)
    role = Membership.Role.MEMBER
    joined = datetime.date(2020, 1, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(GroupFactory)
    date = datetime.date(2026, 1, 15)
    topic = "Savings"
