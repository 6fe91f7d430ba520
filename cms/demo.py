"""The demo page tree of DESIGN.md's site map, in Khmer (default) and English."""

import datetime
import json
from decimal import Decimal

from wagtail.models import Locale, Page, Site

from .models import (
    ContactPage,
    HomePage,
    NetworkIndexPage,
    NetworkPage,
    NewsIndexPage,
    NewsPage,
    SafeHousePage,
    SiteSettings,
    StandardPage,
)


def _paragraph(text: str) -> str:
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"}])


NETWORKS = [
    {
        "slug": "good-men-network",
        "km": {
            "title": "បណ្តាញបុរសល្អ",
            "founded": "ខែវិច្ឆិកា ឆ្នាំ២០១៧",
            "intro": "បុរស ៤៥៧ នាក់ នៅខេត្តសៀមរាប និងបាត់ដំបង ដែលគាំទ្រភាពជាអ្នកដឹកនាំរបស់ស្ត្រី "
            "និងអាចសម្របសម្រួលការប្រឹក្សា និងការរាយការណ៍ករណីអំពើហិង្សាក្នុងគ្រួសារ។",
        },
        "en": {
            "title": "Good Men Network",
            "founded": "November 2017",
            "intro": "457 men in Siem Reap and Battambang who support women's leadership and can facilitate "
            "counselling and reporting in domestic-violence cases.",
        },
    },
    {
        "slug": "children-and-youth-network",
        "km": {
            "title": "បណ្តាញកុមារ និងយុវជន",
            "founded": "ដើមឆ្នាំ២០២០",
            "intro": "ក្រុមកុមារ និងយុវជន ១០ ក្រុម នៅក្នុងស្រុកពីរ៖ កុមារកំព្រា កូនរបស់ជនចំណាកស្រុក ជនចំណាកស្រុក និងកុមារងាយរងគ្រោះ។",
        },
        "en": {
            "title": "Children and Youth Network",
            "founded": "Early 2020",
            "intro": "10 groups of children and youths in two districts: orphans, migrants' children, "
            "migrants and vulnerable children.",
        },
    },
    {
        "slug": "happy-women-network",
        "km": {
            "title": "បណ្តាញស្ត្រីរីករាយ",
            "founded": "ឆ្នាំ២០១៧",
            "intro": "ទីកន្លែងសុវត្ថិភាពសម្រាប់ស្ត្រីចែករំលែកបទពិសោធន៍ ដែលជួបជុំគ្នានៅផ្ទះសុវត្ថិភាព។",
        },
        "en": {
            "title": "Happy Women Network",
            "founded": "2017",
            "intro": "A safe space for women to share their experiences, meeting at the Safe House.",
        },
    },
    {
        "slug": "young-women-network",
        "km": {
            "title": "បណ្តាញនារីវ័យក្មេង",
            "founded": "ឆ្នាំ២០១៨",
            "intro": "ក្រុមអ្នកស្ម័គ្រចិត្តនារីវ័យក្មេង ១០ ទៅ ១៥ នាក់ មកពីភូមិផ្សេងៗ សម្រាប់ការសម្រេចចិត្ត និងការតស៊ូមតិ។",
        },
        "en": {
            "title": "Young Women Network",
            "founded": "2018",
            "intro": "Groups of 10 to 15 young female volunteers from various villages, for decision-making "
            "and advocacy.",
        },
    },
    {
        "slug": "producer-group",
        "km": {
            "title": "ក្រុមអ្នកផលិត",
            "founded": "ឆ្នាំ២០១៨",
            "intro": "ក្រុមអ្នកផលិតកម្រិតភូមិ និងកម្រិតឃុំ សម្រាប់កសិកម្មចម្រុះ និងអាហារូបត្ថម្ភ ដែលភ្ជាប់អ្នកផលិត ឈ្មួញ និងអ្នកទិញ។",
        },
        "en": {
            "title": "Producer Group",
            "founded": "2018",
            "intro": "Village-level and commune-level groups for integrated agriculture and nutrition, "
            "connecting producers, traders and buyers.",
        },
    },
]

SAFE_HOUSE_SERVICES = [
    ("កន្លែងស្នាក់នៅរយៈពេលខ្លី", "Short-term accommodation"),
    ("អាហារ", "Meals"),
    ("ការដឹកជញ្ជូន", "Transport"),
    ("ការបញ្ជូនទៅសេវាសង្គ្រោះបឋម", "First-aid referral"),
    ("ជំនួយផ្លូវច្បាប់ និងការប្រឹក្សាយោបល់", "Legal and counselling support"),
    ("ការណែនាំអំពីសិទ្ធិ", "Rights orientation"),
    ("ការអប់រំសុខភាព", "Health education"),
    ("ការបញ្ជូនផ្លូវច្បាប់ទៅដៃគូ ដើម្បីធ្វើសមាហរណកម្ម", "Legal referral to partners for reintegration"),
]

