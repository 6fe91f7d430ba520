import pytest

from tests.marketplace.conftest import Shop


@pytest.fixture
def shop(db, make_user):
    return Shop(make_user)
