"""SMS cost: the segment rule, and every SMS template filled with realistic long values."""

import pytest
from django.utils import translation

from notifications import segments
from notifications.events import EVENTS
from notifications.services import render

LONG_URL = "https://sahakum.org/km/skills-center/enrolment/Yx3kP0qL8vN2mZ7rT5wB1cD9fG4hJ6sA/"
LONG = {
    "reference": "SK7Q2M9XW4RT",
    "items": "25 គីឡូក្រាម អង្ករផ្ការំដួល សរីរាង្គ, 3 ដុំ ក្រមាសូត្រត្បាញដោយដៃ ពណ៌ខៀវ, 10 ម៉ែត្រ សូត្រពណ៌ក្រហម",
    "delivery": "ទទួលនៅចំណុចប្រមូលផ្ដុំរបស់ក្រុម",
    "next_step": "សូមរង់ចាំការបង់ប្រាក់ មុនពេលរៀបចំ។",
    "url": LONG_URL,
    "group": "ក្រុមអ្នកផលិតកសិកម្មចម្រុះ និងអាហារូបត្ថម្ភ ភូមិភ្នំត្រង់បាត",
    "place": "វត្តភ្នំត្រង់បាត ឃុំកំពង់ថ្កូវ ស្រុកក្រឡាញ់ ខេត្តសៀមរាប (ខាងជើងសាលារៀន)",
    "name": "ចាន់ សុភាព ស្រីមុំ នារីរ័ត្ន",
    "course": "វគ្គបណ្តុះបណ្តាលកាត់ដេរសម្លៀកបំពាក់ និងការរចនាម៉ូដសម្រាប់ស្ត្រី កម្រិតមូលដ្ឋាន",
    "start": "១៥/០១/២០២៧ ០៨:០០",
    "venue": "មជ្ឈមណ្ឌលបណ្ដុះបណ្ដាលជំនាញ ភ្នំត្រង់បាត",
    "product": "អង្ករផ្ការំដួល សរីរាង្គ ពីស្រែប្រាំងឆ្នាំ២០២៦ ថ្នាក់ទី១",
    "reply": "យើងអាចផ្គត់ផ្គង់បាន ៥០០ គីឡូក្រាម នៅខែមករា តម្លៃ ១.១០ ដុល្លារក្នុងមួយគីឡូក្រាម ប្រសិនបើអ្នកកម្ម៉ង់មុនថ្ងៃទី២០ ខែធ្នូ",
    "reason": "យើងលក់អស់ហើយ រហូតដល់ការប្រមូលផលខែមករា សូមសួរម្តងទៀតនៅពេលនោះ",
    "price": "១,២០០ ៛ / គីឡូក្រាម",
    "quantity": "១២,៥០០ គីឡូក្រាម",
    "valid_until": "១៥/០១/២០២៧ ១៧:០០",
}
LONG_LATIN = {
    **LONG,
    "next_step": "Wait for payment before you prepare.",
    "items": "25 kg organic jasmine rice, 3 piece hand-woven blue silk krama, 10 metre red silk",
    "group": "Phnum Trung Bat integrated agriculture and nutrition producer group",
    "place": "Phnum Trung Bat pagoda, Kampong Thkouv commune, Kralanh district (north of the school)",
    "name": "Chan Sopheap Sreymom Neary",
    "course": "Tailoring and basic fashion design for women, level 1 (morning group)",
    "venue": "Skills Center, Phnum Trung Bat",
    "product": "Organic jasmine rice from the 2026 dry-season harvest, grade 1",
    "reply": "We can supply 500 kg in January at 1.10 USD a kilo if you order before 20 December.",
    "reason": "We are sold out until the January harvest; please ask again then.",
    "price": "$1.10 / kilogram",
    "quantity": "12500 kilogram",
    "valid_until": "1/15/27, 5:00 PM",
}


def test_gsm_text_counts_160_then_153():
    assert segments.encoding("Hello") == "gsm7"
    assert segments.count("a" * 160) == 1
    assert segments.count("a" * 161) == 2
    assert segments.count("a" * 306) == 2
    assert segments.count("a" * 307) == 3


def test_gsm_extension_characters_count_twice():
    assert segments.length("{}€") == 6
    assert segments.count("[" * 80) == 1
    assert segments.count("[" * 81) == 2


def test_khmer_is_ucs2_70_then_67():
    assert segments.encoding("សួស្តី") == "ucs2"
    assert segments.count("ក" * 70) == 1
    assert segments.count("ក" * 71) == 2
    assert segments.count("ក" * 134) == 2
    assert segments.count("ក" * 135) == 3
    # One non-GSM character turns the whole message into UCS-2.
    assert segments.count("a" * 100 + "ក") == 2


@pytest.mark.parametrize("language,values", [("km", LONG), ("en", LONG), ("en", LONG_LATIN)])
@pytest.mark.parametrize("event", sorted(EVENTS))
def test_every_sms_template_fits_with_long_values(event, language, values):
    context = {key: values[key] for key in EVENTS[event].keys if key != "group_id"}
    _, text = render(event=event, channel="sms", context=context, language=language)
    assert segments.count(text) <= segments.MAX_SEGMENTS, (event, language, segments.count(text), text)
    # Short: but complete — the reference/course/group the message is about is still in it.
    for key in ("reference", "start"):
        if key in context:
            assert context[key] in text


@pytest.mark.parametrize("event", sorted(EVENTS))
@pytest.mark.parametrize("channel", ["sms", "telegram", "email"])
def test_every_template_is_translated_to_khmer(event, channel):
    context = {key: LONG_LATIN[key] for key in EVENTS[event].keys if key != "group_id"}
    subject_km, body_km = render(event=event, channel=channel, context=context, language="km")
    subject_en, body_en = render(event=event, channel=channel, context=context, language="en")
    assert body_km != body_en
    assert "សហគមន៍" in body_km + subject_km or any("\u1780" <= ch <= "\u17ff" for ch in body_km)
    if channel == "email":
        assert subject_km and subject_km != subject_en
    with translation.override("km"):
        assert "Sahakum:" not in body_km
