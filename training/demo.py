"""Skills Center demo: five courses in Khmer and English, past and upcoming sessions at the
Skills Center (Phnum Trung Bat village, 17060208), the demo trainer assigned, synthetic
enrolments, one full session with a waiting list and a completed one with certificates.
Idempotent: a course that already has sessions gets no new ones."""

import datetime
import json
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Locale

from cms.demo import _ensure_child, _ensure_translation
from networks.geography import skills_center_village
from networks.models import Member, Village

from . import services
from .models import Attendance, CoursePage, CourseSession, Enrolment
from .moderation import ensure_course_moderation

SKILLS_CENTER_VENUE = "មជ្ឈមណ្ឌលបណ្តុះបណ្តាលជំនាញ"

COURSES = [
    {
        "slug": "tailoring",
        "category": "tailoring",
        "fee": None,
        "km": {
            "title": "កាត់ដេរ",
            "summary": "រៀនវាស់ កាត់ និងដេរសម្លៀកបំពាក់ ដោយប្រើម៉ាស៊ីនដេរ ដើម្បីរកប្រាក់ចំណូលនៅផ្ទះ ឬនៅហាង។",
            "duration": "១២ សប្តាហ៍ ព្រឹកបីដងក្នុងមួយសប្តាហ៍",
            "skills_gained": "វាស់ខ្លួន និងគូរគំរូ\nកាត់ក្រណាត់\nប្រើ និងថែទាំម៉ាស៊ីនដេរ\nដេរអាវ និងសំពត់",
            "eligibility": "ស្ត្រីអាយុ ១៦ ឆ្នាំឡើងទៅ មិនចាំបាច់មានបទពិសោធន៍។",
        },
        "en": {
            "title": "Tailoring",
            "summary": "Learn to measure, cut and sew clothes on a sewing machine, to earn an income at home or in a shop.",
            "duration": "12 weeks, three mornings a week",
            "skills_gained": "Taking measurements and drawing patterns\nCutting cloth\nUsing and servicing a sewing machine\n"
            "Sewing blouses and skirts",
            "eligibility": "Women aged 16 and over; no experience needed.",
        },
    },
    {
        "slug": "weaving",
        "category": "weaving",
        "fee": None,
        "km": {
            "title": "តម្បាញ",
            "summary": "តម្បាញក្រមា និងសូត្រ លើកីតម្បាញប្រពៃណី ពីការរៀបចំអំបោះ រហូតដល់ការលក់។",
            "duration": "៨ សប្តាហ៍",
            "skills_gained": "រៀបចំ និងជ្រលក់អំបោះ\nតម្បាញក្រមា\nគំនូរសូត្រសាមញ្ញ\nកំណត់តម្លៃ និងលក់",
            "eligibility": "ស្ត្រី និងក្មេងស្រីអាយុ ១៦ ឆ្នាំឡើងទៅ។ ស្ត្រីពិការត្រូវបានស្វាគមន៍។",
        },
        "en": {
            "title": "Weaving",
            "summary": "Weave krama and silk on a traditional loom, from preparing the yarn to selling the cloth.",
            "duration": "8 weeks",
            "skills_gained": "Preparing and dyeing yarn\nWeaving krama\nSimple silk patterns\nPricing and selling",
            "eligibility": "Women and girls aged 16 and over. Women with disabilities are welcome.",
        },
    },
    {
        "slug": "integrated-agriculture",
        "category": "agriculture",
        "fee": None,
        "km": {
            "title": "កសិកម្មចម្រុះ",
            "summary": "ដាំបន្លែ ចិញ្ចឹមមាន់ និងធ្វើជីកំប៉ុស្តិ៍ លើដីតូច ដើម្បីហូបចុក និងលក់។",
            "duration": "៦ សប្តាហ៍ ពីរថ្ងៃក្នុងមួយសប្តាហ៍",
            "skills_gained": "ធ្វើជីកំប៉ុស្តិ៍\nដាំបន្លែតាមរដូវ\nចិញ្ចឹមមាន់\nសន្សំគ្រាប់ពូជ",
            "eligibility": "សមាជិកក្រុមអ្នកផលិត និងគ្រួសារកសិករ។",
        },
        "en": {
            "title": "Integrated agriculture",
            "summary": "Grow vegetables, raise chickens and make compost on a small plot, to eat and to sell.",
            "duration": "6 weeks, two days a week",
            "skills_gained": "Composting\nSeasonal vegetable growing\nRaising chickens\nSaving seed",
            "eligibility": "Producer Group members and farming families.",
        },
    },
    {
        "slug": "nutrition",
        "category": "nutrition",
        "fee": None,
        "km": {
            "title": "អាហារូបត្ថម្ភ",
            "summary": "រៀបចំអាហារមានជីវជាតិសម្រាប់កុមារ និងស្ត្រីមានផ្ទៃពោះ ពីផលិតផលក្នុងភូមិ។",
            "duration": "៤ សប្តាហ៍ ព្រឹកមួយដងក្នុងមួយសប្តាហ៍",
            "skills_gained": "អាហារមានតុល្យភាព\nបបរកុមារ\nអនាម័យម្ហូប\nរក្សាទុកបន្លែ",
            "eligibility": "ឪពុកម្តាយ និងអ្នកថែទាំកុមារ។",
        },
        "en": {
            "title": "Nutrition",
            "summary": "Cook nutritious meals for children and pregnant women from village produce.",
            "duration": "4 weeks, one morning a week",
            "skills_gained": "Balanced meals\nPorridge for small children\nFood hygiene\nKeeping vegetables",
            "eligibility": "Parents and carers of young children.",
        },
    },
    {
        "slug": "small-business-skills",
        "category": "business",
        "fee": Decimal("5.00"),
        "km": {
            "title": "ជំនាញអាជីវកម្មខ្នាតតូច",
            "summary": "កត់ត្រាចំណូលចំណាយ កំណត់តម្លៃ និងស្វែងរកអ្នកទិញ សម្រាប់អាជីវកម្មគ្រួសារ។",
            "duration": "៣ សប្តាហ៍",
            "skills_gained": "កត់ត្រាចំណូលចំណាយ\nគណនាថ្លៃដើម\nកំណត់តម្លៃ\nនិយាយជាមួយអ្នកទិញ",
            "eligibility": "អ្នកដែលបានបញ្ចប់វគ្គជំនាញមួយ ឬមានអាជីវកម្មតូច។",
        },
        "en": {
            "title": "Small-business skills",
            "summary": "Keep accounts, set prices and find buyers for a family business.",
            "duration": "3 weeks",
            "skills_gained": "Bookkeeping\nCosting\nPricing\nTalking to buyers",
            "eligibility": "People who finished a skills course or run a small business.",
        },
    },
]

