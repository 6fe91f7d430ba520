"""Recording money received: staff or the group's coordinator may, the buyer never may."""

from decimal import Decimal

import pytest
from django.core import mail

from accounts.roles import ADMINISTRATOR, BUYER, EDITOR, GROUP_COORDINATOR, PRODUCER
from marketplace.models import Order
from marketplace.payments import services
from marketplace.payments.exceptions import AlreadyPaid, NotAllowed, PaymentError
from marketplace.payments.models import Payment
from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def coordinator_of(group, make_user, role="leader"):
    user = make_user(GROUP_COORDINATOR)
    MembershipFactory(member=MemberFactory(user=user), group=group, role=role)
    return user


@pytest.mark.parametrize("method", ["cash_on_delivery", "pay_at_pickup", "bank_transfer", "khqr"])
def test_staff_records_payment_and_order_becomes_paid(
    make_order, make_user, method, django_capture_on_commit_callbacks
):
    order = make_order(payment_method=method)
    staff = make_user(ADMINISTRATOR)
    with django_capture_on_commit_callbacks(execute=True):
        payment = services.payment_mark_paid(order=order, actor=staff, reference="BANK-77")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.paid_at
    assert (payment.status, payment.amount, payment.recorded_by) == (Payment.Status.SUCCEEDED, order.total, staff)
    assert len(mail.outbox) == 1


def test_coordinator_of_the_fulfilling_group_may_record(make_order, make_user):
    order = make_order(payment_method="pay_at_pickup")
    group = order.fulfilments.get().group
    for role in ("leader", "deputy", "treasurer"):
        user = coordinator_of(group, make_user, role=role)
        from marketplace.payments.permissions import can_mark_paid

        assert can_mark_paid(user, order)
    services.payment_mark_paid(order=order, actor=user)
    assert order.payments.captured().count() == 1


def test_coordinator_of_another_group_a_plain_member_or_a_former_leader_may_not(make_order, make_user):
    order = make_order(payment_method="cash_on_delivery")
    group = order.fulfilments.get().group
    other = coordinator_of(GroupFactory(), make_user)
    member = coordinator_of(group, make_user, role="member")
    former = make_user(GROUP_COORDINATOR)
    MembershipFactory(
        member=MemberFactory(user=former), group=group, role="leader", left="2025-01-01", joined="2020-01-01"
    )
    producer = make_user(PRODUCER)
    for user in (other, member, former, producer):
        with pytest.raises(NotAllowed):
            services.payment_mark_paid(order=order, actor=user)
    assert not Payment.objects.exists()


def test_buyer_can_never_mark_her_own_order_paid(make_order, make_user, client):
    buyer = make_user(BUYER, ADMINISTRATOR, email="buyer@example.com")
    order = make_order(payment_method="bank_transfer", buyer=buyer)
    with pytest.raises(NotAllowed):
        services.payment_mark_paid(order=order, actor=buyer)
    # Even without the account link: her email on the order is enough to refuse.
    twin = make_order(payment_method="bank_transfer", buyer_email="buyer@example.com")
    with pytest.raises(NotAllowed):
        services.payment_mark_paid(order=twin, actor=buyer)
    client.force_login(buyer)
    response = client.post(f"/km/market/orders/{order.reference}/mark-paid/", {"reference": "X"})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert not Payment.objects.exists()


