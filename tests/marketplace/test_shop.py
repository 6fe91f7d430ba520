"""My shop: the role matrix (who sees and changes what) and bad uploads."""

import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from marketplace.models import Fulfilment, Order, Product, Quote
from tests.factories.marketplace import place_order, png_bytes
from tests.factories.marketplace import shop_product_data as product_data

pytestmark = pytest.mark.django_db

SHOP = "/km/my-shop/"


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("buyer", 403), ("unlinked_producer", 403)])
def test_only_linked_producers_enter_my_shop(client, shop, make_user, who, status):
    if who == "buyer":
        client.force_login(make_user("Buyer"))
    elif who == "unlinked_producer":
        client.force_login(make_user("Producer"))  # no registry member linked
    for url in (SHOP, SHOP + "products/", SHOP + "orders/", SHOP + "quotes/", SHOP + "products/add/"):
        assert client.get(url).status_code == status


def test_producer_a_sees_only_own_groups_products_orders_and_quotes(client, shop):
    order = place_order(shop.product_a, shop.product_b)
    Quote.objects.create(
        group=shop.group_b, product=shop.product_b, name="Trader B", phone="012", quantity=5, message="?"
    )
    Quote.objects.create(
        group=shop.group_a, product=shop.product_a, name="Trader A", phone="012", quantity=5, message="?"
    )
    client.force_login(shop.producer_a_user)
    products = client.get(SHOP + "products/").content.decode()
    assert shop.product_a.title_km in products
    assert shop.product_b.title_km not in products
    assert shop.product_a2.title_km not in products  # another member's product: coordinator only
    orders = client.get(SHOP + "orders/").content.decode()
    assert order.reference in orders and shop.product_b.title_km not in orders
    quotes = client.get(SHOP + "quotes/").content.decode()
    assert "Trader A" in quotes and "Trader B" not in quotes


def test_producer_a_cannot_change_group_bs_things(client, shop):
    order = place_order(shop.product_b)
    part_b = order.fulfilments.get()
    quote = Quote.objects.create(group=shop.group_b, name="T", phone="012", quantity=5, message="?")
    client.force_login(shop.producer_a_user)
    pk = shop.product_b.pk
    assert client.get(f"{SHOP}products/{pk}/").status_code == 404
    assert client.post(f"{SHOP}products/{pk}/", product_data(shop, group=shop.group_b.pk)).status_code == 404
    assert client.post(f"{SHOP}products/{pk}/stock/", {"stock": "0"}).status_code == 404
    assert client.post(f"{SHOP}products/{pk}/status/", {"action": "archive"}).status_code == 404
    assert client.post(f"{SHOP}orders/{part_b.pk}/", {"status": "ready"}).status_code == 404
    assert client.post(f"{SHOP}quotes/{quote.pk}/decline/", {"reason": "No"}).status_code == 404
    shop.product_b.refresh_from_db()
    part_b.refresh_from_db()
    quote.refresh_from_db()
    assert shop.product_b.stock == Decimal("99") and shop.product_b.status == "published"
    assert part_b.status == Fulfilment.Status.NEW and quote.status == Quote.Status.REQUESTED


def test_producer_cannot_list_a_product_in_another_group_or_for_someone_else(client, shop):
    client.force_login(shop.producer_a_user)
    response = client.post(SHOP + "products/add/", product_data(shop, group=shop.group_b.pk))
    assert response.status_code == 400 and "group" in response.context["form"].errors
    response = client.post(SHOP + "products/add/", product_data(shop, producer=shop.member_a2.pk))
    assert response.status_code == 400 and "producer" in response.context["form"].errors
    assert not Product.objects.filter(title_en="Cucumber").exists()


