"""Minors (under 18 in the registry) are never producers, contributors or payees (issue #14,
part 6): every form that picks such a member refuses one with the reason next to the field,
answers 4xx (or the admin's 200 with errors), and writes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketplace.exceptions import MarketplaceError
from marketplace.forms import ShopProductForm
from marketplace.grouptrade.exceptions import GroupTradeError
from marketplace.grouptrade.models import Contribution
from marketplace.grouptrade.services import contribution_add, payout_record
from marketplace.models import Product
from marketplace.services import product_create_draft
from networks.forms import AdultMemberChoiceField
from networks.models import Member
from tests.factories.grouptrade import pooled_lot
from tests.factories.marketplace import shop_product_data as product_data
from tests.factories.networks import MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MESSAGE = "A minor (under 18 in the registry) cannot sell on the market"


@pytest.fixture
def minor(shop):
    """A 12-year-old member of group A (the coordinator's group)."""
    member = MemberFactory(birth_year=timezone.localdate().year - 12)
    MembershipFactory(member=member, group=shop.group_a)
    return member


def test_adults_queryset_is_the_sql_twin_of_is_minor(shop, minor):
    today = timezone.localdate()
    boundary = MemberFactory(birth_year=today.year - 18)  # turns 18 this year: still a minor
    adult = MemberFactory(birth_year=today.year - 19)
    adults = set(Member.objects.adults())
    assert minor not in adults and boundary not in adults and adult in adults
    assert all(not member.is_minor for member in adults)


def test_my_shop_form_refuses_a_minor_with_the_reason(client, shop, minor):
    client.force_login(shop.coordinator_user)
    form = client.get("/en/my-shop/products/add/").context["form"]
    assert minor not in form.fields["producer"].queryset  # never offered
    response = client.post("/en/my-shop/products/add/", product_data(shop, producer=minor.pk))
    assert response.status_code == 400
    assert MESSAGE in response.context["form"].errors["producer"][0]
    assert MESSAGE in response.content.decode()
    assert not Product.objects.filter(title_en="Cucumber").exists()


def test_my_shop_edit_refuses_moving_a_product_to_a_minor(client, shop, minor):
    client.force_login(shop.coordinator_user)
    url = f"/en/my-shop/products/{shop.product_a2.pk}/"
    response = client.post(url, product_data(shop, producer=minor.pk, title_en="Changed"))
    assert response.status_code == 400 and MESSAGE in response.context["form"].errors["producer"][0]
    shop.product_a2.refresh_from_db()
    assert shop.product_a2.producer == shop.member_a2 and shop.product_a2.title_en == "Krama A2"


def test_my_shop_form_in_khmer_gives_the_reason_in_khmer(client, shop, minor):
    client.force_login(shop.coordinator_user)
    response = client.post("/km/my-shop/products/add/", product_data(shop, producer=minor.pk))
    assert response.status_code == 400
    error = response.context["form"].errors["producer"][0]
    assert MESSAGE not in error and error.strip()


def test_someone_outside_the_scope_still_gets_the_ordinary_refusal(shop):
    outsider = MemberFactory(birth_year=timezone.localdate().year - 12)  # a minor of no group of hers
    scope = Member.objects.filter(memberships__group=shop.group_a)
    field = AdultMemberChoiceField(scope)
    with pytest.raises(ValidationError) as refused:
        field.clean(str(outsider.pk))
    assert refused.value.code == "invalid_choice"
    with pytest.raises(ValidationError):
        field.clean("not a number")


def test_admin_product_form_refuses_a_minor_with_the_reason(client, shop, minor, make_user):
    client.force_login(make_user("Editor"))
    url = f"/admin/market_product/edit/{shop.product_a.pk}/"
    form = client.get(url).context["form"]
    assert minor not in form.fields["producer"].queryset
    data = {name: value for name, value in form.initial.items() if value is not None and name != "photos"}
    data.update(
        {
            "producer": minor.pk,
            "group": shop.group_a.pk,
            "category": shop.product_a.category.pk,
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
            "photos-MIN_NUM_FORMS": "0",
            "photos-MAX_NUM_FORMS": "6",
        }
    )
    data.pop("available_from", None)
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert MESSAGE in response.context["form"].errors["producer"][0]
    shop.product_a.refresh_from_db()
    assert shop.product_a.producer == shop.producer_a


def test_product_model_and_service_refuse_a_minor_producer(shop, minor):
    product = Product(
        group=shop.group_a,
        producer=minor,
        category=shop.product_a.category,
        title_km="x",
        price=Decimal("1"),
    )
    with pytest.raises(ValidationError) as refused:
        product.full_clean()
    assert MESSAGE in refused.value.message_dict["producer"][0]
    with pytest.raises(MarketplaceError):
        product_create_draft(product=product, user=shop.coordinator_user)
    assert not Product.objects.filter(producer=minor).exists()


def test_the_shop_form_class_lists_adults_only(shop, minor):
    producers = Member.objects.filter(memberships__group=shop.group_a)
    form = ShopProductForm(
        data=product_data(shop, producer=minor.pk),
        groups=shop.group_a.__class__.objects.filter(pk=shop.group_a.pk),
        producers=producers,
    )
    assert not form.is_valid() and MESSAGE in form.errors["producer"][0]


def test_contribution_and_payout_services_refuse_a_minor(shop, minor):
    lot = pooled_lot(group=shop.group_a)
    with pytest.raises(GroupTradeError):
        contribution_add(lot=lot, member=minor, quantity=Decimal("3"), actor=shop.coordinator_user)
    with pytest.raises(GroupTradeError):
        payout_record(member=minor, group=shop.group_a, amount=Decimal("1"), actor=shop.coordinator_user)
    assert not Contribution.objects.filter(member=minor).exists()
