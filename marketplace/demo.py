"""Demo marketplace: categories, products with drawn photos for the Producer Group network's
groups (seeded by networks.demo, which runs first), and a few orders. Idempotent: products are
looked up by group and English title, orders by the demo buyer, quotes by their message."""

import datetime
import io
import random
from decimal import Decimal

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from networks.geography import skills_center_village
from networks.models import CollectionPoint, Group, Member, Membership, Network

from .models import Category, Order, Product, ProductPhoto, Quote
from .services import (
    CartLine,
    fulfilment_set_status,
    order_cancel,
    order_place,
    quote_accept,
    quote_offer,
    quote_request,
)

PRODUCER_NETWORK = "producer-group"

CATEGORIES = [
    # slug, parent slug, Khmer, English
    ("vegetables", None, "បន្លែ", "Vegetables"),
    ("leafy-greens", "vegetables", "បន្លែស្លឹក", "Leafy greens"),
    ("rice", None, "អង្ករ និងគ្រាប់ធញ្ញជាតិ", "Rice and grains"),
    ("fruit", None, "ផ្លែឈើ", "Fruit"),
    ("poultry", None, "បសុបក្សី និងពង", "Poultry and eggs"),
    ("processed", None, "អាហារកែច្នៃ", "Processed food"),
    ("spices", "processed", "គ្រឿងទេស", "Spices"),
    ("textiles", None, "វាយនភណ្ឌ", "Textiles"),
    ("krama", "textiles", "ក្រមា", "Krama"),
    ("silk", "textiles", "សូត្រ", "Silk"),
]

# Khmer descriptions of the demo products, by their English description.
DESCRIPTIONS_KM = {
    "Picked at dawn, washed, tied in bundles of about 500 g.": "បេះពេលព្រលឹម លាងស្អាត ចងជាបាច់ប្រហែល ៥០០ ក្រាម។",
    "Crisp cucumbers grown without chemical pesticides.": "ត្រសក់ស្រួយ ដាំដោយគ្មានថ្នាំសម្លាប់សត្វល្អិតគីមី។",
    "Hot red chillies, sold by the half kilo.": "ម្ទេសក្រហមហិរ លក់កន្លះគីឡូ។",
    "Fragrant Cambodian jasmine rice from this season's harvest.": "អង្ករផ្កាម្លិះខ្មែរក្រអូប ពីការប្រមូលផលរដូវនេះ។",
    "50 kg sacks of whole-grain red rice.": "អង្ករក្រហមសម្រូប បាវ ៥០ គីឡូក្រាម។",
    "Sweet mangoes from village orchards.": "ស្វាយផ្អែម ពីចម្ការក្នុងភូមិ។",
    "One hand of about 12 bananas.": "ចេកមួយស្និត ប្រហែល ១២ ផ្លែ។",
    "Free-range chickens, about 1.5 kg each, sold live or prepared on request.": "មាន់ស្រែចិញ្ចឹមលែង ប្រហែល ១,៥ គីឡូក្រាមក្នុងមួយក្បាល លក់រស់ ឬរៀបចំតាមការស្នើសុំ។",
    "Collected daily.": "ប្រមូលរាល់ថ្ងៃ។",
    "Black Kampot pepper (GI), sun-dried.": "ម្រេចខ្មៅកំពត (សម្គាល់ភូមិសាស្ត្រ) ហាលថ្ងៃ។",
    "Pure palm sugar cakes, cooked over wood fire.": "ស្ករត្នោតសុទ្ធជាដុំ ចម្អិនលើភ្លើងអុស។",
    "Fermented fish paste in 500 g jars.": "ប្រហុកក្នុងដប ៥០០ ក្រាម។",
    "Cotton checked scarf woven on a village loom, 160 × 60 cm.": "ក្រមាកប្បាសក្រឡាចត្រង្គ ត្បាញលើកីក្នុងភូមិ ១៦០ × ៦០ សង់ទីម៉ែត្រ។",
    "Fine silk krama in natural dyes.": "ក្រមាសូត្រល្អ ជ្រលក់ពណ៌ធម្មជាតិ។",
    "Traditional ikat silk, sold by the metre.": "សូត្រហូលបុរាណ លក់ជាម៉ែត្រ។",
    "Next harvest in three weeks: send an inquiry.": "ការប្រមូលផលបន្ទាប់ក្នុងរយៈពេលបីសប្តាហ៍៖ សូមផ្ញើសំណួរ។",
}