CONTACT_FIELDS = [
    # (km label, en label, field type, required); the field names stay English in both languages.
    ("ឈ្មោះ", "Name", "singleline", True),
    ("អ៊ីមែល", "Email", "email", False),
    ("លេខទូរស័ព្ទ", "Phone", "singleline", False),
    ("សារ", "Message", "multiline", True),
]


def _services(language: str) -> str:
    index = 0 if language == "km" else 1
    return json.dumps(
        [{"type": "service", "value": {"title": pair[index], "description": ""}} for pair in SAFE_HOUSE_SERVICES]
    )


def _ensure_roots(locale: Locale) -> Page:
    """Wagtail's migrations create the root page and collection; a flushed test database has
    neither."""
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale, live=True))
    return root


def _ensure_child(parent: Page, page_class, slug: str, fields: dict, log) -> Page:
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = page_class(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    log(f"  page {page.url_path}")
    return page


def _ensure_translation(source: Page, locale: Locale, fields: dict, log) -> Page:
    existing = source.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translated = source.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    log(f"  page {translated.url_path} ({locale.language_code})")
    return translated


def seed_pages(
    log=print,
    *,
    demo_content: bool = True,
    contact_to: str = "staff@sahakum.local",
    contact_from: str = "no-reply@sahakum.local",
) -> dict[str, dict[str, Page]]:
    """Returns {key: {"km": page, "en": page}} for the pages other seeders attach to.
    `demo_content=False` (manage.py bootstrap) builds the same tree without the demo news item
    and the demo contact details in the site settings."""
    km, _ = Locale.objects.get_or_create(language_code="km")
    en, _ = Locale.objects.get_or_create(language_code="en")
    root = _ensure_roots(km)
    # Wagtail's placeholder "Welcome" page is replaced by the real home page.
    for placeholder in root.get_children().filter(content_type__model="page", content_type__app_label="wagtailcore"):
        placeholder.delete()

    pages: dict[str, dict[str, Page]] = {}

    def both(key, parent_key, page_class, slug, km_fields, en_fields):
        parent_km = root if parent_key is None else pages[parent_key]["km"]
        page_km = _ensure_child(parent_km, page_class, slug, {**km_fields, "locale": km}, log)
        page_en = _ensure_translation(page_km, en, en_fields, log)
        pages[key] = {"km": page_km, "en": page_en}
        return page_km, page_en

    both(
        "home",
        None,
        HomePage,
        "home",
        {
            "title": "សហគមន៍",
            "intro": "យើងគាំទ្រស្ត្រី កុមារ និងអ្នកផលិតនៅជនបទ ក្នុងខេត្តសៀមរាប និងបាត់ដំបង៖ ផ្សារសម្រាប់ក្រុមអ្នកផលិត "
            "វគ្គបណ្តុះបណ្តាលជំនាញ បណ្តាញសហគមន៍ និងផ្ទះសុវត្ថិភាព។",
        },
        {
            "title": "Sahakum",
            "intro": "We support women, children and rural producers in Siem Reap and Battambang: a market for "
            "producer groups, skills training, community networks and a Safe House.",
        },
    )
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.site_name = "localhost", 80, "Sahakum"
    site.root_page = pages["home"]["km"]
    site.save()

    # Import here: these page types belong to their apps.
    from marketplace.models import MarketPage
    from training.models import CourseIndexPage

    both(
        "market",
        "home",
        MarketPage,
        "market",
        {
            "title": "ផ្សារ",
            "show_in_menus": True,
            "intro": "ទិញផលិតផលពីក្រុមអ្នកផលិតក្នុងភូមិ៖ បន្លែ អង្ករ ផ្លែឈើ មាន់ ម្ហូបកែច្នៃ ក្រមា និងសូត្រ។",
        },
        {
            "title": "Market",
            "intro": "Buy from village producer groups: vegetables, rice, fruit, poultry, processed food, krama and silk.",
        },
    )
    both(
        "skills_center",
        "home",
        CourseIndexPage,
        "skills-center",
        {
            "title": "មជ្ឈមណ្ឌលបណ្តុះបណ្តាលជំនាញ",
            "show_in_menus": True,
            "intro": "ចាប់តាំងពីឆ្នាំ២០១៥ យើងផ្តល់វគ្គបណ្តុះបណ្តាលវិជ្ជាជីវៈ៖ កាត់ដេរ តម្បាញ និងជំនាញកសិកម្ម "
            "សម្រាប់ស្ត្រីក្រីក្រ ស្ត្រីពិការ អ្នករស់រានមានជីវិតពីអំពើហិង្សា និងអ្នករងផលប៉ះពាល់ពីការធ្វើចំណាកស្រុក។ "
            "ទីតាំង៖ ភូមិភ្នំត្រង់បាត ឃុំកំពង់ថ្កូវ ស្រុកក្រឡាញ់ ខេត្តសៀមរាប។",
        },
        {
            "title": "Skills Center",
            "intro": "Since 2015 we offer vocational training in tailoring, weaving and agricultural skills for "
            "impoverished women, women with disabilities, survivors of gender-based violence and people affected "
            "by migration. Location: Phnom Trong Bat village, Kampong Thkov commune, Kralanh district, Siem Reap.",
        },
    )
    both(
        "networks",
        "home",
        NetworkIndexPage,
        "networks",
        {"title": "បណ្តាញ", "show_in_menus": True, "intro": "បណ្តាញសហគមន៍ទាំងប្រាំរបស់យើង។"},
        {"title": "Networks", "intro": "Our five community networks."},
    )
    for network in NETWORKS:
        both(f"network:{network['slug']}", "networks", NetworkPage, network["slug"], network["km"], network["en"])
    both(
        "safe_house",
        "home",
        SafeHousePage,
        "safe-house",
        {
            "title": "ផ្ទះសុវត្ថិភាព",
            "show_in_menus": True,
            "intro": "ចាប់តាំងពីខែតុលា ឆ្នាំ២០០៥ ផ្ទះសុវត្ថិភាពនៅខេត្តសៀមរាប ជាទីជម្រក និងមជ្ឈមណ្ឌលបញ្ជូន "
            "សម្រាប់ស្ត្រី និងក្មេងស្រីដែលរងការរំលោភបំពាន។",
            "services": _services("km"),
        },
        {
            "title": "Safe House",
            "intro": "Since October 2005, the Safe House in Siem Reap is a shelter and referral centre for abused "
            "women and girls.",
            "services": _services("en"),
        },
    )
    both(
        "about",
        "home",
        StandardPage,
        "about",
        {
            "title": "អំពីយើង",
            "show_in_menus": True,
            "intro": "អង្គការសិទ្ធិស្ត្រីមួយ ដែលធ្វើការនៅខេត្តសៀមរាប និងបាត់ដំបង។",
            "body": _paragraph("យើងធ្វើការជាមួយបណ្តាញសហគមន៍ប្រាំ មជ្ឈមណ្ឌលបណ្តុះបណ្តាលជំនាញ (២០១៥) និងផ្ទះសុវត្ថិភាព (២០០៥)។"),
        },
        {
            "title": "About us",
            "intro": "A women's-rights organisation working in Siem Reap and Battambang provinces.",
            "body": _paragraph(
                "We work with five community networks, the Skills Center (2015) and the Safe House (2005)."
            ),
        },
    )
    both(
        "news",
        "home",
        NewsIndexPage,
        "news",
        {"title": "ព័ត៌មាន", "show_in_menus": True, "intro": "ព័ត៌មានថ្មីៗពីសហគមន៍។"},
        {"title": "News", "intro": "Recent news from the community."},
    )
    if demo_content:
        both(
            "news:harvest",
            "news",
            NewsPage,
            "rice-harvest-market-day",
            {
                "title": "ថ្ងៃផ្សាររដូវច្រូតកាត់ស្រូវ",
                "date": datetime.date(2026, 11, 2),
                "intro": "ក្រុមអ្នកផលិតចំនួន ២៤ ក្រុម បានលក់អង្ករថ្មីដល់ភោជនីយដ្ឋាន និងសណ្ឋាគារនៅសៀមរាប។",
            },
            {
                "title": "Rice-harvest market day",
                "intro": "24 producer groups sold new-season rice to restaurants and hotels in Siem Reap.",
            },
        )
    both(
        "contact",
        "home",
        ContactPage,
        "contact",
        {
            "title": "ទំនាក់ទំនង",
            "show_in_menus": True,
            "to_address": contact_to,
            "from_address": contact_from,
            "subject": "សារពីគេហទំព័រ",
            "intro": "<p>សរសេរមកយើង យើងនឹងឆ្លើយតបឆាប់ៗ។</p>",
            "thank_you_text": "<p>សូមអរគុណ។ យើងនឹងឆ្លើយតបឆាប់ៗ។</p>",
            "form_fields": _contact_fields(0),
        },
        {
            "title": "Contact",
            "subject": "Message from the website",
            "intro": "<p>Write to us and we will reply soon.</p>",
            "thank_you_text": "<p>Thank you. We will reply soon.</p>",
            "form_fields": _contact_fields(1),
        },
    )

    settings = SiteSettings.for_site(site)
    if demo_content and not settings.contact_email:
        settings.contact_email = "contact@sahakum.local"
        settings.contact_phone = "063 000 000"
        settings.address = "Siem Reap, Cambodia"
        settings.address_km = "សៀមរាប ប្រទេសកម្ពុជា"
        settings.hotline_label = "Safe House 24-hour hotline"
        settings.hotline_label_km = "ខ្សែទូរស័ព្ទបន្ទាន់ ២៤ ម៉ោង នៃផ្ទះសុវត្ថិភាព"
        settings.hotline_number = "012 000 999"
        settings.khr_per_usd = Decimal("4100")
        settings.save()
    return pages


def _contact_fields(language_index: int) -> list:
    from .models import ContactFormField

    return [
        ContactFormField(
            sort_order=order,
            label=field[language_index],
            clean_name=field[1].lower(),
            field_type=field[2],
            required=field[3],
        )
        for order, field in enumerate(CONTACT_FIELDS)
    ]
