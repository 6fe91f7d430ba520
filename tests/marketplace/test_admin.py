"""Wagtail admin: staff moderate and manage everything; anyone else with admin access is kept
to their own groups, including in the generic edit/delete/inspect views."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import Permission

from marketplace.models import Order, Product
from tests.factories.marketplace import place_order

pytestmark = pytest.mark.django_db


def not_found(response) -> bool:
    """A 404 in the admin (cms.middleware keeps admin 404s from being redirected to /km/)."""
    return response.status_code == 404


@pytest.fixture
def admin_coordinator(shop):
    """Group A's coordinator, given admin access and marketplace permissions (as an NGO might)."""
    role = Role.objects.create(name="Market helpers")
    codenames = ["access_admin", "view_product", "change_product", "delete_product", "view_order", "change_order"]
    codenames += ["view_quote", "change_quote", "view_fulfilment", "change_fulfilment"]
    role.permissions.set(Permission.objects.filter(codename__in=codenames))
    shop.coordinator_user.groups.add(role)
    return shop.coordinator_user


def test_editor_moderates_products(client, shop, make_user):
    client.force_login(make_user("Editor"))
    listing = client.get("/admin/market_product/", {"status": "published"})
    assert listing.status_code == 200
    html = listing.content.decode()
    assert shop.product_a.title_km in html and shop.product_b.title_km in html
    Product.objects.filter(pk=shop.product_b.pk).update(status="pending_review")
    pending = client.get("/admin/market_product/", {"status": "pending_review"}).content.decode()
    assert shop.product_b.title_km in pending and shop.product_a.title_km not in pending
    export = client.get("/admin/market_product/", {"export": "csv"})
    assert export.status_code == 200 and shop.product_b.title_km in b"".join(export.streaming_content).decode()


