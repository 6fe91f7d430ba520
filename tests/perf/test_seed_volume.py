"""seed_volume: the benchmark's volume data, idempotent, analysed after the bulk load."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.models import Product
from networks.models import Member, Membership
from tests.factories.networks import GroupFactory, NetworkFactory
from tests.factories.training import add_course
from training.models import CourseSession

pytestmark = pytest.mark.django_db


def test_needs_the_demo_groups_first(site_pages):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_volume", products=5, members=5, sessions=1)


def test_tops_up_to_the_targets_once_and_analyzes(site_pages):
    network = NetworkFactory(slug="producer-group")
    groups = [GroupFactory(network=network) for _ in range(26)]
    add_course(site_pages["skills_center"]["km"], title="Weaving")
    with CaptureQueriesContext(connection) as captured:
        call_command("seed_volume", products=60, members=40, sessions=5)
    assert any(query["sql"].strip().upper() == "ANALYZE" for query in captured.captured_queries)
    products = Product.objects.filter(description_en="seed_volume")
    assert products.count() == 60 and products.filter(photos__isnull=True).count() == 0
    assert products.values("group").distinct().count() == 26
    assert set(products.values_list("group", flat=True)) == {group.pk for group in groups}
    assert Member.objects.filter(notes="seed_volume").count() == 40
    assert Membership.objects.filter(member__notes="seed_volume").count() == 40
    assert CourseSession.objects.filter(venue_name="seed_volume").count() == 5
    call_command("seed_volume", products=60, members=40, sessions=5)
    assert Product.objects.filter(description_en="seed_volume").count() == 60
    assert Member.objects.filter(notes="seed_volume").count() == 40
    assert CourseSession.objects.filter(venue_name="seed_volume").count() == 5
    # The catalog serves the new products.
    from django.test import Client

    assert Client().get("/en/market/").status_code == 200