def test_coordinator_acts_for_every_member_of_the_group(client, shop):
    client.force_login(shop.coordinator_user)
    products = client.get(SHOP + "products/").content.decode()
    assert shop.product_a.title_km in products and shop.product_a2.title_km in products
    assert shop.product_b.title_km not in products
    response = client.post(SHOP + "products/add/", product_data(shop, producer=shop.member_a2.pk))
    assert response.status_code == 302
    product = Product.objects.get(title_en="Cucumber")
    assert product.producer == shop.member_a2 and product.status == "draft"
    assert client.post(f"{SHOP}products/{shop.product_a2.pk}/stock/", {"stock": "7"}).status_code == 302
    shop.product_a2.refresh_from_db()
    assert shop.product_a2.stock == Decimal("7")
    # ...but not for a member of group B.
    response = client.post(
        SHOP + "products/add/", product_data(shop, group=shop.group_b.pk, producer=shop.producer_b.pk)
    )
    assert response.status_code == 400


def test_coordinator_role_without_an_office_in_the_group_is_a_plain_producer(client, shop, make_user):
    from tests.factories.networks import MemberFactory, MembershipFactory

    user = make_user("Group coordinator")
    member = MemberFactory(user=user)
    MembershipFactory(member=member, group=shop.group_b, role="member")
    client.force_login(user)
    assert shop.product_b.title_km not in client.get(SHOP + "products/").content.decode()


def test_add_product_with_a_phone_photo_then_submit_for_review(client, shop):
    client.force_login(shop.producer_a_user)
    form_page = client.get(SHOP + "products/add/").content.decode()
    assert 'accept="image/*"' in form_page and 'capture="environment"' in form_page
    photo = SimpleUploadedFile("IMG_0001.jpg", _jpeg(), content_type="image/jpeg")
    response = client.post(SHOP + "products/add/", {**product_data(shop), "photo": photo})
    assert response.status_code == 302
    product = Product.objects.get(title_en="Cucumber")
    assert product.photos.count() == 1 and product.status == "draft"
    client.post(f"{SHOP}products/{product.pk}/status/", {"action": "submit"})
    product.refresh_from_db()
    assert product.status == "pending_review"
    # A producer cannot publish: only staff moderate.
    client.post(f"{SHOP}products/{product.pk}/status/", {"action": "publish"})
    product.refresh_from_db()
    assert product.status == "pending_review"


def _jpeg(size=(64, 48)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (30, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: SimpleUploadedFile("notes.jpg", b"not an image at all", content_type="image/jpeg"), "image"),
        (lambda: SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream"), "image"),
        (
            lambda: SimpleUploadedFile(
                "big.png", png_bytes((20, 20)) + b"\0" * (9 * 1024 * 1024), content_type="image/png"
            ),
            "too big",
        ),
        (
            lambda: SimpleUploadedFile("bomb.png", png_bytes((9000, 9000), (0, 0, 0)), content_type="image/png"),
            "pixels",
        ),
    ],
)
def test_bad_uploads_get_a_clear_message_and_save_nothing(client, shop, upload, message):
    client.force_login(shop.producer_a_user)
    response = client.post("/en/my-shop/products/add/", {**product_data(shop), "photo": upload()})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["photo"]).lower()
    assert not Product.objects.filter(title_en="Cucumber").exists()


def test_editing_text_of_a_published_product_sends_it_back_to_review_but_price_does_not(client, shop):
    client.force_login(shop.producer_a_user)
    url = f"{SHOP}products/{shop.product_a.pk}/"
    data = product_data(shop, title_km=shop.product_a.title_km, title_en="Rice A", price="1.40")
    data.pop("stock")
    assert client.post(url, data).status_code == 302
    shop.product_a.refresh_from_db()
    assert shop.product_a.price == Decimal("1.40") and shop.product_a.status == "published"
    assert shop.product_a.stock == Decimal("100")  # the edit form never writes stock
    data["title_en"] = "Fragrant rice"
    client.post(url, data)
    shop.product_a.refresh_from_db()
    assert shop.product_a.status == "pending_review"


def test_bad_stock_values(client, shop):
    client.force_login(shop.coordinator_user)
    for value in ("-2", "abc", "2.5"):  # product_a2 is counted in pieces
        client.post(f"{SHOP}products/{shop.product_a2.pk}/stock/", {"stock": value})
        shop.product_a2.refresh_from_db()
        assert shop.product_a2.stock == Decimal("100"), value


