"""Trained producers (issue #14, part 5): the "trained: <course>" badge on cards and product
pages, the catalog's "trained producers only" filter, the course page's suppressed figure
"N graduates now sell on the market", and the cache purges that keep them true."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from marketplace.models import Product
from tests.factories.marketplace import ProductFactory
from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory, NetworkFactory
from tests.factories.training import CourseSessionFactory, EnrolmentFactory, add_course
from training.models import Enrolment
from training.services import enrolment_complete

pytestmark = pytest.mark.django_db


EN = "/en/market/"


def product_path(product, language="en") -> str:
    return f"/{language}/market/p/{product.pk}-{product.slug}/"


@pytest.fixture
def course(site_pages):
    return add_course(site_pages["skills_center"]["km"], title="Tailoring")


def enrol(member, course, status=Enrolment.Status.COMPLETED):
    return EnrolmentFactory(
        session=CourseSessionFactory(course=course),
        member=member,
        status=status,
        completed_at=timezone.now() if status == Enrolment.Status.COMPLETED else None,
    )


def badge(html: str) -> bool:
    return 'class="badge-trained"' in html


def own_badge(html: str) -> bool:
    """The product page's own badge (related products below have cards of their own)."""
    return badge(html.split('class="product-photos"')[0])


@pytest.mark.parametrize(
    "status,shown",
    [
        (Enrolment.Status.COMPLETED, True),
        (Enrolment.Status.CONFIRMED, False),
        (Enrolment.Status.WAITLISTED, False),
        (Enrolment.Status.WITHDRAWN, False),
    ],
)
def test_badge_only_for_a_completed_course(client, shop, course, status, shown):
    enrol(shop.producer_a, course, status)
    card = client.get(EN).content.decode()
    page = client.get(product_path(shop.product_a)).content.decode()
    assert ("trained: Tailoring" in card) is shown
    assert ("trained: Tailoring" in page) is shown
    # Another producer's product carries no badge.
    assert not own_badge(client.get(product_path(shop.product_b)).content.decode())


def test_an_enrolment_not_linked_to_the_registry_gives_no_badge(client, shop, course):
    EnrolmentFactory(session=CourseSessionFactory(course=course), status="completed", completed_at=timezone.now())
    assert not badge(client.get(EN).content.decode())


def test_badge_shows_the_course_title_in_the_readers_language(client, shop, course, site_pages):
    english_parent = site_pages["skills_center"]["en"]
    translation = course.copy_for_translation(english_parent.locale)
    translation.title = "Tailoring and sewing"
    translation.save_revision().publish()
    enrol(shop.producer_a, course)
    assert "trained: Tailoring and sewing" in client.get(product_path(shop.product_a)).content.decode()
    # The Khmer reader gets the page she enrolled through (its title here is the Khmer page's).
    khmer = client.get(product_path(shop.product_a, "km")).content.decode()
    assert course.title in khmer and "Tailoring and sewing" not in khmer


def test_the_latest_completed_course_is_shown(client, shop, course, site_pages):
    weaving = add_course(site_pages["skills_center"]["km"], title="Weaving", category="weaving")
    first = enrol(shop.producer_a, course)
    enrol(shop.producer_a, weaving)
    Enrolment.objects.filter(pk=first.pk).update(completed_at=timezone.now() - datetime.timedelta(days=300))
    html = client.get(product_path(shop.product_a)).content.decode()
    assert "trained: Weaving" in html and "trained: Tailoring" not in html


def test_a_protected_producer_shows_no_badge(client, shop, course):
    """A member of a sensitive network: her training is not told on a public card."""
    sensitive = GroupFactory(network=NetworkFactory(slug="happy-women-network", is_sensitive=True))
    MembershipFactory(member=shop.producer_a, group=sensitive)
    enrol(shop.producer_a, course)
    assert not own_badge(client.get(product_path(shop.product_a)).content.decode())


def test_filter_trained_producers_only(client, shop, course):
    enrol(shop.producer_a, course)
    enrol(shop.producer_b, course, Enrolment.Status.CONFIRMED)

    def titles(query):
        response = client.get(EN, query)
        assert response.status_code == 200
        return {product.title_en for product in response.context["products"]}

    assert titles({"trained": "on"}) == {"Rice A"}
    assert titles({}) == {"Rice A", "Krama A2", "Silk B"}
    # The checkbox is a plain form field (no JavaScript), translated.
    html = client.get(EN).content.decode()
    assert 'name="trained"' in html and "Trained producers only" in html
    khmer = client.get("/km/market/").content.decode()
    assert 'name="trained"' in khmer and "Trained producers only" not in khmer


@pytest.mark.usefixtures("fragment_cache")
@pytest.mark.parametrize("query", ["", "?trained=on", "?per_page=100&trained=on"])
def test_catalog_queries_stay_constant_with_badges(site_pages, course, django_assert_max_num_queries, query):
    group = GroupFactory()
    for index in range(24):
        producer = MemberFactory()
        MembershipFactory(member=producer, group=group)
        ProductFactory(group=group, producer=producer, photos=1)
        if index % 2:
            enrol(producer, course)
    cache.clear()
    client = Client()
    client.get(EN + query)  # renditions are made once
    with django_assert_max_num_queries(10):
        response = client.get(EN + query)
    html = response.content.decode()
    assert html.count("trained: Tailoring") == 12


