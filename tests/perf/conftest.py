import pytest
from django.core.cache import cache

from tests.marketplace.conftest import Shop


@pytest.fixture
def page_cache(settings):
    """The anonymous page cache on, empty."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shop(db, make_user):
    return Shop(make_user)


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
