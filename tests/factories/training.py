import datetime

import factory
from django.utils import timezone

from tests.factories.networks import VillageFactory
from training.models import CoursePage, CourseSession, Enrolment


def add_course(parent, *, title="Tailoring", slug=None, category="tailoring", trainers=(), **fields) -> CoursePage:
    """A published course page under the Skills Center page."""
    course = CoursePage(
        title=title,
        slug=slug or title.lower().replace(" ", "-"),
        summary=fields.pop("summary", f"Learn {title.lower()}."),
        category=category,
        duration=fields.pop("duration", "6 weeks"),
        locale=parent.locale,
        **fields,
    )
    parent.add_child(instance=course)
    for trainer in trainers:
        course.trainers.add(trainer)
    course.save_revision().publish()
    course.refresh_from_db()
    return course


class CourseSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseSession

    venue_village = factory.SubFactory(VillageFactory, code="17060208", name_km="ភ្នំត្រង់បាត", name_en="Phnum Trung Bat")
    venue_name = "Skills Center"
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    end_date = factory.LazyAttribute(lambda session: session.start_date + datetime.timedelta(days=27))
    weekdays = "0,2,4"
    start_time = datetime.time(8, 0)
    end_time = datetime.time(11, 0)
    capacity = 12
    enrolment_opens = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    enrolment_closes = factory.LazyAttribute(lambda session: session.start_date - datetime.timedelta(days=1))
    status = CourseSession.Status.OPEN


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    session = factory.SubFactory(CourseSessionFactory)
    name = factory.Sequence(lambda n: f"សុខ ស្រី{n}")
    phone = factory.Sequence(lambda n: f"0978{n:05d}")
    gender = "female"
    age = 30
    status = Enrolment.Status.CONFIRMED