@pytest.mark.parametrize("role", ["Producer", "Group coordinator", "Buyer"])
def test_producers_and_buyers_have_no_admin(client, shop, role):
    user = {"Producer": shop.producer_a_user, "Group coordinator": shop.coordinator_user}.get(role)
    if user is None:
        from tests.factories.accounts import UserFactory

        user = UserFactory(roles=[role])
    client.force_login(user)
    for url in ("/admin/market_product/", f"/admin/market_product/edit/{shop.product_b.pk}/", "/admin/market_order/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_admin_access_is_still_scoped_to_the_users_groups(client, shop, admin_coordinator):
    order_b = place_order(shop.product_b)
    order_a = place_order(shop.product_a)
    client.force_login(admin_coordinator)
    listing = client.get("/admin/market_product/").content.decode()
    assert shop.product_a.title_km in listing and shop.product_b.title_km not in listing
    b = shop.product_b.pk
    assert not_found(client.get(f"/admin/market_product/edit/{b}/"))
    assert not_found(client.post(f"/admin/market_product/edit/{b}/", {"title_km": "x"}))
    assert not_found(client.get(f"/admin/market_product/delete/{b}/"))
    assert not_found(client.post(f"/admin/market_product/delete/{b}/"))
    assert not_found(client.get(f"/admin/market_product/inspect/{b}/"))
    assert Product.objects.filter(pk=b).exists()
    assert client.get(f"/admin/market_product/edit/{shop.product_a.pk}/").status_code == 200
    form = client.get(f"/admin/market_product/edit/{shop.product_a.pk}/").context["form"]
    assert list(form.fields["group"].queryset) == [shop.group_a]
    assert shop.producer_b not in form.fields["producer"].queryset
    orders = client.get("/admin/market_order/").content.decode()
    assert order_a.reference in orders and order_b.reference not in orders
    assert not_found(client.get(f"/admin/market_order/edit/{order_b.pk}/"))
    assert not_found(client.get(f"/admin/market_order/inspect/{order_b.pk}/"))
    assert not_found(client.post(f"/admin/market_order/{order_b.pk}/cancel/"))
    order_b.refresh_from_db()
    assert order_b.status == Order.Status.CONFIRMED
    part_b = order_b.fulfilments.get()
    assert not_found(client.post(f"/admin/market_fulfilment/{part_b.pk}/move/ready/"))
    assert not_found(client.get(f"/admin/market_fulfilment/edit/{part_b.pk}/"))
    fulfilments = client.get("/admin/market_fulfilment/").content.decode()
    assert order_a.reference in fulfilments and order_b.reference not in fulfilments
    from marketplace.models import Quote

    quote_b = Quote.objects.create(group=shop.group_b, name="Trader of B", phone="012", quantity=1, message="?")
    Quote.objects.create(group=shop.group_a, name="Trader of A", phone="012", quantity=1, message="?")
    quotes = client.get("/admin/market_quote/").content.decode()
    assert "Trader of A" in quotes and "Trader of B" not in quotes
    assert not_found(client.get(f"/admin/market_quote/inspect/{quote_b.pk}/"))
    # Quotes are never edited in the admin (whoever asks): refused before any lookup.
    client.post(f"/admin/market_quote/edit/{quote_b.pk}/", {"reply": "x", "status": "offered"})
    quote_b.refresh_from_db()
    assert quote_b.reply == ""


def test_orders_are_never_added_or_deleted_in_the_admin(client, shop, make_user):
    order = place_order(shop.product_a)
    client.force_login(make_user("Administrator"))
    assert client.get("/admin/market_order/add/").status_code in (302, 403, 404)
    client.post(f"/admin/market_order/delete/{order.pk}/")
    assert Order.objects.filter(pk=order.pk).exists()


def test_staff_cancel_releases_stock(client, shop, make_user):
    order = place_order(shop.product_a)
    client.force_login(make_user("Editor"))
    assert client.get(f"/admin/market_order/{order.pk}/cancel/").status_code == 200
    response = client.post(f"/admin/market_order/{order.pk}/cancel/", {"reason": "Buyer called"})
    assert response.status_code == 302
    order.refresh_from_db()
    shop.product_a.refresh_from_db()
    assert order.status == "cancelled" and shop.product_a.stock == Decimal("100")
    assert client.get("/admin/market_order/", {"status": "cancelled"}).status_code == 200
    export = client.get("/admin/market_order/", {"export": "xlsx"})
    assert export.status_code == 200


def test_staff_move_fulfilments_and_complete(client, shop, make_user):
    order = place_order(shop.product_a)
    part = order.fulfilments.get()
    client.force_login(make_user("Editor"))
    client.post(f"/admin/market_fulfilment/{part.pk}/move/ready/")
    client.post(f"/admin/market_fulfilment/{part.pk}/move/delivered/")
    order.refresh_from_db()
    assert order.status == "delivered"
    client.post(f"/admin/market_order/{order.pk}/complete/")
    order.refresh_from_db()
    assert order.status == "completed"
    assert client.get("/admin/market_quote/").status_code == 200
    assert client.get("/admin/market_category/").status_code == 200


def test_staff_publish_through_the_edit_form_stamps_the_publication(client, shop, make_user):
    Product.objects.filter(pk=shop.product_b.pk).update(status="pending_review", published_at=None)
    client.force_login(make_user("Editor"))
    url = f"/admin/market_product/edit/{shop.product_b.pk}/"
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "photos"}
    data.update(
        {
            "producer": shop.producer_b.pk,
            "group": shop.group_b.pk,
            "category": shop.product_b.category.pk,
            "status": "published",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
            "photos-MIN_NUM_FORMS": "0",
            "photos-MAX_NUM_FORMS": "6",
        }
    )
    data.pop("available_from", None)
    # An order reserves stock while the editor has the form open: saving must not undo it.
    Product.objects.filter(pk=shop.product_b.pk).update(stock=Decimal("60"))
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    shop.product_b.refresh_from_db()
    assert shop.product_b.status == "published" and shop.product_b.published_at is not None
    assert shop.product_b.stock == Decimal("60")
    data["stock"] = "75"  # a tampered read-only field changes nothing
    client.post(url, data)
    shop.product_b.refresh_from_db()
    assert shop.product_b.stock == Decimal("60")
    data["status"] = "pending_review"  # staff may not send a published product back to review
    response = client.post(url, data)
    assert response.status_code == 200 and "status" in response.context["form"].errors


