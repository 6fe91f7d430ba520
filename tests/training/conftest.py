import pytest

from accounts import roles
from tests.factories.training import CourseSessionFactory, add_course


@pytest.fixture
def skills_center(site_pages):
    return site_pages["skills_center"]["km"]


@pytest.fixture
def trainer(make_user):
    return make_user(roles.TRAINER, is_staff=True)


@pytest.fixture
def other_trainer(make_user):
    return make_user(roles.TRAINER, is_staff=True)


@pytest.fixture
def course(skills_center, trainer):
    return add_course(skills_center, title="Tailoring", trainers=[trainer])


@pytest.fixture
def other_course(skills_center, other_trainer):
    return add_course(skills_center, title="Weaving", category="weaving", trainers=[other_trainer])


@pytest.fixture
def session(course):
    return CourseSessionFactory(course=course, capacity=2)


@pytest.fixture
def person():
    return {"name": "ចាន់ ធីតា", "phone": "012 345 678", "gender": "female", "age": 24}
