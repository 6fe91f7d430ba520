"""A market day of a producer group in Chromium, on a phone, in Khmer (issue 14): a trader asks
for a quote on the group's pooled rice lot, the coordinator answers, the trader accepts for
pickup, the order lands on that day's pick list, the coordinator marks it collected and paid,
and the member ledger shows each contributor's share (first in, first out). axe-core checks
every screen on the way."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def market_day(transactional_db):
    from accounts.demo import ensure_roles
    from cms.demo import seed_pages
    from tests.factories.accounts import PASSWORD, UserFactory
    from tests.factories.grouptrade import contribute, contributor, pooled_lot
    from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory, PickupSlotFactory

    ensure_roles()
    seed_pages(log=lambda *args: None)
    group = GroupFactory(name_km="ក្រុមអ្នកដាំស្រូវ", name_en="Rice growers")
    for weekday in (2, 5):  # Wednesday and Saturday mornings
        PickupSlotFactory(collection_point=group.collection_point, weekday=weekday)
    coordinator = UserFactory(username="sreymom", roles=["Group coordinator"])
    MembershipFactory(member=MemberFactory(user=coordinator, name_km="ស្រីមុំ"), group=group, role="leader")
    lot = pooled_lot(group=group, price="1.00", title_km="អង្ករផ្កាម្លិះ", title_en="Jasmine rice")
    today = timezone.localdate()
    farmers = [contributor(group, name_km=name) for name in ("សុខា", "ដារា", "ចាន់")]
    for farmer, kg, days_ago in zip(farmers, (30, 20, 10), (3, 2, 1), strict=True):
        contribute(lot, farmer, kg, day=today - datetime.timedelta(days=days_ago))
    trader = UserFactory(username="vireak", roles=["Buyer"], first_name="វីរៈ", phone="012777888")
    return {"group": group, "lot": lot, "farmers": farmers, "password": PASSWORD, "trader": trader}


def sign_in(page, base, username, password, next_path):
    page.goto(f"{base}/km/accounts/sign-in/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}{next_path}")


def test_a_coordinator_runs_a_market_day_from_a_phone_in_khmer(live_server, chromium, market_day, axe_check):
    from marketplace import money
    from marketplace.models import Fulfilment, Order, Quote

    base = live_server.url
    lot, group, password = market_day["lot"], market_day["group"], market_day["password"]
    product = lot.product
    trader = chromium.new_context(locale="km-KH", viewport=PHONE).new_page()
    coordinator = chromium.new_context(locale="km-KH", viewport=PHONE).new_page()
    for browser_page in (trader, coordinator):
        browser_page.set_default_timeout(15_000)

    # 1. The trader asks for 40 kg on the product page.
    product_path = f"/km/market/p/{product.pk}-{product.slug}/"
    sign_in(trader, base, "vireak", password, product_path)
    assert trader.locator("html").get_attribute("lang") == "km"
    quote_form = trader.locator("form", has=trader.locator("#id_quote_quantity"))
    trader.fill("#id_quote_quantity", "40")
    trader.fill("#id_quote_message", "សម្រាប់ហាងបាយនៅផ្សារលើ")
    quote_form.locator("button[type=submit]").click()
    trader.wait_for_url("**/km/market/quotes/**")
    quote = Quote.objects.get()
    assert quote.status == Quote.Status.REQUESTED and quote.group_id == group.pk
    axe_check(trader)

    # 2. The coordinator offers 40 kg at 0.80 from her phone.
    offer_path = f"/km/my-shop/quotes/{quote.pk}/"
    sign_in(coordinator, base, "sreymom", password, offer_path)
    axe_check(coordinator)
    offer_form = coordinator.locator(f"form[action$='{offer_path}']")
    offer_form.locator("input[name=unit_price]").fill("0.80")
    offer_form.locator("input[name=quantity]").fill("40")
    offer_form.locator("button[type=submit]").click()
    coordinator.wait_for_load_state()
    quote.refresh_from_db()
    assert quote.status == Quote.Status.OFFERED and quote.unit_price == Decimal("0.80")

    # 3. The trader accepts for pickup on the first day offered, paying at pickup.
    trader.goto(f"{base}/km/market/quotes/{quote.pk}/")
    accept_form = trader.locator("form[action$='/accept/']")
    accept_form.locator("input[name=delivery_method][value=pickup]").check()
    first_day = accept_form.locator(f"input[name=pickup_{group.pk}]").first
    day = datetime.date.fromisoformat(first_day.get_attribute("value"))
    first_day.check()
    accept_form.locator("input[name=payment_method][value=pay_at_pickup]").check()
    axe_check(trader)
    accept_form.locator("button[type=submit]").click()
    trader.wait_for_url("**/km/market/orders/**")
    order = Order.objects.get()
    part = Fulfilment.objects.get(order=order)
    assert part.pickup_on == day and order.total == Decimal("32.00")
    assert order.reference in trader.locator("main").inner_text()
    axe_check(trader)

    # 4. The order is on that day's pick list; the coordinator marks it collected and paid.
    coordinator.goto(f"{base}/km/my-shop/pickups/")
    coordinator.locator(f"main a[href$='/my-shop/pickups/{day.isoformat()}/']").click()
    coordinator.wait_for_url(f"**/my-shop/pickups/{day.isoformat()}/")
    assert order.reference in coordinator.locator("main").inner_text()
    axe_check(coordinator)
    coordinator.locator(f"form[action$='/my-shop/pickups/collected/{part.pk}/'] button[type=submit]").click()
    coordinator.wait_for_load_state()
    part.refresh_from_db()
    order.refresh_from_db()
    assert part.status == Fulfilment.Status.DELIVERED and order.paid_at is not None

    # 5. The ledger shows each contributor's share: the 30 kg brought first, then 10 of the 20 kg.
    coordinator.goto(f"{base}/km/my-shop/ledger/")
    axe_check(coordinator)
    first, second, third = market_day["farmers"]
    with translation.override("km"):
        shares = {
            first.pk: money.format_money(Decimal("24.00")),
            second.pk: money.format_money(Decimal("8.00")),
        }
    for member_id, share in shares.items():
        assert share in coordinator.locator(f"#ledger-{group.pk}-{member_id}").inner_text()
    third_row = coordinator.locator(f"#ledger-{group.pk}-{third.pk}")
    if third_row.count():  # her 10 kg were not reached: nothing attributed to her
        assert shares[first.pk] not in third_row.inner_text() and shares[second.pk] not in third_row.inner_text()