def test_anonymous_is_sent_to_sign_in(make_order, client):
    order = make_order(payment_method="cash_on_delivery")
    response = client.post(f"/km/market/orders/{order.reference}/mark-paid/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert not Payment.objects.exists()


def test_card_orders_cannot_be_marked_paid_by_hand(make_order, make_user):
    order = make_order(payment_method="stripe")
    with pytest.raises(NotAllowed):
        services.payment_mark_paid(order=order, actor=make_user(ADMINISTRATOR))


def test_paying_twice_or_a_cancelled_order_is_refused(make_order, make_user):
    staff = make_user(EDITOR)
    order = make_order(payment_method="khqr")
    services.payment_mark_paid(order=order, actor=staff)
    with pytest.raises(AlreadyPaid):
        services.payment_mark_paid(order=order, actor=staff)
    cancelled = make_order(payment_method="bank_transfer", status=Order.Status.CANCELLED)
    with pytest.raises(PaymentError):
        services.payment_mark_paid(order=cancelled, actor=staff)
    assert Payment.objects.count() == 1


def test_coordinator_marks_paid_through_the_form(make_order, make_user, client):
    order = make_order(payment_method="pay_at_pickup")
    user = coordinator_of(order.fulfilments.get().group, make_user)
    client.force_login(user)
    url = f"/en/market/orders/{order.reference}/mark-paid/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"reference": "", "note": "cash at pickup", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil" not in response["Location"]
    assert order.payments.captured().get().note == "cash at pickup"
    # Issue 10 #8: on an already-paid order the form is gone; a stale second submission
    # records nothing and says so, not a 500.
    page = client.get(url).content.decode()
    assert "already recorded" in page and "Money received" not in page
    response = client.post(url, {"reference": ""})
    assert response.status_code == 200
    assert b"already recorded" in response.content
    assert order.payments.captured().count() == 1


def test_cash_order_already_delivered_keeps_its_status_and_gains_a_paid_time(make_order, make_user):
    order = make_order(payment_method="cash_on_delivery", status=Order.Status.DELIVERED)
    services.payment_mark_paid(order=order, actor=make_user(ADMINISTRATOR))
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED and order.paid_at


def test_bank_transfer_page_shows_account_and_reference(make_order, client, site_pages):
    from wagtail.models import Site

    from marketplace.payments.models import PaymentSettings

    PaymentSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={"bank_account_number": "000-111-222", "bank_name": "ACLEDA", "bank_account_name": "Sahakum"},
    )
    order = make_order(payment_method="bank_transfer", total=Decimal("8.00"))
    response = client.get(f"/en/market/orders/{order.reference}/pay/bank-transfer/?token={order.access_token}")
    assert response.status_code == 200
    assert b"000-111-222" in response.content and order.reference.encode() in response.content
    # Issue 10 #1: the site's money display and a link back to the order page.
    html = response.content.decode()
    assert "$8.00" in html and "8.00 USD" not in html
    assert f'href="/en/market/orders/{order.reference}/?token={order.access_token}"' in html
    assert order.payments.get().status == Payment.Status.PENDING
    # No token, no page.
    assert client.get(f"/en/market/orders/{order.reference}/pay/bank-transfer/").status_code == 404
    assert client.get(f"/en/market/orders/{order.reference}/pay/bank-transfer/?token=wrong").status_code == 404


def test_my_shop_offers_record_payment_to_the_coordinator_only(make_order, make_user, client, site_pages):
    order = make_order(payment_method="pay_at_pickup")
    group = order.fulfilments.get().group
    coordinator = coordinator_of(group, make_user)
    client.force_login(coordinator)
    page = client.get("/en/my-shop/orders/")
    link = f"/en/market/orders/{order.reference}/mark-paid/?next=/en/my-shop/orders/"
    assert link in page.content.decode()
    response = client.post(link, {"reference": "", "next": "/en/my-shop/orders/"})
    assert response.status_code == 302 and response["Location"] == "/en/my-shop/orders/"
    order.refresh_from_db()
    assert order.paid_at
    assert link not in client.get("/en/my-shop/orders/").content.decode()
    # A plain member of the group sees the order but no link.
    member = coordinator_of(group, make_user, role="member")
    client.force_login(member)
    other = make_order(payment_method="pay_at_pickup", product=order.lines.get().product)
    assert f"/market/orders/{other.reference}/mark-paid/" not in client.get("/en/my-shop/orders/").content.decode()


def test_each_group_records_only_its_own_part_of_a_cash_order(make_user, client):
    """Issue 10 #8: a $48 pay-at-pickup order from two groups ($18 + $30). The coordinator of
    the first records $18 (not $48); the order is paid only when the second group records its
    $30; neither can record the other's part, and her form is gone once her part is paid."""
    from tests.factories.marketplace import ProductFactory, place_order

    rice = ProductFactory(price=Decimal("6.00"))  # 3 × $6 = $18
    silk = ProductFactory(price=Decimal("10.00"))  # 3 × $10 = $30
    order = place_order((rice, "3"), (silk, "3"), payment_method="pay_at_pickup")
    assert order.total == Decimal("48.00")
    first, second = coordinator_of(rice.group, make_user), coordinator_of(silk.group, make_user)
    url = f"/en/market/orders/{order.reference}/mark-paid/"
    client.force_login(first)
    page = client.get(url).content.decode()
    assert "Amount to record: $18.00" in page
    client.post(url, {"reference": "", "note": ""})
    payment = order.payments.captured().get()
    assert (payment.amount, payment.fulfilment.group_id) == (Decimal("18.00"), rice.group_id)
    order.refresh_from_db()
    assert order.paid_at is None and order.status == Order.Status.CONFIRMED
    page = client.get(url).content.decode()
    assert "already recorded" in page and "Money received" not in page
    with pytest.raises(PaymentError):
        services.payment_mark_paid(order=order, actor=first)
    assert order.payments.captured().count() == 1

    client.force_login(second)
    assert "Amount to record: $30.00" in client.get(url).content.decode()
    services.payment_mark_paid(order=order, actor=second)
    order.refresh_from_db()
    assert order.paid_at is not None and order.status == Order.Status.PAID
    assert sorted(order.payments.captured().values_list("amount", flat=True)) == [Decimal("18.00"), Decimal("30.00")]
