"""One phone rule (accounts.phone, phonenumbers with region KH) at every door: sign-in, checkout,
the member registry and enrolments agree on what a phone number is and how it is stored."""

import datetime

import pytest
from django.contrib.auth import authenticate
from django.utils import translation

from accounts import phone
from marketplace.exceptions import CheckoutError
from networks.exceptions import ImportRejected
from networks.services import members_import
from tests.accounts.test_auth import _request
from tests.factories.accounts import PASSWORD
from tests.factories.marketplace import ProductFactory, place_order
from tests.factories.networks import VillageFactory
from tests.factories.training import CourseSessionFactory, add_course
from training import services as training_services
from training.exceptions import InvalidPhone

# Ten digits that the four old rules all took for a phone number; no Cambodian number starts 020.
NOT_A_NUMBER = "020 123 4567"


@pytest.mark.parametrize(
    ("raw", "stored", "shown"),
    [
        ("+855 12 345 678", "012345678", "012 345 678"),
        ("855-12-345678", "012345678", "012 345 678"),
        ("012 345 678", "012345678", "012 345 678"),
        # Typed without the leading 0: checkout stored "12345678", enrolment refused it.
        ("12 345 678", "012345678", "012 345 678"),
        ("097 123 4567", "0971234567", "097 123 4567"),
        ("+33 6 12 34 56 78", "+33612345678", "+33 6 12 34 56 78"),
    ],
)
def test_normalise_and_display(raw, stored, shown):
    assert phone.normalise(raw) == stored
    assert phone.display(stored) == shown
    assert phone.normalise(stored) == stored  # stored forms are stable


@pytest.mark.parametrize("raw", ["", "  ", "12", "012345", NOT_A_NUMBER, "12ab", "phone"])
def test_what_is_not_a_phone_number(raw):
    assert phone.normalise(raw) is None


def test_tel_links_have_no_spaces():
    assert phone.tel_uri("012 345 678") == "tel:+85512345678"


@pytest.mark.django_db
def test_sign_in_by_any_spelling_but_not_by_a_non_number(make_user):
    user = make_user(username="chenda", phone="+855 12 999 001")
    user.refresh_from_db()
    assert user.phone == "012999001"
    assert authenticate(_request(), username="855-12-999-001", password=PASSWORD) == user
    assert authenticate(_request(), username=NOT_A_NUMBER, password=PASSWORD) is None


@pytest.mark.django_db
def test_checkout_refuses_what_is_not_a_phone_number():
    product = ProductFactory()
    with translation.override("en"), pytest.raises(CheckoutError, match="phone"):
        place_order(product, buyer_phone=NOT_A_NUMBER)
    assert place_order(product, buyer_phone="97 123 4567").buyer_phone == "0971234567"


@pytest.mark.django_db
def test_checkout_form_refuses_it_too(client, site_pages):
    from tests.marketplace.test_views import add, checkout

    product = ProductFactory()
    add(client, product, 1)
    response = checkout(client, buyer_phone=NOT_A_NUMBER)
    assert response.status_code == 400
    assert "012 345 678" in response.content.decode()


@pytest.mark.django_db
def test_member_import_refuses_it(make_user):
    from accounts import roles
    from tests.networks.test_import import _csv, _row

    VillageFactory(code="17060208")
    with pytest.raises(ImportRejected) as rejected:
        members_import(data=_csv([_row(phone=NOT_A_NUMBER)]), user=make_user(roles.REGISTRY_OFFICER))
    assert [line for line, _message in rejected.value.errors] == [2]
    assert NOT_A_NUMBER in rejected.value.errors[0][1]


@pytest.mark.django_db
def test_enrolment_takes_a_number_from_abroad_and_refuses_a_non_number(site_pages):
    course = add_course(site_pages["skills_center"]["km"], title="Weaving")
    session = CourseSessionFactory(course=course, start_date=datetime.date.today() + datetime.timedelta(days=30))
    with pytest.raises(InvalidPhone):
        training_services.enrolment_create(
            session_id=session.pk, name="Dara", phone=NOT_A_NUMBER, gender="female", age=30
        )
    enrolment = training_services.enrolment_create(
        session_id=session.pk, name="Claire", phone="+33 6 12 34 56 78", gender="female", age=30
    )
    assert enrolment.phone == "+33612345678"


def test_every_form_asking_for_a_phone_uses_the_one_phone_field():
    from django import forms as django_forms

    from accounts.phone import PhoneFormField
    from marketplace.forms import CheckoutForm, QuoteRequestForm
    from marketplace.pickup_forms import CollectionPointShopForm
    from training.forms import EnrolmentForm

    assert isinstance(CheckoutForm.base_fields["buyer_phone"], PhoneFormField)
    for form in (QuoteRequestForm, CollectionPointShopForm, EnrolmentForm):
        assert isinstance(form.base_fields["phone"], PhoneFormField), form
    field = PhoneFormField(required=False)
    assert field.clean("") == "" and field.clean("+855 12 345 678") == "012345678"
    with pytest.raises(django_forms.ValidationError) as error:
        field.clean("12")
    assert error.value.code == "invalid_phone"
