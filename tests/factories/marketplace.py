import datetime
import io
import uuid
from decimal import Decimal

import factory
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model

from marketplace.models import Category, Fulfilment, Order, Product, ProductPhoto
from marketplace.services import CartLine, order_place
from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory


def png_bytes(size=(40, 30), color=(200, 80, 40)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_image_model()

    title = factory.Sequence(lambda n: f"photo {n}")
    file = factory.LazyFunction(lambda: ImageFile(io.BytesIO(png_bytes()), name="photo.png"))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name_km = "បន្លែ"
    name_en = "Vegetables"
    slug = "vegetables"


class ProductFactory(factory.django.DjangoModelFactory):
    """A published product by a member of its group (the membership is created too)."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    group = factory.SubFactory(GroupFactory)
    producer = factory.SubFactory(MemberFactory)
    category = factory.SubFactory(CategoryFactory)
    title_km = factory.Sequence(lambda n: f"ផលិតផល{n}")
    title_en = factory.Sequence(lambda n: f"Product {n}")
    unit = "kg"
    price = Decimal("2.50")
    stock = Decimal("100")
    minimum_order = Decimal("1")
    status = Product.Status.PUBLISHED

    @factory.post_generation
    def membership(self, create, extracted, **kwargs):
        if create and not self.producer.memberships.filter(group=self.group).exists():
            MembershipFactory(member=self.producer, group=self.group)

    @factory.post_generation
    def photos(self, create, extracted, **kwargs):
        for _ in range(extracted or 0):
            ProductPhoto.objects.create(product=self, image=ImageFactory())


BUYER = {
    "buyer_name": "Sok Dara",
    "buyer_phone": "012345678",
    "buyer_email": "dara@example.com",
    "delivery_method": "pickup",
    "delivery_address": "",
}


def place_order(*items, payment_method: str = "cash_on_delivery", **overrides) -> Order:
    """An order placed through the real service (`order_place`), as a buyer's checkout does.

    `items` are products (one unit each), `(product, quantity)` pairs or cart lines; `overrides` replace
    the buyer's contact and delivery fields."""
    lines = []
    for item in items:
        if isinstance(item, Product):
            item = (item, "1")
        if isinstance(item, tuple):
            product, quantity = item
            item = CartLine(product.pk, Decimal(quantity))
        lines.append(item)  # a CartLine, or whatever a test wants order_place to refuse
    return order_place(cart_lines=lines, payment_method=payment_method, **{**BUYER, **overrides})


ONLINE_METHODS = ("stripe", "khqr", "bank_transfer")


class OrderFactory(factory.django.DjangoModelFactory):
    """An order as `order_place` leaves it, built directly: one product of one group (its stock
    already taken), with one fulfilment and one line, for any total, currency and status.

    Use `place_order` where the placing itself matters; this where a test needs an order in a
    given state (a KHR total, an order already paid, a reference localstripe has not seen)."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    class Params:
        online = factory.LazyAttribute(lambda order: order.payment_method in ONLINE_METHODS)

    # Unique across tests: localstripe outlives each test's database.
    reference = factory.LazyFunction(lambda: f"T{uuid.uuid4().hex[:10].upper()}")
    buyer_name = BUYER["buyer_name"]
    buyer_phone = BUYER["buyer_phone"]
    buyer_email = BUYER["buyer_email"]
    delivery_method = BUYER["delivery_method"]
    payment_method = "stripe"
    currency = "USD"
    total = Decimal("12.50")
    status = factory.LazyAttribute(
        lambda order: Order.Status.PENDING_PAYMENT if order.online else Order.Status.CONFIRMED
    )
    expires_at = factory.LazyAttribute(
        lambda order: timezone.now() + datetime.timedelta(hours=1) if order.online else None
    )

    @factory.post_generation
    def line(order, create, extracted, quantity=Decimal("5"), product=None, **kwargs):
        """`OrderFactory(line__quantity=…, line__product=…)`; the product's stock is what is
        left of 100 after this line."""
        if not create:
            return
        product = product or ProductFactory(stock=Decimal("100") - quantity)
        fulfilment = Fulfilment.objects.create(order=order, group=product.group, subtotal=order.total)
        order.lines.create(
            fulfilment=fulfilment,
            product=product,
            title=product.title_en,
            unit=product.unit,
            unit_price=order.total / quantity,
            quantity=quantity,
            line_total=order.total,
        )


def shop_product_data(shop, **overrides) -> dict:
    """What My shop's product form posts for group A's producer (tests/marketplace/conftest.Shop)."""
    return {
        "group": shop.group_a.pk,
        "producer": shop.producer_a.pk,
        "category": shop.product_a.category.pk,
        "title_km": "ត្រសក់",
        "title_en": "Cucumber",
        "unit": "kg",
        "price": "0.75",
        "stock": "40",
        "minimum_order": "1",
        **overrides,
    }
