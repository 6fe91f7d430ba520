"""SQL queries per uncached page (page cache off): a fixed number, whatever the page size."""

import pytest
from django.core.cache import cache
from django.test import Client

from accounts import roles
from tests.factories.marketplace import ProductFactory
from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory
from tests.factories.training import CourseSessionFactory, add_course

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragment_cache")]

MAX_QUERIES = 10
MAX_QUERIES_MY_SHOP = 15


@pytest.fixture
def catalog(site_pages):
    group = GroupFactory()
    producer = MemberFactory()
    MembershipFactory(member=producer, group=group)
    products = [ProductFactory(group=group, producer=producer, photos=1) for _ in range(30)]
    course = add_course(site_pages["skills_center"]["km"], title="Tailoring")
    CourseSessionFactory(course=course)
    cache.clear()
    return products


@pytest.mark.parametrize("language", ["km", "en"])
@pytest.mark.parametrize("path", ["/{}/", "/{}/market/", "/{}/market/?per_page=100", "/{}/market/?per_page=10"])
def test_home_and_catalog_queries(catalog, django_assert_max_num_queries, path, language):
    client = Client()
    client.get(path.format(language))  # renditions are made once, on the first view
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(path.format(language))
    assert response.status_code == 200


@pytest.mark.parametrize("language", ["km", "en"])
def test_product_page_queries(catalog, django_assert_max_num_queries, language):
    client = Client()
    path = f"/{language}/market/p/{catalog[0].pk}-{catalog[0].slug}/"
    client.get(path)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(path)
    assert response.status_code == 200


def test_my_shop_queries(catalog, make_user, django_assert_max_num_queries):
    user = make_user(roles.PRODUCER)
    member = catalog[0].producer
    member.user = user
    member.save()
    client = Client()
    client.force_login(user)
    client.get("/km/my-shop/")
    with django_assert_max_num_queries(MAX_QUERIES_MY_SHOP):
        response = client.get("/km/my-shop/")
    assert response.status_code == 200
