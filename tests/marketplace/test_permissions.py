"""Who reaches which marketplace record in the admin: every URL of every marketplace viewset,
walked by every role against a record of a group the role does not work for (issue 11 #3)."""

import pytest
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import Permission

from accounts import roles
from marketplace.models import Product, Quote
from marketplace.permissions import FulfilmentPermissionPolicy, OrderPermissionPolicy, ProductPermissionPolicy
from tests.admin_walk import assert_can_reach, assert_cannot_reach
from tests.factories.marketplace import place_order

pytestmark = pytest.mark.django_db


def place(product, buyer_name):
    return place_order(product, buyer_name=buyer_name, buyer_email="")


def give_admin_permissions(user):
    """As an NGO might: a coordinator given admin access and every marketplace permission."""
    role = Role.objects.create(name=f"Market helpers {user.pk}")
    role.permissions.set(
        Permission.objects.filter(content_type__app_label="marketplace")
        | Permission.objects.filter(codename="access_admin")
    )
    user.groups.add(role)
    return user


@pytest.fixture
def records_of_b(shop):
    Product.objects.filter(pk=shop.product_b.pk).update(title_km="សូត្រសម្ងាត់ខ", title_en="Secret silk of B")
    shop.product_b.refresh_from_db()
    order = place(shop.product_b, "Buyer of group B")
    quote = Quote.objects.create(group=shop.group_b, name="Trader of group B", phone="012", quantity=1, message="?")
    return {
        "market_product": (shop.product_b, ["សូត្រសម្ងាត់ខ", "Secret silk of B"]),
        "market_order": (order, ["Buyer of group B", order.reference]),
        "market_fulfilment": (order.fulfilments.get(), [order.reference]),
        "market_quote": (quote, ["Trader of group B"]),
    }


def test_every_marketplace_admin_url_follows_the_policy_for_every_role(client, shop, make_user, records_of_b):
    coordinator_with_admin = give_admin_permissions(shop.coordinator_user)
    forbidden = [shop.producer_a_user, coordinator_with_admin, make_user(roles.BUYER)]
    forbidden += [
        make_user(role, is_staff=True) for role in (roles.TRAINER, roles.REGISTRY_OFFICER, roles.SAFEGUARDING_OFFICER)
    ]
    requests = 0
    for user in forbidden:
        for namespace, (record, markers) in records_of_b.items():
            requests += assert_cannot_reach(client, user, namespace, record, markers, extra={"status": "ready"})
    assert requests > 200
    editor, administrator = make_user(roles.EDITOR, is_staff=True), make_user(roles.ADMINISTRATOR, is_staff=True)
    views = {
        "market_product": ("index", "edit", "history", "usage", "inspect"),
        "market_order": ("index", "edit", "history", "inspect", "cancel"),
        "market_fulfilment": ("index", "edit", "history", "inspect"),
        "market_quote": ("index", "inspect"),  # never edited here: no history of its own
    }
    for user in (editor, administrator):
        for namespace, (record, markers) in records_of_b.items():
            assert_can_reach(client, user, namespace, record, markers[0], views=views[namespace])


def test_a_coordinator_with_admin_access_reaches_her_own_groups_records(client, shop):
    user = give_admin_permissions(shop.coordinator_user)
    order = place(shop.product_a, "Buyer of group A")
    assert_can_reach(client, user, "market_product", shop.product_a, shop.product_a.title_km)
    assert_can_reach(client, user, "market_order", order, order.reference, views=("index", "edit", "inspect"))


def test_policies_answer_the_same_in_code(shop, make_user):
    """The rules the admin applies, asked directly: scope by group, and orders are records."""
    user = give_admin_permissions(shop.coordinator_user)
    products = ProductPermissionPolicy(Product)
    assert products.user_has_permission_for_instance(user, "change", shop.product_a)
    assert not products.user_has_permission_for_instance(user, "change", shop.product_b)
    assert set(products.instances_user_has_permission_for(user, "change")) == {shop.product_a, shop.product_a2}
    order_b = place(shop.product_b, "B")
    from marketplace.models import Fulfilment, Order

    administrator = make_user(roles.ADMINISTRATOR)
    assert OrderPermissionPolicy(Order).user_has_permission_for_instance(administrator, "change", order_b)
    assert not OrderPermissionPolicy(Order).user_has_permission_for_instance(administrator, "delete", order_b)
    assert not FulfilmentPermissionPolicy(Fulfilment).user_has_permission(administrator, "add")
    assert not OrderPermissionPolicy(Order).user_has_permission_for_instance(user, "change", order_b)


def test_every_scoped_model_has_its_policy_registered():
    """The admin, Wagtail's URL finder and the log reports ask the registry: never a fallback."""
    from wagtail.permissions import policy_registry

    from marketplace.models import Fulfilment, Order
    from marketplace.permissions import QuotePermissionPolicy
    from networks.models import Member
    from networks.permissions import MemberPermissionPolicy
    from training.models import CourseSession, Enrolment
    from training.permissions import CourseSessionPermissionPolicy, EnrolmentPermissionPolicy

    expected = {
        Product: ProductPermissionPolicy,
        Order: OrderPermissionPolicy,
        Fulfilment: FulfilmentPermissionPolicy,
        Quote: QuotePermissionPolicy,
        Member: MemberPermissionPolicy,
        CourseSession: CourseSessionPermissionPolicy,
        Enrolment: EnrolmentPermissionPolicy,
    }
    for model, policy_class in expected.items():
        assert type(policy_registry.get_by_type(model)) is policy_class, model
