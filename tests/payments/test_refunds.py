from decimal import Decimal

import pytest

from accounts.roles import ADMINISTRATOR, EDITOR
from marketplace.models import Order
from marketplace.payments import services
from marketplace.payments.exceptions import NotAllowed, RefundError
from marketplace.payments.models import Payment, Refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(make_order, make_user):
    order = make_order(payment_method="bank_transfer", total=Decimal("20.00"))
    services.payment_mark_paid(order=order, actor=make_user(EDITOR))
    order.refresh_from_db()
    return order


def test_partial_then_full_refund(paid_order, make_user):
    admin = make_user(ADMINISTRATOR)
    payment = paid_order.payments.get()
    product = paid_order.lines.get().product
    stock = product.stock
    services.payment_refund(payment=payment, amount=Decimal("5"), actor=admin, reason="one bundle spoiled")
    payment.refresh_from_db()
    paid_order.refresh_from_db()
    assert (payment.status, payment.amount_refunded) == (Payment.Status.PARTIALLY_REFUNDED, Decimal("5.00"))
    assert paid_order.status == Order.Status.PAID
    services.payment_refund(payment=payment, amount=Decimal("15"), actor=admin)
    payment.refresh_from_db()
    paid_order.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert paid_order.status == Order.Status.REFUNDED
    product.refresh_from_db()
    assert product.stock == stock + Decimal("5")  # the order was cancelled: stock is back
    assert Refund.objects.count() == 2


def test_partial_refund_with_cancel_returns_stock(paid_order, make_user):
    product = paid_order.lines.get().product
    stock = product.stock
    services.payment_refund(
        payment=paid_order.payments.get(), amount=Decimal("2"), actor=make_user(ADMINISTRATOR), cancel_order=True
    )
    paid_order.refresh_from_db()
    product.refresh_from_db()
    assert paid_order.status == Order.Status.CANCELLED
    assert product.stock == stock + Decimal("5")


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1"), Decimal("20.01")])
def test_refund_outside_the_paid_amount_is_refused(paid_order, make_user, amount):
    with pytest.raises(RefundError):
        services.payment_refund(payment=paid_order.payments.get(), amount=amount, actor=make_user(ADMINISTRATOR))
    assert not Refund.objects.exists()


def test_editors_cannot_refund(paid_order, make_user, client):
    editor = make_user(EDITOR)
    payment = paid_order.payments.get()
    with pytest.raises(NotAllowed):
        services.payment_refund(payment=payment, amount=Decimal("1"), actor=editor)
    client.force_login(editor)
    response = client.post(f"/admin/payments/payments/refund/{payment.pk}/", {"amount": "1.00"})
    assert response.status_code in (302, 403) and response.get("Location", "/admin/") == "/admin/"
    assert not Refund.objects.exists()


def test_admin_refund_screen(paid_order, make_user, client):
    client.force_login(make_user(ADMINISTRATOR))
    payment = paid_order.payments.get()
    url = f"/admin/payments/payments/refund/{payment.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"amount": "25.00", "reason": "too much"})
    # Re-shown with the limit next to the field (in the admin's language), nothing refunded.
    assert response.status_code == 200 and b"20.00" in response.content and b"error" in response.content
    assert not Refund.objects.exists()
    response = client.post(url, {"amount": "4.00", "reason": "late"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("4.00")


def test_admin_payment_screens_are_read_only(paid_order, make_user, client):
    client.force_login(make_user(ADMINISTRATOR))
    payment = paid_order.payments.get()
    listing = client.get("/admin/payments/payments/")
    assert listing.status_code == 200 and paid_order.reference.encode() in listing.content
    assert client.get(f"/admin/payments/payments/inspect/{payment.pk}/").status_code == 200
    assert client.get(f"/admin/payments/payments/edit/{payment.pk}/").status_code in (302, 403)
    assert client.get(f"/admin/payments/payments/delete/{payment.pk}/").status_code in (302, 403)
    assert client.get("/admin/payments/payments/?export=csv").status_code == 200
    assert client.get("/admin/payments/notifications/").status_code == 200


def test_admin_awaiting_and_record(make_order, make_user, client):
    order = make_order(payment_method="cash_on_delivery")
    client.force_login(make_user(EDITOR))
    response = client.get("/admin/payments/payments/awaiting/")
    assert response.status_code == 200 and order.reference.encode() in response.content
    response = client.post(f"/admin/payments/payments/record/{order.pk}/", {"reference": "", "note": "cash"})
    assert response.status_code == 302
    assert order.payments.captured().exists()
    assert f"/record/{order.pk}/".encode() not in client.get("/admin/payments/payments/awaiting/").content


def test_buyer_without_admin_cannot_reach_payment_admin(make_user, client):
    client.force_login(make_user("Buyer"))
    assert client.get("/admin/payments/payments/").status_code in (302, 403)
