"""Brute force and flooding: django-axes on every sign-in path, a rate limit on anonymous
writes, and a public password reset by email."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command

from accounts import roles
from tests.factories.accounts import PASSWORD


@pytest.fixture
def dara(make_user):
    return make_user(roles.PRODUCER, username="dara", email="dara@example.org", phone="012777001")


@pytest.fixture
def staff(make_user):
    return make_user(username="admin-sok", is_staff=True, is_superuser=True)


def _signed_in(client):
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_admin_login_locks_after_five_failures_and_the_right_password_no_longer_works(client, staff, settings):
    answers = [
        client.post("/admin/login/", {"username": "admin-sok", "password": "wrong"}).status_code
        for _attempt in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the fifth failure locks
    response = client.post("/admin/login/", {"username": "admin-sok", "password": PASSWORD})
    assert response.status_code == 429
    assert "Signing in is paused" in response.content.decode()
    assert not _signed_in(client)


@pytest.mark.django_db
def test_sign_in_by_username_email_and_phone_share_one_count(client, dara, site_pages, settings):
    """Spelling the account three ways does not buy three times the attempts."""
    identifiers = ["dara", "dara@example.org", "012 777 001", "+855 12 777 001", "DARA"]
    assert len(identifiers) == settings.AXES_FAILURE_LIMIT
    answers = [
        client.post("/km/accounts/sign-in/", {"username": identifier, "password": "wrong"}).status_code
        for identifier in identifiers
    ]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    response = client.post("/km/accounts/sign-in/", {"username": "012777001", "password": PASSWORD})
    assert response.status_code == 429
    content = response.content.decode()
    assert "ការចូលគណនីត្រូវបានផ្អាក" in content  # Khmer: "signing in is paused"
    assert "30" in content  # for how long
    assert not _signed_in(client)
    english = client.post("/en/accounts/sign-in/", {"username": "dara", "password": PASSWORD})
    assert english.status_code == 429 and "too many wrong passwords" in english.content.decode()


@pytest.mark.django_db
def test_another_address_is_not_locked_out_with_the_attacker(client, dara, site_pages, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/km/accounts/sign-in/", {"username": "dara", "password": "wrong"}, REMOTE_ADDR="10.0.0.66")
    locked = client.post("/km/accounts/sign-in/", {"username": "dara", "password": PASSWORD}, REMOTE_ADDR="10.0.0.66")
    assert locked.status_code == 429
    response = client.post("/km/accounts/sign-in/", {"username": "dara", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302 and _signed_in(client)


@pytest.mark.django_db
def test_staff_unlock_with_axes_reset_username(client, dara, site_pages, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/km/accounts/sign-in/", {"username": "dara", "password": "wrong"})
    assert client.post("/km/accounts/sign-in/", {"username": "dara", "password": PASSWORD}).status_code == 429
    call_command("axes_reset_username", "dara", stdout=open("/dev/null", "w"))
    response = client.post("/km/accounts/sign-in/", {"username": "dara", "password": PASSWORD})
    assert response.status_code == 302 and _signed_in(client)


@pytest.fixture
def limited(settings):
    settings.RATELIMIT_WRITES = "3/m"
    cache.clear()
    yield
    cache.clear()


def _write_urls(public_site):
    product, session = public_site["product"], public_site["session"]
    return {
        "checkout": "/km/market/checkout/",
        "quote request": f"/km/market/p/{product.pk}/quote/",
        "quote request (category)": "/km/market/quotes/new/",
        "quote accept": "/km/market/quotes/999999/accept/",
        "quote withdraw": "/km/market/quotes/999999/withdraw/",
        "enrol": f"/km/skills-center/enrol/{session.pk}/",
        "contact": "/km/contact/",
        "i have paid": "/km/market/orders/NO-SUCH-ORDER/pay/khqr/check/",
        "password reset": "/km/accounts/password-reset/",
    }


@pytest.mark.django_db
def test_anonymous_writes_are_rate_limited(client, public_site, limited):
    from training.models import Enrolment

    for name, url in _write_urls(public_site).items():
        for _attempt in range(3):
            assert client.post(url, {}).status_code != 429, name
        response = client.post(url, {})
        assert response.status_code == 429, name
        assert "សូមរង់ចាំ" in response.content.decode(), name  # Khmer: "please wait"
    # The limit counts per client address: another address still gets through.
    session = public_site["session"]
    data = {"name": "Sok Dara", "phone": "012345678", "gender": "female", "age": "30"}
    assert client.post(f"/km/skills-center/enrol/{session.pk}/", data).status_code == 429
    assert not Enrolment.objects.exists()  # the refused enrolment wrote nothing
    response = client.post(f"/km/skills-center/enrol/{session.pk}/", data, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302 and Enrolment.objects.count() == 1


@pytest.mark.django_db
def test_reading_is_not_rate_limited(client, public_site, limited):
    for _attempt in range(10):
        assert client.get("/km/market/checkout/").status_code != 429


@pytest.mark.django_db
def test_password_reset_by_email(client, dara, site_pages):
    page = client.get("/km/accounts/sign-in/").content.decode()
    assert "/km/accounts/password-reset/" in page
    response = client.post("/km/accounts/password-reset/", {"email": "dara@example.org"})
    assert response.status_code == 302 and response["Location"] == "/km/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/km/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    # An unknown address gets the same answer and no email.
    assert client.post("/km/accounts/password-reset/", {"email": "nobody@example.org"}).status_code == 302
    assert len(mail.outbox) == 1
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "a-New-pass-2026", "new_password2": "a-New-pass-2026"})
    assert done.status_code == 302
    # The link works once.
    assert "new_password1" not in client.get(link, follow=True).content.decode()
    response = client.post("/km/accounts/sign-in/", {"username": "012777001", "password": "a-New-pass-2026"})
    assert response.status_code == 302 and _signed_in(client)


def test_the_client_address_cannot_be_spoofed_through_x_forwarded_for(rf, settings):
    from accounts.throttling import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "1.2.3.4"; our one proxy appended the address it saw.
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "203.0.113.9"
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="not-an-address", REMOTE_ADDR="127.0.0.1")) is None
    settings.TRUSTED_PROXY_COUNT = 0  # no proxy: the header is the client's own words
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="198.51.100.2")) == "198.51.100.2"