# --- the course page's figure ----------------------------------------------------------------


def graduates(count, course, *, published=True):
    group = GroupFactory()
    members = []
    for _ in range(count):
        member = MemberFactory()
        MembershipFactory(member=member, group=group)
        ProductFactory(group=group, producer=member, status="published" if published else "draft")
        enrol(member, course)
        members.append(member)
    return members


def figure_text(client, course) -> str:
    return client.get(course.url, HTTP_ACCEPT_LANGUAGE="km").content.decode()


def test_course_figure_is_absent_with_no_graduate_selling(client, course):
    graduates(6, course, published=False)
    html = client.get(course.url).content.decode()
    assert 'class="course-graduates"' not in html


def test_course_figure_is_suppressed_below_the_threshold(client, course):
    graduates(4, course)
    html = client.get(course.url).content.decode()
    assert 'class="course-graduates"' in html
    assert "តិចជាង ៥" in html  # "fewer than 5"
    assert ">4 " not in html


def test_course_figure_is_shown_from_the_threshold(client, course, site_pages):
    members = graduates(5, course)
    # Not counted: a second product of the same member, a graduate without a published product,
    # a member enrolled but not completed, a protected member (a minor; a sensitive network).
    ProductFactory(group=members[0].memberships.first().group, producer=members[0])
    graduates(1, course, published=False)
    group = GroupFactory()
    confirmed = MemberFactory()
    ProductFactory(group=group, producer=confirmed)
    enrol(confirmed, course, Enrolment.Status.CONFIRMED)
    minor = MemberFactory(birth_year=timezone.localdate().year - 12)
    MembershipFactory(member=minor, group=group)
    Product.objects.bulk_create(
        [Product(group=group, producer=minor, category=members[0].products.first().category, title_km="x", price=1)]
    )
    enrol(minor, course)
    survivor = graduates(1, course)[0]
    MembershipFactory(
        member=survivor, group=GroupFactory(network=NetworkFactory(slug="happy-women-network", is_sensitive=True))
    )
    from training.selectors import graduates_selling

    assert graduates_selling(course) == 5
    html = client.get(course.url).content.decode()
    assert 'class="course-graduates"' in html and "5" in html.split('class="course-graduates"')[1][:200]


def test_sessions_of_the_course_in_another_language_count(course, site_pages):
    from training.selectors import graduates_selling

    translation = course.copy_for_translation(site_pages["skills_center"]["en"].locale)
    translation.save_revision().publish()
    graduates(2, course)
    member = MemberFactory()
    group = GroupFactory()
    ProductFactory(group=group, producer=member)
    enrol(member, translation)
    assert graduates_selling(course) == graduates_selling(translation) == 3


# --- cache: a newly completed course shows at once ------------------------------------------


@pytest.mark.usefixtures("page_cache")
def test_completing_a_course_purges_the_cached_card_and_product_page(shop, course, commit):
    enrolment = enrol(shop.producer_a, course, Enrolment.Status.CONFIRMED)
    paths = [EN, product_path(shop.product_a)]
    for path in paths:
        Client().get(path)
        assert Client().get(path).headers.get("X-Page-Cache") == "hit"
        assert not badge(Client().get(path).content.decode())
    commit(lambda: enrolment_complete(enrolment=enrolment))
    for path in paths:
        response = Client().get(path)
        assert response.headers.get("X-Page-Cache") == "miss", path
        assert "trained: Tailoring" in response.content.decode(), path
    # The card fragment too (the page cache off, fragments on).
    cache_page_off = Client().get(EN + "?per_page=10")
    assert "trained: Tailoring" in cache_page_off.content.decode()


@pytest.mark.usefixtures("page_cache")
def test_linking_a_completed_enrolment_to_the_registry_purges_the_card(shop, course, commit):
    from training.services import enrolment_link_member

    enrolment = EnrolmentFactory(
        session=CourseSessionFactory(course=course), status="completed", completed_at=timezone.now()
    )
    Client().get(EN)
    commit(lambda: enrolment_link_member(enrolment=enrolment, member=shop.producer_a))
    assert "trained: Tailoring" in Client().get(EN).content.decode()


@pytest.mark.usefixtures("page_cache")
def test_a_graduates_new_product_purges_the_cached_course_page(course, commit):
    members = graduates(5, course, published=False)
    Client().get(course.url)
    assert Client().get(course.url).headers.get("X-Page-Cache") == "hit"

    def publish():
        for member in members:
            product = member.products.get()
            product.status = "published"
            product.save()

    commit(publish)
    response = Client().get(course.url)
    assert response.headers.get("X-Page-Cache") == "miss" and 'class="course-graduates"' in response.content.decode()
