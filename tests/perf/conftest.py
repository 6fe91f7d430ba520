import pytest
from django.core.cache import cache

from tests.marketplace.conftest import Shop


@pytest.fixture
def page_cache(settings):
    """The anonymous page cache on, empty."""
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shop(db, make_user):
    return Shop(make_user)
