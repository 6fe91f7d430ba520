import pytest

from marketplace.models import Category, Order, OrderLine, Product, ProductPhoto, Quote

pytestmark = pytest.mark.django_db


def counts():
    return [model.objects.count() for model in (Category, Product, ProductPhoto, Order, OrderLine, Quote)]


def test_demo_seed_is_idempotent_and_gives_the_demo_producer_products(site_pages, settings, tmp_path):
    from accounts.demo import seed_accounts
    from marketplace import demo

    settings.MEDIA_ROOT = tmp_path
    users = seed_accounts(log=lambda *args: None)
    demo.seed(users=users, pages=site_pages, log=lambda *args: None)
    first = counts()
    demo.seed(users=users, pages=site_pages, log=lambda *args: None)
    assert counts() == first
    assert first[1] == 16 and first[3] == 4  # three orders and one from an accepted quote
    assert set(Quote.objects.values_list("status", flat=True)) == {"requested", "accepted"}
    accepted = Quote.objects.get(status="accepted")
    assert accepted.order.lines.get().unit_price == accepted.unit_price < accepted.product.price
    assert Product.objects.filter(title_km="ម្រេចកំពតសរីរាង្គ").exists()
    assert Product.objects.editable_by(users["producer"]).exists()
    assert Order.objects.values("fulfilments__group").distinct().count() >= 2
