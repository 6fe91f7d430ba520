import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.test import RequestFactory

from accounts import roles
from accounts.models import User, normalise_phone
from tests.factories.accounts import PASSWORD


def _request():
    """django-axes guards every authenticate() call and needs the request it counts for."""
    return RequestFactory().post("/km/accounts/sign-in/")


def test_roles_are_created_by_migration(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("+855 12 345 678", "012345678"), ("855-12-345678", "012345678"), ("012 345 678", "012345678")],
)
def test_phone_numbers_are_normalised(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "identifier", ["chenda", "chenda@example.org", "CHENDA@example.org", "+855 12 999 001", "012999001"]
)
def test_sign_in_by_username_email_or_phone(make_user, identifier):
    user = make_user(username="chenda", email="chenda@example.org", phone="012999001")
    assert authenticate(_request(), username=identifier, password=PASSWORD) == user


@pytest.mark.django_db
def test_wrong_password_or_inactive_user_cannot_sign_in(make_user):
    user = make_user(username="chenda", phone="012999001")
    assert authenticate(_request(), username="chenda", password="wrong") is None
    user.is_active = False
    user.save()
    assert authenticate(_request(), username="012999001", password=PASSWORD) is None


@pytest.mark.django_db
def test_an_email_shared_by_two_accounts_signs_in_neither(make_user):
    make_user(username="a", email="shared@example.org")
    make_user(username="b", email="shared@example.org")
    assert authenticate(_request(), username="shared@example.org", password=PASSWORD) is None


@pytest.mark.django_db
def test_has_role(make_user):
    producer = make_user(roles.PRODUCER)
    assert roles.has_role(producer, roles.PRODUCER)
    assert not roles.has_role(producer, roles.SAFEGUARDING_OFFICER)
    assert User.objects.get(pk=producer.pk).groups.count() == 1


@pytest.mark.django_db
def test_sign_in_page_works_with_phone(client, make_user, site_pages):
    make_user(username="dara", phone="012777001")
    response = client.post("/km/accounts/sign-in/", {"username": "012 777 001", "password": PASSWORD})
    assert response.status_code == 302
    response = client.post("/en/accounts/sign-in/", {"username": "012777001", "password": "nope"})
    assert response.status_code == 200
    assert "The phone, email or username and password do not match." in response.content.decode()
    # In Khmer the whole message is Khmer (Django's names the field by its label, half English).
    response = client.post("/km/accounts/sign-in/", {"username": "012777001", "password": "nope"})
    assert "លេខទូរស័ព្ទ អ៊ីមែល ឬឈ្មោះអ្នកប្រើ និងពាក្យសម្ងាត់មិនត្រូវគ្នាទេ" in response.content.decode()
    assert "Please enter a correct" not in response.content.decode()