# Synthetic names (Khmer script), reused across sessions.
NAMES = [
    "សុខ ស្រីពៅ", "ចាន់ ធីតា", "ហេង សុភា", "លី ស្រីនាង", "ម៉ៅ ចន្ទ្រា", "សៀង រស្មី", "ឈិន សុគន្ធា", "យ៉ន សំណាង",
    "ពៅ ស្រីល័ក្ខ", "គង់ ស្រីមុំ", "ទេព ច័ន្ទលីនា", "ផល្លា ស្រីស្រស់", "ឃុន សុវណ្ណី", "អ៊ុំ សុខា", "ព្រំ បុប្ផា",
    "រិទ្ធ ស្រីអូន", "ស៊ុន ចិន្តា", "វង្ស ម៉ាលី", "ខៀវ សុធា", "ណុប ស្រីនិច",
]  # fmt: skip


BODY = {
    "km": "ថ្នាក់រៀននៅមជ្ឈមណ្ឌលបណ្តុះបណ្តាលជំនាញ ភូមិភ្នំត្រង់បាត ឃុំកំពង់ថ្កូវ។ សម្ភារៈសិក្សាត្រូវបានផ្តល់ជូន។ "
    "សូមទូរស័ព្ទមកយើង ប្រសិនបើអ្នកត្រូវការជំនួយក្នុងការធ្វើដំណើរ។",
    "en": "Classes take place at the Skills Center in Phnom Trong Bat village, Kampong Thkov commune. All materials "
    "are provided. Call us if you need help with transport.",
}


def _body(language: str) -> str:
    return json.dumps([{"type": "paragraph", "value": f"<p>{BODY[language]}</p>"}])


def _courses(pages, trainer, log) -> list[CoursePage]:
    index_km = pages["skills_center"]["km"]
    en = Locale.objects.get(language_code="en")
    courses = []
    for data in COURSES:
        common = {"category": data["category"], "fee": data["fee"]}
        km_fields = {**data["km"], **common, "body": _body("km"), "locale": index_km.locale}
        course_km = _ensure_child(index_km, CoursePage, data["slug"], km_fields, log)
        course_en = _ensure_translation(course_km, en, {**data["en"], "body": _body("en")}, log)
        for course in (course_km, course_en):
            if not course.trainers.filter(pk=trainer.pk).exists():
                course.trainers.add(trainer)
                course.save_revision().publish()
        courses.append(course_km)
    return courses


