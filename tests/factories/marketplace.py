import io
from decimal import Decimal

import factory
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from marketplace.models import Category, Product, ProductPhoto
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
