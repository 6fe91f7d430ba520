"""Volume data for benchmarks: 10,000 published products over the 26 producer groups, each
with a photo; 5,000 members in those groups; 200 course sessions. Idempotent (tops each up to
its target, marked so a rerun finds its own rows); ANALYZE at the end so the planner knows the
new sizes. Run after seed_demo:

    manage.py seed_demo && manage.py seed_volume
"""

import datetime
import io
import random
from decimal import Decimal

from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

MARK = "seed_volume"
GROUPS = 26
PRODUCER_NETWORK = "producer-group"
PHOTOS = 40
WORDS_KM = ["ម្រេចកំពត", "អង្ករផ្កាម្លិះ", "ស្វាយកែវរមៀត", "ក្រមាតម្បាញដៃ", "ស្ករត្នោត", "ត្រកួន", "សូត្រ", "ទឹកឃ្មុំ"]
WORDS_EN = ["Kampot pepper", "Jasmine rice", "Mango", "Krama", "Palm sugar", "Morning glory", "Silk", "Honey"]


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL and SQLite alike)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = "Add benchmark volume: 10,000 products with photos, 5,000 members, 200 sessions (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=10_000)
        parser.add_argument("--members", type=int, default=5_000)
        parser.add_argument("--sessions", type=int, default=200)

    def handle(self, *args, products, members, sessions, **options):
        rng = random.Random(20261129)  # nosec B311  # deterministic volume data, not security
        with transaction.atomic():
            groups = self._groups()
            created_members = self._members(groups, members, rng)
            created_products = self._products(groups, products, rng)
            created_sessions = self._sessions(sessions, rng)
        analyze()
        self.stdout.write(
            f"seed_volume: +{created_members} members, +{created_products} products, +{created_sessions} sessions; "
            "ANALYZE done"
        )

    def _groups(self):
        from networks.models import Group

        groups = list(Group.objects.filter(network__slug=PRODUCER_NETWORK).order_by("pk")[:GROUPS])
        if len(groups) < GROUPS:
            raise CommandError(f"Run seed_demo first: {GROUPS} producer groups are needed, found {len(groups)}.")
        return groups

    def _members(self, groups, target, rng) -> int:
        from networks.models import Member, Membership

        have = Member.objects.filter(notes=MARK).count()
        if have >= target:
            return 0
        today = timezone.localdate()
        villages = {group.pk: group.village_id for group in groups}
        new = []
        for index in range(have, target):
            gender = Member.Gender.FEMALE if index % 5 else Member.Gender.MALE
            new.append(
                Member(
                    name_km=f"សមាជិក {index}",
                    name_latin=f"Volume Member {index}",
                    gender=gender,
                    birth_year=today.year - 20 - index % 45,
                    village_id=villages[groups[index % len(groups)].pk],
                    consent_date=today,
                    notes=MARK,
                )
            )
        Member.objects.bulk_create(new, batch_size=1000)
        Membership.objects.bulk_create(
            [
                Membership(member=member, group=groups[(have + n) % len(groups)], joined=today)
                for n, member in enumerate(new)
            ],
            batch_size=1000,
        )
        return len(new)

    def _images(self, rng):
        from PIL import Image as PILImage
        from wagtail.images import get_image_model

        Image = get_image_model()
        images = list(Image.objects.filter(title__startswith=f"{MARK} ").order_by("pk"))
        for n in range(len(images), PHOTOS):
            buffer = io.BytesIO()
            colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
            PILImage.new("RGB", (800, 600), colour).save(buffer, format="JPEG", quality=80)
            images.append(Image.objects.create(title=f"{MARK} {n}", file=ImageFile(buffer, name=f"volume-{n}.jpg")))
        return images

    def _products(self, groups, target, rng) -> int:
        from marketplace.models import Category, Product, ProductPhoto
        from networks.models import Member

        have = Product.objects.filter(description_en=MARK).count()
        if have >= target:
            return 0
        categories = list(Category.objects.order_by("pk")) or [
            Category.objects.create(slug="volume", name_km="ផលិតផល", name_en="Products")
        ]
        producers = {}
        for group in groups:
            producer = Member.objects.filter(memberships__group=group, user__isnull=False).first()
            producers[group.pk] = producer or Member.objects.filter(memberships__group=group).first()
        images = self._images(rng)
        batch = []
        for index in range(have, target):
            group = groups[index % len(groups)]
            product = Product(
                producer=producers[group.pk],
                group=group,
                category=categories[index % len(categories)],
                title_km=f"{WORDS_KM[index % len(WORDS_KM)]} {index}",
                title_en=f"{WORDS_EN[index % len(WORDS_EN)]} {index}",
                description_en=MARK,
                unit="kg",
                price=Decimal(1 + index % 50) + Decimal("0.25"),
                stock=Decimal(index % 40),
                minimum_order=Decimal("1"),
                status=Product.Status.PUBLISHED,
            )
            product.search_text = product.build_search_text()
            batch.append(product)
        Product.objects.bulk_create(batch, batch_size=1000)
        without_photo = Product.objects.filter(description_en=MARK, photos__isnull=True).values_list("pk", flat=True)
        ProductPhoto.objects.bulk_create(
            [ProductPhoto(product_id=pk, image=images[pk % PHOTOS], sort_order=0) for pk in without_photo],
            batch_size=1000,
        )
        return len(batch)

    def _sessions(self, target, rng) -> int:
        from training.models import CoursePage, CourseSession

        have = CourseSession.objects.filter(venue_name=MARK).count()
        courses = list(CoursePage.objects.live().filter(locale__language_code="km").order_by("pk"))
        if have >= target or not courses:
            return 0
        from networks.models import Village

        village = Village.objects.filter(code="17060208").first() or Village.objects.first()
        today = timezone.localdate()
        new = []
        for index in range(have, target):
            start = today + datetime.timedelta(days=7 + index % 180)
            new.append(
                CourseSession(
                    course=courses[index % len(courses)],
                    venue_village=village,
                    venue_name=MARK,
                    start_date=start,
                    end_date=start + datetime.timedelta(days=27),
                    weekdays="0,2,4",
                    start_time=datetime.time(8, 0),
                    end_time=datetime.time(11, 0),
                    capacity=12 + index % 10,
                    enrolment_opens=today - datetime.timedelta(days=7),
                    enrolment_closes=start - datetime.timedelta(days=1),
                    status=CourseSession.Status.OPEN,
                )
            )
        CourseSession.objects.bulk_create(new, batch_size=500)
        return len(new)