# category, Khmer title, English title, unit, price, stock, minimum, description (en), colour, pattern
PRODUCTS = [
    (
        "leafy-greens",
        "ត្រកួនសរីរាង្គ",
        "Organic morning glory",
        "bundle",
        "0.50",
        60,
        2,
        "Picked at dawn, washed, tied in bundles of about 500 g.",
        (60, 150, 70),
        "leaves",
    ),
    (
        "vegetables",
        "ត្រសក់ស្រស់",
        "Fresh cucumbers",
        "kg",
        "0.75",
        80,
        1,
        "Crisp cucumbers grown without chemical pesticides.",
        (90, 170, 90),
        "dots",
    ),
    (
        "vegetables",
        "ម្ទេសខ្មាំង",
        "Bird's eye chillies",
        "kg",
        "3.00",
        12,
        "0.5",
        "Hot red chillies, sold by the half kilo.",
        (200, 40, 40),
        "dots",
    ),
    (
        "rice",
        "អង្ករផ្កាម្លិះ",
        "Jasmine rice (Phka Malis)",
        "kg",
        "1.20",
        900,
        5,
        "Fragrant Cambodian jasmine rice from this season's harvest.",
        (235, 225, 200),
        "grains",
    ),
    (
        "rice",
        "អង្ករក្រហមសរីរាង្គ",
        "Organic red rice",
        "sack",
        "48.00",
        20,
        1,
        "50 kg sacks of whole-grain red rice.",
        (150, 60, 50),
        "grains",
    ),
    (
        "fruit",
        "ស្វាយកែវរមៀត",
        "Keo Romeat mangoes",
        "kg",
        "1.10",
        150,
        3,
        "Sweet mangoes from village orchards.",
        (240, 190, 40),
        "circles",
    ),
    (
        "fruit",
        "ចេកណាំវ៉ា",
        "Namva bananas",
        "bundle",
        "1.50",
        40,
        1,
        "One hand of about 12 bananas.",
        (230, 210, 60),
        "circles",
    ),
    (
        "poultry",
        "មាន់ស្រែ",
        "Free-range village chicken",
        "bird",
        "9.00",
        25,
        1,
        "Free-range chickens, about 1.5 kg each, sold live or prepared on request.",
        (180, 120, 70),
        "circles",
    ),
    ("poultry", "ពងទាស្រស់", "Fresh duck eggs", "dozen", "2.40", 30, 1, "Collected daily.", (245, 240, 225), "circles"),
    (
        "spices",
        "ម្រេចកំពតសរីរាង្គ",
        "Organic Kampot pepper",
        "kg",
        "18.00",
        15,
        "0.25",
        "Black Kampot pepper (GI), sun-dried.",
        (40, 35, 30),
        "dots",
    ),
    (
        "processed",
        "ស្ករត្នោតខ្មែរ",
        "Palm sugar",
        "kg",
        "2.80",
        60,
        1,
        "Pure palm sugar cakes, cooked over wood fire.",
        (160, 100, 40),
        "blocks",
    ),
    (
        "processed",
        "ប្រហុកផ្ទះ",
        "Homemade prahok",
        "bottle",
        "3.50",
        40,
        1,
        "Fermented fish paste in 500 g jars.",
        (120, 110, 90),
        "blocks",
    ),
    (
        "krama",
        "ក្រមាតម្បាញដៃ",
        "Hand-woven krama",
        "piece",
        "6.00",
        45,
        1,
        "Cotton checked scarf woven on a village loom, 160 × 60 cm.",
        (170, 30, 60),
        "checks",
    ),
    (
        "krama",
        "ក្រមាសូត្រ",
        "Silk krama",
        "piece",
        "15.00",
        12,
        1,
        "Fine silk krama in natural dyes.",
        (60, 80, 170),
        "checks",
    ),
    (
        "silk",
        "សូត្រហូល",
        "Hol silk (ikat)",
        "metre",
        "22.00",
        30,
        "0.5",
        "Traditional ikat silk, sold by the metre.",
        (120, 40, 120),
        "stripes",
    ),
    (
        "vegetables",
        "ត្រប់វែង",
        "Long eggplants",
        "kg",
        "0.90",
        0,
        1,
        "Next harvest in three weeks: send an inquiry.",
        (110, 60, 140),
        "dots",
    ),
]


