"""Trader quotes (issue 14): request → the group's offer → accepted as an order at the quoted
price, with stock reserved as any order. Expired, declined or withdrawn quotes change nothing;
accepting twice makes one order."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace import services
from marketplace.exceptions import CheckoutError, MarketplaceError
from marketplace.grouptrade.models import Attribution
from marketplace.models import Order, Product, Quote
from tests.factories.grouptrade import contribute, contributor, pooled_lot
from tests.factories.marketplace import CategoryFactory, place_order

pytestmark = pytest.mark.django_db

SHOP = "/km/my-shop/"
QUOTES = "/km/market/quotes/"


def ask(product, quantity="50", *, user=None, **fields) -> Quote:
    quote = Quote(name="Angkor Hotel", phone="012 345 678", quantity=Decimal(quantity), message="For the kitchen")
    for name, value in fields.items():
        setattr(quote, name, value)
    return services.quote_request(quote=quote, product=product, user=user)


def offer(quote, *, product=None, price="1.00", quantity="50", valid=datetime.timedelta(days=3), **kwargs) -> Quote:
    return services.quote_offer(
        quote=quote,
        product=product or quote.product,
        unit_price=Decimal(price),
        quantity=Decimal(quantity),
        valid_until=timezone.now() + valid,
        **kwargs,
    )


def accept(quote, **kwargs) -> Order:
    return services.quote_accept(
        quote=quote, **{"payment_method": "cash_on_delivery", "delivery_method": "pickup", **kwargs}
    )


def stock_of(product) -> Decimal:
    return Product.objects.get(pk=product.pk).stock


# --- services ---------------------------------------------------------------------------------


def test_an_accepted_quote_reserves_stock_at_the_quoted_price(shop):
    quote = offer(ask(shop.product_a), price="1.00", quantity="50")  # list price 1.20
    order = accept(quote)
    assert stock_of(shop.product_a) == Decimal("50")
    line = order.lines.get()
    assert (line.unit_price, line.quantity, line.line_total) == (Decimal("1.00"), Decimal("50"), Decimal("50.00"))
    assert order.total == Decimal("50.00")
    assert order.buyer_phone == quote.phone and order.buyer_name == "Angkor Hotel"
    quote.refresh_from_db()
    assert quote.status == Quote.Status.ACCEPTED and quote.order == order and quote.accepted_at


def test_accepting_twice_creates_one_order(shop):
    quote = offer(ask(shop.product_a), quantity="30")
    first = accept(quote)
    second = accept(quote, delivery_method="delivery", delivery_address="Elsewhere")
    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert stock_of(shop.product_a) == Decimal("70")


def test_an_expired_quote_cannot_be_accepted(shop):
    quote = offer(ask(shop.product_a))
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.now() - datetime.timedelta(minutes=1))
    quote.refresh_from_db()
    assert quote.current_status == Quote.Status.EXPIRED  # before the expiry job has run
    with pytest.raises(MarketplaceError, match="expired"):
        accept(quote)
    assert services.quotes_expire() == 1
    assert services.quotes_expire() == 0  # running it again changes nothing
    quote.refresh_from_db()
    assert quote.status == Quote.Status.EXPIRED
    with pytest.raises(MarketplaceError):
        accept(quote)
    assert Order.objects.count() == 0 and stock_of(shop.product_a) == Decimal("100")


@pytest.mark.parametrize("how", ["declined", "withdrawn", "requested"])
def test_declined_withdrawn_or_unanswered_quotes_cannot_be_accepted(shop, how):
    quote = ask(shop.product_a)
    if how == "declined":
        offer(quote)
        services.quote_decline(quote=quote, reason="Sold to the mill")
    elif how == "withdrawn":
        offer(quote)
        services.quote_withdraw(quote=quote)
    with pytest.raises(MarketplaceError):
        accept(quote)
    quote.refresh_from_db()
    assert quote.status == how and quote.order is None
    assert Order.objects.count() == 0 and stock_of(shop.product_a) == Decimal("100")


def test_short_stock_refuses_the_accept_and_writes_nothing(shop):
    quote = offer(ask(shop.product_a), quantity="50")
    place_order((shop.product_a, "60"))  # someone else bought most of it meanwhile
    with pytest.raises(CheckoutError) as refused:
        accept(quote)
    assert any("Only 40" in str(problem) for problem in refused.value.problems)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.OFFERED and quote.order is None
    assert Order.objects.count() == 1 and stock_of(shop.product_a) == Decimal("40")


def test_the_minimum_order_does_not_block_the_quantity_the_group_offered(shop):
    Product.objects.filter(pk=shop.product_a.pk).update(minimum_order=Decimal("100"))
    shop.product_a.refresh_from_db()
    order = accept(offer(ask(shop.product_a), quantity="20"))
    assert order.lines.get().quantity == Decimal("20")


def test_a_cart_cannot_claim_a_quoted_price(shop):
    """Only quote_accept builds quoted lines: a cart line read from data never carries one."""
    order = services.order_place(
        cart_lines=[{"product_id": shop.product_a.pk, "quantity": "2", "quoted_price": "0.01"}],
        buyer_name="X",
        buyer_phone="012345678",
        delivery_method="pickup",
        payment_method="cash_on_delivery",
    )
    assert order.lines.get().unit_price == Decimal("1.20")


def test_accepting_a_pooled_lot_quote_attributes_the_sale(shop):
    lot = pooled_lot(group=shop.group_a, price="2.50")
    member = contributor(shop.group_a)
    contribute(lot, member, "30")
    quote = offer(ask(lot.product, "10"), price="2.00", quantity="10")
    order = accept(quote)
    attributions = list(Attribution.objects.filter(order_line__order=order))
    assert sum(a.quantity for a in attributions) == Decimal("10")
    assert sum(a.amount for a in attributions) == Decimal("20.00")  # at the quoted price
    assert stock_of(lot.product) == Decimal("20")


def test_the_group_revises_its_offer_while_it_is_offered(shop):
    quote = offer(ask(shop.product_a), price="1.10")
    quote = offer(quote, price="1.05", quantity="40", note="Best price")
    assert (quote.unit_price, quote.offered_quantity, quote.reply) == (Decimal("1.05"), Decimal("40"), "Best price")
    assert accept(quote).total == Decimal("42.00")
    with pytest.raises(MarketplaceError):
        offer(quote, price="0.50")  # accepted: no more revisions


def test_an_offer_must_be_one_of_the_groups_products_valid_in_the_future(shop):
    quote = ask(shop.product_a)
    with pytest.raises(MarketplaceError, match="your group's products"):
        offer(quote, product=shop.product_b)
    with pytest.raises(MarketplaceError, match="future"):
        offer(quote, valid=-datetime.timedelta(hours=1))
    with pytest.raises(MarketplaceError, match="whole"):
        offer(quote, product=shop.product_a2, quantity="1.5")  # sold by the piece
    quote.refresh_from_db()
    assert quote.status == Quote.Status.REQUESTED and quote.unit_price is None


def test_a_category_request_is_offered_with_one_of_the_groups_products(shop):
    quote = services.quote_request(
        quote=Quote(name="Trader", phone="012345678", quantity=Decimal("5")),
        category=shop.product_a2.category,
        group=shop.group_a,
    )
    assert quote.product is None and quote.group == shop.group_a
    order = accept(offer(quote, product=shop.product_a2, price="4.50", quantity="5"))
    assert order.lines.get().product == shop.product_a2
    with pytest.raises(MarketplaceError):
        services.quote_request(quote=Quote(name="T", phone="012345678", quantity=Decimal("1")))


def test_a_request_needs_a_phone_we_can_call(shop):
    with pytest.raises(MarketplaceError, match="phone"):
        ask(shop.product_a, phone="12")
    assert Quote.objects.count() == 0


def test_an_old_inquiry_is_a_request_the_group_can_still_price(shop):
    """Migrated inquiries (open or answered in words) are `requested`: an offer can follow."""
    quote = Quote.objects.create(
        group=shop.group_a, product=shop.product_a, name="Old", phone="012", quantity=5, reply="Maybe in March"
    )
    assert quote.access_token and quote.can_be_answered
    assert offer(quote, quantity="5").status == Quote.Status.OFFERED


def test_offers_and_refusals_tell_the_trader(shop, django_capture_on_commit_callbacks, mailoutbox):
    quote = ask(shop.product_a, email="hotel@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        offer(quote)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_decline(quote=quote, reason="The buyer before you took it all")
    bodies = [message.body for message in mailoutbox if "hotel@example.com" in message.to]
    assert len(bodies) == 2
    assert quote.token_url() in bodies[0] and "The buyer before you took it all" in bodies[1]


# --- trader pages -----------------------------------------------------------------------------


def test_a_request_from_the_product_page_goes_to_the_products_group(client, site_pages, shop):
    response = client.post(
        f"/km/market/p/{shop.product_b.pk}/quote/",
        {"name": "Hotel", "phone": "012 999 888", "quantity": "40", "target_price": "10.50", "group": shop.group_a.pk},
    )
    quote = Quote.objects.get()
    assert quote.group == shop.group_b and quote.product == shop.product_b  # the tampered group is ignored
    assert quote.target_price == Decimal("10.50") and quote.status == Quote.Status.REQUESTED
    assert response.status_code == 302 and response["Location"] == quote.token_url()
    bad = client.post(f"/km/market/p/{shop.product_b.pk}/quote/", {"name": "", "phone": "1", "quantity": "-3"})
    assert bad.status_code == 400 and Quote.objects.count() == 1


def test_a_category_request_page(client, site_pages, shop):
    assert client.get(QUOTES + "new/").status_code == 200
    category = CategoryFactory(slug="rice", name_en="Rice")
    data = {"category": category.pk, "group": shop.group_b.pk, "name": "Hotel", "phone": "012999888", "quantity": "3"}
    response = client.post(QUOTES + "new/", data)
    quote = Quote.objects.get()
    assert (quote.category, quote.group, quote.product) == (category, shop.group_b, None)
    assert response["Location"] == quote.token_url()
    assert client.post(QUOTES + "new/", {**data, "quantity": "abc"}).status_code == 400
    assert Quote.objects.count() == 1


def test_a_quote_page_needs_its_token_or_its_traders_account(client, shop, make_user):
    trader_a, trader_b = make_user("Buyer"), make_user("Buyer")
    quote = ask(shop.product_a, user=trader_a)
    url = f"{QUOTES}{quote.pk}/"
    assert client.get(url).status_code == 404
    assert client.get(url + "?token=wrong").status_code == 404
    assert client.get(quote.token_url()).status_code == 200
    client.force_login(trader_b)
    assert client.get(url).status_code == 404  # another trader's quote
    assert "Angkor Hotel" not in client.get(QUOTES).content.decode()
    client.force_login(trader_a)
    assert client.get(url).status_code == 200
    assert url in client.get(QUOTES).content.decode()


def test_my_quotes_needs_an_account(client):
    response = client.get(QUOTES)
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_the_trader_accepts_by_her_link_once(client, shop):
    quote = offer(ask(shop.product_a), price="1.00", quantity="10")
    page = client.get(quote.token_url()).content.decode()
    assert "Accept" in page or "ទទួល" in page
    data = {"token": quote.access_token, "delivery_method": "pickup", "payment_method": "cash_on_delivery"}
    assert client.post(f"{QUOTES}{quote.pk}/accept/", {**data, "token": "wrong"}).status_code == 404
    first = client.post(f"{QUOTES}{quote.pk}/accept/", data)
    order = Order.objects.get()
    assert first.status_code == 302 and first["Location"] == order.get_absolute_url()
    client.post(f"{QUOTES}{quote.pk}/accept/", data)
    assert Order.objects.count() == 1 and stock_of(shop.product_a) == Decimal("90")


def test_bad_accept_input_gets_a_message_and_writes_nothing(client, shop):
    quote = offer(ask(shop.product_a), quantity="10")
    data = {"token": quote.access_token, "delivery_method": "delivery", "payment_method": "cash_on_delivery"}
    response = client.post(f"{QUOTES}{quote.pk}/accept/", data)  # delivery without an address
    assert response.status_code == 400 and Order.objects.count() == 0
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.now() - datetime.timedelta(minutes=1))
    data = {**data, "delivery_method": "pickup"}
    response = client.post(f"{QUOTES}{quote.pk}/accept/", data, follow=True)
    assert response.status_code == 200 and Order.objects.count() == 0
    assert any("expired" in str(m) or "ផុតកំណត់" in str(m) for m in response.context["messages"])


def test_short_stock_at_accept_shows_the_problem(client, shop):
    quote = offer(ask(shop.product_a), quantity="50")
    place_order((shop.product_a, "60"))
    data = {"token": quote.access_token, "delivery_method": "pickup", "payment_method": "cash_on_delivery"}
    response = client.post(f"{QUOTES}{quote.pk}/accept/", data)
    assert response.status_code == 409 and Order.objects.count() == 1


def test_the_trader_withdraws(client, shop):
    quote = ask(shop.product_a)
    response = client.post(f"{QUOTES}{quote.pk}/withdraw/", {"token": quote.access_token})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == Quote.Status.WITHDRAWN
    other = ask(shop.product_a)
    assert client.post(f"{QUOTES}{other.pk}/withdraw/").status_code == 404  # no token
    assert client.get(f"{QUOTES}{other.pk}/withdraw/").status_code == 405
    other.refresh_from_db()
    assert other.status == Quote.Status.REQUESTED


# --- My shop ----------------------------------------------------------------------------------


def offer_data(shop, **overrides):
    valid = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    return {"product": shop.product_a.pk, "unit_price": "1.10", "quantity": "40", "valid_until": valid, **overrides}


def test_the_group_offers_from_my_shop(client, shop):
    quote = ask(shop.product_a)
    client.force_login(shop.producer_a_user)
    assert client.get(f"{SHOP}quotes/{quote.pk}/").status_code == 200
    response = client.post(f"{SHOP}quotes/{quote.pk}/", offer_data(shop, note="Delivered Saturday"))
    assert response.status_code == 302
    quote.refresh_from_db()
    assert (quote.status, quote.unit_price, quote.offered_quantity) == ("offered", Decimal("1.10"), Decimal("40"))
    assert quote.replied_by == shop.producer_a_user and quote.reply == "Delivered Saturday"


@pytest.mark.parametrize(
    "bad",
    [
        {"unit_price": "abc"},
        {"unit_price": "-1"},
        {"quantity": ""},
        {"valid_until": "2001-01-01T10:00"},
        {"valid_until": "tomorrow"},
        {"product": "999999"},
    ],
)
def test_bad_offers_get_messages_not_errors(client, shop, bad):
    quote = ask(shop.product_a)
    client.force_login(shop.producer_a_user)
    response = client.post(f"{SHOP}quotes/{quote.pk}/", offer_data(shop, **bad))
    assert response.status_code == 400
    quote.refresh_from_db()
    assert quote.status == Quote.Status.REQUESTED


def test_a_group_cannot_offer_another_groups_product(client, shop):
    quote = ask(shop.product_a)
    client.force_login(shop.producer_a_user)
    response = client.post(f"{SHOP}quotes/{quote.pk}/", offer_data(shop, product=shop.product_b.pk))
    assert response.status_code == 400
    quote.refresh_from_db()
    assert quote.status == Quote.Status.REQUESTED


def test_group_b_cannot_see_or_answer_group_as_quote(client, shop):
    quote = ask(shop.product_a)
    client.force_login(shop.producer_b_user)
    assert client.get(f"{SHOP}quotes/{quote.pk}/").status_code == 404
    assert client.post(f"{SHOP}quotes/{quote.pk}/", offer_data(shop)).status_code == 404
    assert client.post(f"{SHOP}quotes/{quote.pk}/decline/", {"reason": "No"}).status_code == 404
    assert "Angkor Hotel" not in client.get(f"{SHOP}quotes/?show=all").content.decode()
    quote.refresh_from_db()
    assert quote.status == Quote.Status.REQUESTED


def test_the_group_declines_with_a_reason(client, shop):
    quote = ask(shop.product_a)
    client.force_login(shop.coordinator_user)
    client.post(f"{SHOP}quotes/{quote.pk}/decline/", {"reason": ""})
    quote.refresh_from_db()
    assert quote.status == Quote.Status.REQUESTED
    client.post(f"{SHOP}quotes/{quote.pk}/decline/", {"reason": "No rice until the harvest"})
    quote.refresh_from_db()
    assert quote.status == Quote.Status.DECLINED and quote.reply == "No rice until the harvest"
    # A closed quote has no forms any more, and a late POST changes nothing.
    assert client.post(f"{SHOP}quotes/{quote.pk}/", offer_data(shop)).status_code == 302
    quote.refresh_from_db()
    assert quote.status == Quote.Status.DECLINED


def test_the_old_inquiries_addresses_lead_to_the_quotes(client, shop):
    client.force_login(shop.producer_a_user)
    assert client.get(f"{SHOP}inquiries/")["Location"].endswith("/my-shop/quotes/")
    assert client.get(f"{SHOP}inquiries/7/")["Location"].endswith("/my-shop/quotes/7/")


# --- query counts -----------------------------------------------------------------------------


def _many_quotes(shop, user, count):
    for index in range(count):
        quote = ask(shop.product_a if index % 2 else shop.product_a2, "2", user=user)
        if index % 3 == 0:
            offer(quote, product=quote.product, quantity="2")


def test_the_traders_quote_list_runs_a_constant_number_of_queries(
    client, shop, make_user, django_assert_max_num_queries
):
    trader = make_user("Buyer")
    client.force_login(trader)
    _many_quotes(shop, trader, 3)
    with django_assert_max_num_queries(12) as few:
        client.get(QUOTES)
    _many_quotes(shop, trader, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(QUOTES)
    assert len(re.findall(r'href="/km/market/quotes/\d+/"', response.content.decode())) == 18


def test_the_shops_quote_list_runs_a_constant_number_of_queries(client, shop, django_assert_max_num_queries):
    client.force_login(shop.coordinator_user)
    _many_quotes(shop, None, 3)
    with django_assert_max_num_queries(20) as few:
        client.get(f"{SHOP}quotes/?show=all")
    _many_quotes(shop, None, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"{SHOP}quotes/?show=all")
    assert response.content.decode().count('class="shop-order"') == 18


def test_accepting_for_pickup_offers_the_groups_next_days_and_books_one(client, shop):
    """The accepted quote lands on the pick list of the day the trader chose; an invented day is
    refused and nothing is written."""
    from tests.factories.networks import PickupSlotFactory

    point = shop.product_a.group.collection_point
    for weekday in (2, 5):
        PickupSlotFactory(collection_point=point, weekday=weekday)
    quote = offer(ask(shop.product_a), price="1.00", quantity="10")
    field = f"pickup_{shop.product_a.group_id}"
    page = client.get(quote.token_url()).content.decode()
    offered = re.findall(rf'name="{field}" value="(\d{{4}}-\d{{2}}-\d{{2}})"', page)
    assert len(offered) == 4 and all(datetime.date.fromisoformat(day).weekday() in (2, 5) for day in offered)
    data = {"token": quote.access_token, "delivery_method": "pickup", "payment_method": "cash_on_delivery"}
    monday = datetime.date.fromisoformat(offered[0]) + datetime.timedelta(
        days=(7 - datetime.date.fromisoformat(offered[0]).weekday())
    )
    response = client.post(f"{QUOTES}{quote.pk}/accept/", {**data, field: monday.isoformat()})
    assert response.status_code == 400 and Order.objects.count() == 0
    response = client.post(f"{QUOTES}{quote.pk}/accept/", {**data, field: offered[1]})
    order = Order.objects.get()
    assert response.status_code == 302
    assert order.fulfilments.get().pickup_on == datetime.date.fromisoformat(offered[1])
