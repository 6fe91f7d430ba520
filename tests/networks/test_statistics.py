import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.demo import seed_accounts
from cms.demo import seed_pages
from networks import demo
from networks.disclosure import public_figures
from networks.models import Group, Member, Membership, Network
from networks.selectors import (
    network_figures,
    statistics_by_district,
    statistics_by_group,
    statistics_by_network,
    statistics_by_province,
    suppress,
)
from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory, NetworkFactory, years_ago


def _quiet(*args):
    pass


@pytest.fixture
def seeded(db):
    users = seed_accounts(log=_quiet)
    pages = seed_pages(log=_quiet)
    demo.seed(users=users, pages=pages, log=_quiet)
    return {"users": users, "pages": pages}


def _by_slug():
    return {figures.key.slug: figures for figures in statistics_by_network()}


def test_statistics_equal_the_organisation_figures(seeded):
    figures = _by_slug()
    good_men = figures["good-men-network"]
    assert (good_men.members, good_men.male, good_men.female) == (457, 457, 0)
    children = figures["children-and-youth-network"]
    assert (children.groups, children.members, children.female) == (10, 313, 198)
    assert children.under_18 > children.members / 2  # mostly minors
    districts = Group.objects.filter(network__slug="children-and-youth-network").values("commune__district").distinct()
    assert districts.count() == 2
    happy = figures["happy-women-network"]
    assert (happy.members, happy.female) == (140, 140)
    assert Network.objects.get(slug="happy-women-network").is_sensitive
    young = statistics_by_group(network=Network.objects.get(slug="young-women-network"))
    assert young and all(10 <= row.members <= 15 and row.female == row.members for row in young)
    producers = Network.objects.get(slug="producer-group")
    village_level = Membership.objects.filter(group__network=producers, group__level=Group.Level.VILLAGE)
    commune_level = Membership.objects.filter(group__network=producers, group__level=Group.Level.COMMUNE)
    assert producers.groups.filter(level=Group.Level.VILLAGE).count() == 24
    assert producers.groups.filter(level=Group.Level.COMMUNE).count() == 2
    assert village_level.values("member").distinct().count() == 243
    assert village_level.filter(member__gender=Member.Gender.FEMALE).values("member").distinct().count() == 199
    assert commune_level.values("member").distinct().count() == 137
    assert commune_level.filter(member__gender=Member.Gender.FEMALE).values("member").distinct().count() == 124
    assert figures["producer-group"].members == 243 + 137
    assert figures["producer-group"].female == 199 + 124
    # Every breakdown adds up to the same members.
    total = sum(row.members for row in figures.values())
    assert sum(row.members for row in statistics_by_province()) == total
    assert sum(row.members for row in statistics_by_district()) == total
    assert sum(row.members for row in statistics_by_group()) == total
    assert sum(sum(row.joined_per_year.values()) for row in figures.values()) == Membership.objects.count()


def test_demo_links_producer_and_coordinator_to_the_phnum_trung_bat_group(seeded):
    users = seeded["users"]
    group = Group.objects.get(network__slug="producer-group", village__code="17060208")
    assert group.level == Group.Level.VILLAGE
    coordinator = Membership.objects.get(member__user=users["coordinator"])
    producer = Membership.objects.get(member__user=users["producer"])
    assert coordinator.group == producer.group == group
    assert coordinator.role == Membership.Role.LEADER and coordinator.is_active
    assert producer.role == Membership.Role.MEMBER


def test_network_pages_are_bound_and_show_the_seed_figures(seeded, client):
    for language in ("km", "en"):
        page = seeded["pages"]["network:good-men-network"][language]
        page.refresh_from_db()
        assert page.specific.network.slug == "good-men-network"
    response = client.get("/en/networks/good-men-network/")
    assert response.status_code == 200
    assert response.context["network_figures"]["members"] == 457
    assert response.context["network_figures"]["female"] == 0
    content = response.content.decode()
    assert "457" in content
    assert "Sok" not in content and "Chea" not in content  # no names, ever
    response = client.get("/en/networks/happy-women-network/")
    assert response.context["network_figures"]["members"] == 140
    home = client.get("/en/")
    assert "457" in home.content.decode() and "Good Men Network" in home.content.decode()


def test_suppression_of_small_cells():
    assert suppress(0) == 0
    for count in (1, 2, 3, 4):
        with translation.override("en"):
            assert str(suppress(count)) == "fewer than 5"
        with translation.override("km"):
            assert str(suppress(count)) == "តិចជាង ៥"
    assert suppress(5) == 5
    assert suppress(140) == 140


@pytest.mark.django_db
def test_public_page_suppresses_small_counts(client, site_pages):
    network = NetworkFactory(slug="good-men-network", name_en="Good Men Network")
    group = GroupFactory(network=network)
    for _index in range(3):
        MembershipFactory(group=group, member=MemberFactory(gender=Member.Gender.MALE))
    MembershipFactory(group=group, member=MemberFactory(gender=Member.Gender.FEMALE))
    page = site_pages["network:good-men-network"]["en"].specific
    page.network = network
    page.save_revision().publish()
    figures = public_figures(network)
    with translation.override("en"):
        assert str(figures["members"]) == "fewer than 5"
        assert str(figures["male"]) == "fewer than 5"
        assert str(figures["female"]) == "fewer than 5"
    assert figures["other"] == 0  # zero is not disclosive
    assert figures["groups"] == 1  # groups are not people
    content = client.get("/en/networks/good-men-network/").content.decode()
    assert "fewer than 5" in content
    assert ">4<" not in content and ">3<" not in content


@pytest.mark.django_db
def test_age_bands_active_and_left():
    today = timezone.localdate()
    network = NetworkFactory()
    group = GroupFactory(network=network)
    MembershipFactory(group=group, member=MemberFactory(date_of_birth=years_ago(10, today), birth_year=None))
    MembershipFactory(
        group=group, member=MemberFactory(date_of_birth=datetime.date(today.year - 20, 1, 1), birth_year=None)
    )
    MembershipFactory(group=group, member=MemberFactory(birth_year=1970))
    MembershipFactory(group=group, member=MemberFactory(birth_year=None, date_of_birth=None))
    MembershipFactory(group=group, joined=datetime.date(2019, 5, 1), left=datetime.date(2021, 1, 1))
    figures = network_figures(network)
    assert figures.members == 5
    assert (figures.under_18, figures.age_18_24, figures.age_25_plus, figures.age_unknown) == (1, 1, 2, 1)
    assert (figures.active, figures.left) == (4, 1)
    assert figures.joined_per_year == {2019: 1, 2020: 4}


def _statistics_queries():
    with CaptureQueriesContext(connection) as captured:
        statistics_by_network()
        statistics_by_group()
        statistics_by_province()
        statistics_by_district()
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_statistics_run_a_bounded_number_of_queries():
    network = NetworkFactory()
    group = GroupFactory(network=network)
    MembershipFactory.create_batch(5, group=group)
    few = _statistics_queries()
    for _index in range(4):
        MembershipFactory.create_batch(10, group=GroupFactory(network=network))
    assert _statistics_queries() == few
    assert few <= 16
