import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def usd_market_in_english(settings):
    """Messages are matched in English (the site's default is Khmer); amounts in USD cents."""
    settings.MARKET_CURRENCY = "USD"
    with translation.override("en"):
        yield
