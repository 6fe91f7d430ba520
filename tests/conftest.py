import pytest
from django.core.cache import cache
from django.db import connection

NO_LOG = lambda *args: None  # noqa: E731


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need real row locks and run only against PostgreSQL."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL): real row locks or trigram search")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# The two-language page tree is built once per test session, right after the test database is
# created, and committed: every test that runs in a transaction (pytest-django's `db`) rolls back
# to it. Tests that run outside a transaction (`transactional_db`, `live_server`) truncate every
# table when they end; pytest-django runs them after all the others, and `site_pages` re-seeds
# the tree for them (seed_pages is idempotent).
_SEEDED_PAGE_IDS: dict[str, dict[str, int]] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from cms.demo import seed_pages

    with django_db_blocker.unblock():
        pages = seed_pages(log=NO_LOG)
    _SEEDED_PAGE_IDS.update(
        {key: {language: page.pk for language, page in both.items()} for key, both in pages.items()}
    )


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


def _load_seeded_pages() -> dict:
    from wagtail.models import Page

    ids = [pk for both in _SEEDED_PAGE_IDS.values() for pk in both.values()]
    by_pk = {page.pk: page for page in Page.objects.filter(pk__in=ids).specific()}
    return {key: {language: by_pk[pk] for language, pk in both.items()} for key, both in _SEEDED_PAGE_IDS.items()}


@pytest.fixture
def site_pages(db):
    """The demo page tree (both languages), without the other demo data:
    {key: {"km": page, "en": page}}, fresh instances for each test."""
    if connection.in_atomic_block:
        return _load_seeded_pages()
    # A transactional test: an earlier one may have truncated the tables.
    from cms.demo import seed_pages

    return seed_pages(log=NO_LOG)


@pytest.fixture
def make_user(db):
    from tests.factories.accounts import UserFactory

    def make(*roles, **kwargs):
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def page_cache(settings):
    """The anonymous page cache and the fragments on, empty."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fragment_cache(settings):
    """Fragments cached as in production, page cache off (uncached requests)."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change and its after-commit purges, as a real request would."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run