def _draw_photo(english: str, colour: tuple[int, int, int], pattern: str, seed: int) -> bytes:
    """A simple drawn product photo (no real photos ship with the demo)."""
    rng = random.Random(seed)  # nosec B311  # deterministic demo data, not security
    width, height = 800, 600
    image = PILImage.new("RGB", (width, height), tuple(min(255, c + 70) for c in colour))
    draw = ImageDraw.Draw(image)
    if pattern in ("checks", "stripes"):
        step = 60 if pattern == "checks" else 40
        for x in range(0, width, step * 2):
            draw.rectangle([x, 0, x + step, height], fill=colour)
        if pattern == "checks":
            for y in range(0, height, step * 2):
                draw.rectangle([0, y, width, y + step // 2], fill=tuple(c // 2 for c in colour))
    elif pattern == "blocks":
        for _ in range(6):
            x, y = rng.randint(40, 600), rng.randint(40, 420)
            draw.rounded_rectangle([x, y, x + 160, y + 120], radius=20, fill=colour, outline=(40, 30, 20), width=4)
    else:
        radius = {"dots": 14, "grains": 8, "circles": 70, "leaves": 50}[pattern]
        for _ in range({"dots": 160, "grains": 500, "circles": 12, "leaves": 20}[pattern]):
            x, y = rng.randint(0, width), rng.randint(0, height)
            box = [x - radius, y - radius // (2 if pattern in ("grains", "leaves") else 1), x + radius, y + radius]
            draw.ellipse(box, fill=colour, outline=tuple(c // 2 for c in colour), width=2)
    draw.rectangle([0, height - 70, width, height], fill=(255, 255, 255))
    draw.text((24, height - 52), english, fill=(30, 30, 30), font_size=36)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def _categories(log) -> dict[str, Category]:
    result = {}
    for order, (slug, parent, km, en) in enumerate(CATEGORIES):
        category, created = Category.objects.get_or_create(
            slug=slug,
            defaults={"name_km": km, "name_en": en, "parent": result.get(parent), "sort_order": order},
        )
        if created:
            log(f"  category {en}")
        result[slug] = category
    return result


def _fallback_groups(log) -> None:
    """Only when networks.demo has not seeded the Producer Group network (this app alone):
    the Skills Center village's group and the Kampong Thkouv commune group, with the same
    names networks.demo uses, and the demo producer and coordinator linked to the first."""
    network, _ = Network.objects.get_or_create(
        slug=PRODUCER_NETWORK, defaults={"name_km": "ក្រុមអ្នកផលិត", "name_en": "Producer Group"}
    )
    village = skills_center_village()
    commune = village.commune
    plans = [
        (
            f"ក្រុមអ្នកផលិត {village.name_km}",
            f"Producers of {village.name_en}",
            "village",
            village,
            "មជ្ឈមណ្ឌលបណ្តុះបណ្តាលជំនាញ ភូមិភ្នំត្រង់បាត",
        ),
        ("សហគមន៍អ្នកផលិតកំពង់ថ្កូវ", "Kampong Thkouv commune producers", "commune", None, "សាលាឃុំកំពង់ថ្កូវ"),
    ]
    names = [("សុភា", "Sophea"), ("ចន្ទា", "Chanda"), ("ស្រីមុំ", "Sreymom"), ("បូផា", "Bopha"), ("ធីតា", "Thida")]
    for index, (km, en, level, group_village, point) in enumerate(plans):
        group, _ = Group.objects.get_or_create(
            network=network,
            name_km=km,
            defaults={
                "name_en": en,
                "level": level,
                "village": group_village,
                "commune": commune,
            },
        )
        CollectionPoint.objects.get_or_create(group=group, defaults={"address": point, "village": group_village})
        for number, (name_km, name_latin) in enumerate(names):
            member, _ = Member.objects.get_or_create(
                name_latin=f"{name_latin} {index + 1}{number}",
                defaults={
                    "name_km": name_km,
                    "gender": Member.Gender.FEMALE,
                    "birth_year": 1980 + number,
                    "village": village,
                },
            )
            Membership.objects.get_or_create(
                member=member,
                group=group,
                left=None,
                defaults={"role": "leader" if number == 0 else "member", "joined": "2019-01-01"},
            )
    log("  producer groups created for the marketplace (networks demo not present)")


def _link_users(users: dict) -> None:
    group = Group.objects.filter(network__slug=PRODUCER_NETWORK).order_by("pk").first()
    for key, role in (("coordinator", "leader"), ("producer", "member")):
        user = users.get(key)
        if user is None or Member.objects.filter(user=user).exists():
            continue
        membership = (
            Membership.objects.filter(group=group, left__isnull=True, role=role, member__user__isnull=True)
            .order_by("pk")
            .first()
        )
        if membership:
            membership.member.user = user
            membership.member.save(update_fields=["user"])


def _producer_groups() -> list[Group]:
    groups = list(
        Group.objects.filter(network__slug=PRODUCER_NETWORK, memberships__left__isnull=True)
        .distinct()
        .select_related("village")
        .order_by("pk")
    )
    # The demo producer's group first, so the "producer" account has products to manage.
    linked = Group.objects.filter(
        network__slug=PRODUCER_NETWORK, memberships__member__user__username="producer", memberships__left__isnull=True
    ).first()
    if linked in groups:
        groups.remove(linked)
        groups.insert(0, linked)
    return groups


def _products(categories, groups, users, log) -> list[Product]:
    Image = get_image_model()
    products = []
    producer_member = Member.objects.filter(user=users.get("producer")).first()
    for index, (slug, km, en, unit, price, stock, minimum, description, colour, pattern) in enumerate(PRODUCTS):
        # Spread over the first groups: the demo producer's group gets every third product.
        group = groups[index % min(len(groups), 3)] if index % 3 else groups[0]
        product = Product.objects.filter(group=group, title_en=en).first()
        if product is None:
            if group == groups[0] and producer_member and index % 2 == 0:
                producer = producer_member
            else:
                producer = (
                    Member.objects.filter(memberships__group=group, memberships__left__isnull=True)
                    .order_by("pk")[index % 3 : index % 3 + 1]
                    .first()
                ) or Member.objects.filter(memberships__group=group).first()
            product = Product(
                producer=producer,
                group=group,
                category=categories[slug],
                title_km=km,
                title_en=en,
                description_km=DESCRIPTIONS_KM.get(description, ""),
                description_en=description,
                unit=unit,
                price=Decimal(price),
                stock=Decimal(stock),
                minimum_order=Decimal(str(minimum)),
                status=Product.Status.PENDING_REVIEW,
            )
            product.set_status(Product.Status.PUBLISHED, staff=True)
            product.save()
            log(f"  product {en} ({group.name_en or group.name_km})")
        if not product.photos.exists():
            image = Image(
                title=en,
                file=ImageFile(io.BytesIO(_draw_photo(en, colour, pattern, index)), name=f"{slug}-{index}.jpg"),
            )
            image.save()
            ProductPhoto.objects.create(product=product, image=image)
        products.append(product)
    # One product waiting for staff review, to show moderation.
    draft = products[-1]
    if draft.status == Product.Status.PUBLISHED and draft.stock == 0:
        Product.objects.filter(pk=draft.pk).update(status=Product.Status.PENDING_REVIEW)
    return products


def _orders(products, users, log) -> None:
    buyer = users.get("buyer")
    if buyer is None or Order.objects.filter(buyer=buyer).exists():
        return
    contact = {
        "buyer_name": "Sophea (Angkor Garden Hotel)",
        "buyer_phone": buyer.phone or "012000001",
        "buyer_email": buyer.email,
        "buyer": buyer,
    }
    by_title = {product.title_en: product for product in products}
    # Two groups in one order, delivered to a hotel.
    first = order_place(
        cart_lines=[
            CartLine(by_title["Jasmine rice (Phka Malis)"].pk, Decimal("25")),
            CartLine(by_title["Keo Romeat mangoes"].pk, Decimal("10")),
            CartLine(by_title["Hand-woven krama"].pk, Decimal("4")),
        ],
        delivery_method="delivery",
        delivery_address="Angkor Garden Hotel, Sala Kamreuk, Siem Reap",
        payment_method="cash_on_delivery",
        **contact,
    )
    part = first.fulfilments.order_by("pk").first()
    fulfilment_set_status(fulfilment=part, status="ready")
    order_place(
        cart_lines=[CartLine(by_title["Organic Kampot pepper"].pk, Decimal("0.5"))],
        delivery_method="pickup",
        delivery_address="",
        payment_method="pay_at_pickup",
        **contact,
    )
    cancelled = order_place(
        cart_lines=[CartLine(by_title["Free-range village chicken"].pk, Decimal("2"))],
        delivery_method="pickup",
        delivery_address="",
        payment_method="pay_at_pickup",
        **contact,
    )
    order_cancel(order=cancelled, reason="Buyer changed plans")
    log("  3 demo orders")


def _quotes(products, users, log) -> None:
    """The demo trader's quotes: one request waiting for the group's offer, and one accepted
    offer with its order (at the quoted price, below the list price). Idempotent: each is found
    again by its message."""
    buyer = users.get("buyer")
    if buyer is None:
        return
    by_title = {product.title_en: product for product in products}
    contact = {"name": "Sophea (Angkor Garden Hotel)", "phone": buyer.phone or "012000001", "email": buyer.email}
    made = 0
    eggplant = by_title["Long eggplants"]
    weekly = "We need 80 kg every week for the hotel kitchen from next month. Can your group supply?"
    if not Quote.objects.filter(user=buyer, message=weekly).exists():
        quote_request(quote=Quote(quantity=Decimal("80"), message=weekly, **contact), product=eggplant, user=buyer)
        made += 1
    rice = by_title["Jasmine rice (Phka Malis)"]
    banquet = "200 kg of jasmine rice for a wedding banquet, delivered to the hotel."
    if not Quote.objects.filter(user=buyer, message=banquet).exists():
        quote = quote_request(
            quote=Quote(quantity=Decimal("200"), target_price=rice.price - Decimal("0.10"), message=banquet, **contact),
            product=rice,
            user=buyer,
        )
        quote = quote_offer(
            quote=quote,
            product=rice,
            unit_price=rice.price - Decimal("0.10"),
            quantity=Decimal("200") if rice.stock >= 200 else rice.stock,
            valid_until=timezone.now() + datetime.timedelta(days=7),
            note="Milled this week; we deliver on Saturday.",
        )
        quote_accept(
            quote=quote,
            payment_method="cash_on_delivery",
            delivery_method="delivery",
            delivery_address="Angkor Garden Hotel, Sala Kamreuk, Siem Reap",
            buyer=buyer,
        )
        made += 1
    if made:
        log(f"  {made} demo quote(s): a request waiting for an offer, an accepted offer with its order")


@transaction.atomic
def seed(*, users, pages, log):
    categories = _categories(log)
    if not Group.objects.filter(network__slug=PRODUCER_NETWORK, memberships__left__isnull=True).exists():
        _fallback_groups(log)
        _link_users(users)
    groups = _producer_groups()
    products = _products(categories, groups, users, log)
    _orders(products, users, log)
    _quotes(products, users, log)
