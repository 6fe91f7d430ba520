"""Choosing how to be reached, or no messages; the Telegram deep link with a one-time token."""

import pytest
from django.urls import reverse

from notifications.models import Contact
from notifications.views import preferences_url_for_phone

pytestmark = pytest.mark.django_db


def test_signed_in_person_chooses_no_messages(client, make_user):
    user = make_user(phone="012345678")
    client.force_login(user)
    url = "/km/messages/"
    page = client.get(url)
    assert page.status_code == 200 and "សារ" in page.content.decode()
    response = client.post(url, {"preference": "none", "language": "km", "action": "save"})
    assert response.status_code == 302
    assert Contact.objects.get(user=user).preference == "none"


def test_bad_choice_is_a_400_and_saves_nothing(client, make_user):
    client.force_login(make_user())
    response = client.post(reverse("notifications:preferences"), {"preference": "pigeon", "language": "km"})
    assert response.status_code == 400
    assert Contact.objects.get().preference == "auto"


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_telegram_button_redirects_to_a_one_time_deep_link(client, make_user, bot):
    user = make_user()
    client.force_login(user)
    response = client.post(reverse("notifications:preferences"), {"action": "telegram"})
    assert response.status_code == 302
    assert response["Location"].startswith("https://t.me/sahakum_test_bot?start=")
    token = response["Location"].rsplit("=", 1)[1]
    contact = Contact.objects.get(user=user)
    assert contact.link_token_valid(token)
    assert token not in contact.link_token_hash  # stored hashed


def test_private_phone_link_for_learners(client):
    url = preferences_url_for_phone("012 345 678")
    assert client.get(url).status_code == 200
    client.post(url, {"preference": "sms", "language": "en"})
    contact = Contact.objects.get(phone="012345678", user=None)
    assert (contact.preference, contact.language) == ("sms", "en")


def test_tampered_phone_link_404(client):
    url = preferences_url_for_phone("012345678")
    assert client.get(url[:-3] + "xx/").status_code == 404


def test_links_from_my_shop_and_the_enrolment_page():
    from django.template.loader import render_to_string

    assert reverse("notifications:preferences") in render_to_string("notifications/includes/messages_link.html")
    private = render_to_string("notifications/includes/messages_link.html", {"phone": "012345678"})
    assert "/messages/" in private and reverse("notifications:preferences") + '"' not in private
