import pytest


@pytest.fixture
def public_site(site_pages):
    """The demo page tree plus one published product, one open course session and one order, so
    every public route has something real to resolve."""
    from marketplace import services as market_services
    from tests.factories.marketplace import ProductFactory
    from tests.factories.training import CourseSessionFactory, add_course

    product = ProductFactory(title_en="Rice", stock=50)
    course = add_course(site_pages["skills_center"]["km"], title="Tailoring")
    session = CourseSessionFactory(course=course, capacity=3)
    return {"pages": site_pages, "product": product, "course": course, "session": session, "services": market_services}


@pytest.fixture(autouse=True)
def quiet_request_log():
    """The walks make thousands of 404s; keep the log for errors only."""
    import logging

    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)