def test_editing_an_existing_products_photos_in_the_admin_changes_them(client, shop, make_user):
    """Issue 10 #11: the edit form saved with update_fields and never committed the photos."""
    from marketplace.models import ProductPhoto
    from tests.factories.marketplace import ImageFactory

    old_image, new_image = ImageFactory(), ImageFactory()
    photo = ProductPhoto.objects.create(product=shop.product_b, image=old_image, caption="old", sort_order=0)
    client.force_login(make_user("Editor"))
    url = f"/admin/market_product/edit/{shop.product_b.pk}/"
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "photos"}
    data.pop("available_from", None)
    data.update(
        {
            "producer": shop.producer_b.pk,
            "group": shop.group_b.pk,
            "category": shop.product_b.category.pk,
            "photos-TOTAL_FORMS": "2",
            "photos-INITIAL_FORMS": "1",
            "photos-MIN_NUM_FORMS": "0",
            "photos-MAX_NUM_FORMS": "6",
            # the existing photo gets another image and caption ...
            "photos-0-id": str(photo.pk),
            "photos-0-image": str(new_image.pk),
            "photos-0-caption": "new caption",
            "photos-0-ORDER": "1",
            "photos-0-DELETE": "",
            # ... and a second photo is added
            "photos-1-id": "",
            "photos-1-image": str(old_image.pk),
            "photos-1-caption": "added",
            "photos-1-ORDER": "2",
            "photos-1-DELETE": "",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    photos = list(shop.product_b.photos.order_by("sort_order").values_list("image_id", "caption"))
    assert photos == [(new_image.pk, "new caption"), (old_image.pk, "added")]
    # and removing one removes it
    data.update({"photos-1-id": str(shop.product_b.photos.get(caption="added").pk), "photos-INITIAL_FORMS": "2"})
    data["photos-1-DELETE"] = "1"
    assert client.post(url, data).status_code == 302
    assert list(shop.product_b.photos.values_list("caption", flat=True)) == ["new caption"]


def test_staff_see_quotes_but_change_them_only_through_the_services(client, shop, make_user):
    """Issue 14: the quotes admin lists, filters, exports and inspects; it never edits, adds or
    deletes (the group answers in My shop, the trader accepts on her page)."""
    from marketplace.models import Quote

    quote = Quote.objects.create(group=shop.group_b, name="Trader", phone="012", quantity=5, message="10 kg?")
    client.force_login(make_user("Editor", is_staff=True))
    index = client.get("/admin/market_quote/?status=requested")
    assert index.status_code == 200 and "Trader" in index.content.decode()
    assert "Trader" not in client.get("/admin/market_quote/?status=offered").content.decode()
    assert client.get(f"/admin/market_quote/inspect/{quote.pk}/").status_code == 200
    export = client.get("/admin/market_quote/?export=csv")
    assert export.status_code == 200 and "Trader" in b"".join(export.streaming_content).decode()
    for url in (f"/admin/market_quote/edit/{quote.pk}/", f"/admin/market_quote/delete/{quote.pk}/"):
        client.post(url, {"reply": "Yes", "status": "accepted", "message": "changed"})
    assert client.get("/admin/market_quote/add/").status_code in (302, 403, 404)
    quote.refresh_from_db()
    assert (quote.status, quote.reply, quote.message) == ("requested", "", "10 kg?")


def test_the_product_form_never_offers_a_protected_member_as_producer(client, shop, make_user):
    """Minors and Happy Women members are never producers, and the select would name them."""
    import datetime

    from tests.factories.networks import MemberFactory, MembershipFactory

    today = datetime.date.today()
    minor = MemberFactory(birth_year=today.year - 12)
    MembershipFactory(member=minor, group=shop.group_b)
    client.force_login(make_user("Editor"))
    response = client.get(f"/admin/market_product/edit/{shop.product_b.pk}/")
    producers = response.context["form"].fields["producer"].queryset
    assert shop.producer_b in producers and minor not in producers
    assert f"Protected member #{minor.pk}" not in response.content.decode()