def _session(course, village, trainer, *, start, weeks, weekdays, capacity, status, morning=True):
    end = start + datetime.timedelta(weeks=weeks) - datetime.timedelta(days=1)
    session = CourseSession.objects.create(
        course=course,
        venue_village=village,
        venue_name=SKILLS_CENTER_VENUE,
        start_date=start,
        end_date=end,
        weekdays=weekdays,
        start_time=datetime.time(8, 0) if morning else datetime.time(14, 0),
        end_time=datetime.time(11, 0) if morning else datetime.time(17, 0),
        capacity=capacity,
        enrolment_opens=start - datetime.timedelta(days=60),
        enrolment_closes=start - datetime.timedelta(days=1),
        status=status,
    )
    session.trainers.add(trainer)
    return session


def _villages(home: Village) -> list[Village]:
    nearby = list(Village.objects.filter(commune__district_id=home.commune.district_id).order_by("code")[:6])
    return nearby or [home]


def _person(index: int, villages) -> dict:
    return {
        "name": NAMES[index % len(NAMES)],
        "phone": f"0969{index:06d}",
        "gender": "male" if index % 9 == 4 else "female",
        "age": 16 + (index * 7) % 30,
        "village": villages[index % len(villages)],
    }


def seed(*, users, pages, log) -> None:
    ensure_course_moderation()
    trainer = users["trainer"]
    village = skills_center_village()
    villages = _villages(village)
    courses = _courses(pages, trainer, log)
    today = timezone.localdate()
    person = 0
    for number, course in enumerate(courses):
        if course.sessions.exists():
            continue
        # A completed session a few months ago, with attendance and certificates.
        past = _session(
            course,
            village,
            trainer,
            start=today - datetime.timedelta(days=120 - number),
            weeks=4,
            weekdays="0,2,4",
            capacity=10,
            status=CourseSession.Status.COMPLETED,
        )
        for seat in range(8):
            person += 1
            enrolment = Enrolment.objects.create(
                session=past,
                status=Enrolment.Status.COMPLETED if seat < 7 else Enrolment.Status.CONFIRMED,
                created_at=timezone.now() - datetime.timedelta(days=150),
                completed_at=timezone.now() - datetime.timedelta(days=90) if seat < 7 else None,
                **_person(person, villages),
            )
            Attendance.objects.bulk_create(
                Attendance(enrolment=enrolment, day=day, present=(seat + day.day) % 6 != 0, recorded_by=trainer)
                for day in past.class_days()
            )
            if enrolment.status == Enrolment.Status.COMPLETED:
                services.certificate_issue(enrolment=enrolment, issued_by=trainer)
        # An upcoming session, open for enrolment.
        upcoming = _session(
            course,
            village,
            trainer,
            start=today + datetime.timedelta(days=21 + 7 * number),
            weeks=6,
            weekdays="1,3" if number % 2 else "0,2,4",
            capacity=12,
            status=CourseSession.Status.OPEN,
            morning=number % 2 == 0,
        )
        # Tailoring is popular: full, with three on the waiting list.
        applicants = 15 if course.slug == "tailoring" else 4 + number
        for _seat in range(applicants):
            person += 1
            services.enrolment_create(session_id=upcoming.pk, **_person(person, villages))
        log(
            f"  sessions of {course.title}: {past.start_date} (completed), {upcoming.start_date} ({applicants} enrolled)"
        )
    _trained_producer(users, trainer, log)


def _trained_producer(users, trainer, log) -> None:
    """The demo producer completed the weaving course: her products carry the "trained" badge
    (linked through the registry, as a trainer does in the enrolment match screen). Idempotent."""
    member = Member.objects.filter(user=users.get("producer")).first()
    if member is None or member.training_enrolments.filter(status=Enrolment.Status.COMPLETED).exists():
        return
    enrolment = (
        Enrolment.objects.filter(status=Enrolment.Status.COMPLETED, member__isnull=True, session__status="completed")
        .order_by("-session__course__slug", "pk")  # weaving first, then tailoring
        .filter(session__course__slug__in=["weaving", "tailoring"])
        .first()
    )
    if enrolment is not None:
        services.enrolment_link_member(enrolment=enrolment, member=member, actor=trainer)
        log(f"  {member} completed {enrolment.session.course.title}")
