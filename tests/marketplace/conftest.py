from decimal import Decimal

import pytest

from accounts.roles import GROUP_COORDINATOR, PRODUCER
from tests.factories.marketplace import ProductFactory
from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory


class Shop:
    """Two producer groups, A and B, each with a producer who signs in; A has a coordinator."""

    def __init__(self, make_user):
        self.group_a = GroupFactory(name_km="ក្រុមក", name_en="Group A")
        self.group_b = GroupFactory(name_km="ក្រុមខ", name_en="Group B")
        self.producer_a_user = make_user(PRODUCER)
        self.producer_a = MemberFactory(user=self.producer_a_user)
        MembershipFactory(member=self.producer_a, group=self.group_a)
        self.producer_b_user = make_user(PRODUCER)
        self.producer_b = MemberFactory(user=self.producer_b_user)
        MembershipFactory(member=self.producer_b, group=self.group_b)
        # A member of A without a phone or account: the coordinator lists her goods.
        self.member_a2 = MemberFactory(phone="")
        MembershipFactory(member=self.member_a2, group=self.group_a)
        self.coordinator_user = make_user(GROUP_COORDINATOR)
        self.coordinator = MemberFactory(user=self.coordinator_user)
        MembershipFactory(member=self.coordinator, group=self.group_a, role="leader")
        self.product_a = ProductFactory(
            group=self.group_a, producer=self.producer_a, title_en="Rice A", price=Decimal("1.20")
        )
        self.product_a2 = ProductFactory(
            group=self.group_a, producer=self.member_a2, title_en="Krama A2", unit="piece", price=Decimal("5.00")
        )
        self.product_b = ProductFactory(
            group=self.group_b, producer=self.producer_b, title_en="Silk B", unit="metre", price=Decimal("12.00")
        )


@pytest.fixture
def shop(db, make_user):
    return Shop(make_user)


@pytest.fixture(autouse=True)
def english_messages():
    """Services' messages are asserted in English; views under /km/ switch to Khmer themselves."""
    from django.utils import translation

    with translation.override("en"):
        yield