def test_group_fulfils_only_its_part_and_the_buyer_is_told(client, shop, django_capture_on_commit_callbacks):
    order = place_order(shop.product_a, shop.product_b, buyer_email="buyer@example.org")
    part_a = order.fulfilments.get(group=shop.group_a)
    client.force_login(shop.producer_a_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{SHOP}orders/{part_a.pk}/", {"status": "ready"})
    part_a.refresh_from_db()
    assert part_a.status == "ready"
    assert order.fulfilments.get(group=shop.group_b).status == "new"
    assert any(m.to == ["buyer@example.org"] for m in mail.outbox)
    # Skipping a step or inventing a status is refused.
    client.post(f"{SHOP}orders/{part_a.pk}/", {"status": "cancelled"})
    part_a.refresh_from_db()
    assert part_a.status == "ready"


def paid(order):
    """The order as the payments' settle step leaves it."""
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID, paid_at=timezone.now())
    return order


def test_sales_summary(client, shop):
    paid(place_order(shop.product_a, shop.product_b))
    client.force_login(shop.producer_a_user)
    response = client.get(SHOP)
    assert response.status_code == 200
    html = response.content.decode()
    assert "$1.20" in html  # producer A's sale; group B's $12.00 is not theirs
    assert "$12.00" not in html


def test_sales_count_only_paid_orders_and_best_sellers_show_the_unit(client, shop):
    paid(place_order((shop.product_a, "2"), buyer_phone="012345001"))  # 2 kg × $1.20
    place_order((shop.product_a, "10"), payment_method="khqr")  # awaiting payment: not a sale
    place_order((shop.product_a, "20"), payment_method="bank_transfer")  # nor this
    place_order((shop.product_a2, "3"))  # cash on delivery, not yet paid: not a sale either
    client.force_login(shop.coordinator_user)
    response = client.get(SHOP)
    html = response.content.decode()
    assert [row.total for row in response.context["group_sales"]] == [Decimal("2.40")]
    assert "$2.40" in html and "$14.40" not in html and "$15.00" not in html
    best = response.context["top_products"]
    assert [(row["quantity"], row["unit"]) for row in best] == [(Decimal("2"), "kg")]
    assert "Rice A" in best[0]["title"]
    assert "2 គីឡូក្រាម" in html  # the unit, in Khmer


def test_open_to_fulfil_is_one_rule_for_the_count_and_the_list(client, shop):
    cash = place_order(shop.product_a)  # confirmed: to prepare
    online = place_order(shop.product_a, payment_method="khqr")  # awaiting payment: not yet
    paid_online = paid(place_order(shop.product_a, payment_method="khqr"))
    client.force_login(shop.producer_a_user)
    listed = {part.order_id for part in client.get(f"{SHOP}orders/").context["fulfilments"]}
    assert listed == {cash.pk, paid_online.pk}
    assert client.get(SHOP).context["to_fulfil"] == 2
    # The list offers only what the service accepts: the awaiting order cannot be prepared.
    part = online.fulfilments.get()
    client.post(f"{SHOP}orders/{part.pk}/", {"status": "ready"})
    part.refresh_from_db()
    assert part.status == "new"


def test_status_buttons_follow_the_models_transition_table(client, shop, monkeypatch):
    """My shop offers a button for each move PRODUCER_TRANSITIONS allows, and no other."""
    client.force_login(shop.producer_a_user)

    def buttons():
        html = client.get(f"{SHOP}products/").content.decode()
        form = html.split(f'action="{SHOP}products/{shop.product_a.pk}/status/"')[1].split("</form>")[0]
        return sorted(re.findall(r'name="action" value="(\w+)"', form))

    assert buttons() == ["archive"]  # published → archived
    transitions = {
        **Product.PRODUCER_TRANSITIONS,
        Product.Status.PUBLISHED: {Product.Status.ARCHIVED, Product.Status.DRAFT},
    }
    monkeypatch.setattr(Product, "PRODUCER_TRANSITIONS", transitions)
    assert buttons() == ["archive", "withdraw"]
    client.post(f"{SHOP}products/{shop.product_a.pk}/status/", {"action": "withdraw"})
    shop.product_a.refresh_from_db()
    assert shop.product_a.status == "draft"
