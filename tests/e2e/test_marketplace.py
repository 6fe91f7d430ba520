"""The marketplace end to end in Chromium: a buyer filters the catalog, orders from two producer
groups in one cart, gets a confirmation; each group's producer signs in to My shop and sees and
fulfils only its part. axe-core checks the catalog, product, cart and checkout pages."""

from decimal import Decimal

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def market(transactional_db):
    from accounts.demo import ensure_roles
    from cms.demo import seed_pages
    from tests.factories.accounts import PASSWORD, UserFactory
    from tests.factories.marketplace import CategoryFactory, ProductFactory
    from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory

    ensure_roles()
    seed_pages(log=lambda *args: None)
    category = CategoryFactory(slug="vegetables", name_km="បន្លែ", name_en="Vegetables")
    groups, users = [], []
    for letter in "AB":
        group = GroupFactory(name_km=f"ក្រុម{letter}", name_en=f"Group {letter}")
        user = UserFactory(username=f"producer{letter.lower()}", roles=["Producer"])
        member = MemberFactory(user=user)
        MembershipFactory(member=member, group=group)
        groups.append(group)
        users.append(user)
    rice = ProductFactory(
        group=groups[0],
        producer=users[0].member,
        category=category,
        title_en="Jasmine rice",
        title_km="អង្ករផ្កាម្លិះ",
        price=Decimal("1.20"),
        photos=1,
    )
    silk = ProductFactory(
        group=groups[1],
        producer=users[1].member,
        category=category,
        title_en="Silk scarf",
        title_km="ក្រមាសូត្រ",
        unit="piece",
        price=Decimal("15.00"),
        photos=1,
    )
    ProductFactory(group=groups[1], producer=users[1].member, category=category, title_en="Cucumbers", title_km="ត្រសក់")
    return {"groups": groups, "users": users, "rice": rice, "silk": silk, "password": PASSWORD}


def sign_in(page, base, username, password):
    page.goto(f"{base}/en/accounts/sign-in/?next=/en/my-shop/orders/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/en/my-shop/orders/")


def test_buyer_orders_from_two_groups_and_each_group_fulfils_its_part(
    live_server, page, market, axe_check, chromium, artifacts_dir
):
    base = live_server.url
    group_a, group_b = market["groups"]

    # Filter by producer group A, open the rice and add 3 kg.
    page.goto(f"{base}/en/market/")
    axe_check(page)
    page.locator(".more-filters summary").click()
    page.select_option("#id_group", str(group_a.pk))
    page.get_by_role("button", name="Show products").click()
    page.screenshot(path=f"{artifacts_dir}/market-catalog.png", full_page=True)
    cards = page.locator(".product-card h3")
    assert cards.all_inner_texts() == ["Jasmine rice"]
    cards.first.locator("a").click()
    axe_check(page)
    page.fill("#id_quantity", "3")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(f"{base}/en/market/cart/")

    # Keyword search finds the silk (group B); add 2 pieces.
    page.goto(f"{base}/en/market/?q=silk")
    page.locator(".product-card h3 a").first.click()
    page.fill("#id_quantity", "2")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(f"{base}/en/market/cart/")
    assert page.locator(".cart-group h2").all_inner_texts() == ["Group A", "Group B"]
    axe_check(page)

    page.get_by_role("link", name="Check out").click()
    axe_check(page)
    page.fill("#id_buyer_name", "Angkor Garden Hotel")
    page.fill("#id_buyer_phone", "012 345 678")
    page.fill("#id_buyer_email", "kitchen@example.org")
    page.get_by_label("Delivery to my address").check()
    page.fill("#id_delivery_address", "Sala Kamreuk, Siem Reap")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/market/orders/**")
    assert "Confirmed" in page.locator(".order-status").inner_text()
    reference = page.locator("h1").inner_text().split()[-1]
    assert page.locator(".cart-total").inner_text().startswith("Total: $33.60")
    axe_check(page)

    # Each group's producer sees only their part, and marks it ready then delivered.
    for user, mine, theirs in (
        (market["users"][0], "Jasmine rice", "Silk scarf"),
        (market["users"][1], "Silk scarf", "Jasmine rice"),
    ):
        context = chromium.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
        producer_page = context.new_page()
        sign_in(producer_page, base, user.username, market["password"])
        order_card = producer_page.locator(".shop-order", has_text=reference)
        assert order_card.count() == 1
        assert mine in order_card.inner_text() and theirs not in order_card.inner_text()
        producer_page.screenshot(path=f"{artifacts_dir}/market-my-shop-{user.username}.png", full_page=True)
        order_card.get_by_role("button", name="Mark ready").click()
        producer_page.locator(".shop-order", has_text=reference).get_by_role("button", name="Mark delivered").click()
        assert producer_page.locator(".messages").inner_text().strip()
        context.close()

    from marketplace.models import Order

    order = Order.objects.get(reference=reference)
    assert order.status == Order.Status.DELIVERED
    assert set(order.fulfilments.values_list("status", flat=True)) == {"delivered"}
