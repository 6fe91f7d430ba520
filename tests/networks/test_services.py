import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from networks.models import Member
from networks.selectors import network_figures, statistics_by_group
from networks.services import member_anonymise

pytestmark = pytest.mark.django_db


def test_anonymise_erases_personal_fields_and_keeps_counts(registry, safeguarding_officer, make_user):
    member = registry.adult
    member.notes = "Lives behind the pagoda"
    member.user = make_user()
    member.save()
    before = (network_figures(registry.producers).as_row(), [row.as_row() for row in statistics_by_group()])
    member_anonymise(member=member, user=safeguarding_officer)
    member.refresh_from_db()
    assert member.is_anonymised
    for field in ("name_km", "name_latin", "phone", "notes", "guardian_name"):
        assert getattr(member, field) == ""
    assert member.date_of_birth is None and member.village is None and member.user is None
    assert member.gender == Member.Gender.FEMALE and member.birth_year == 1990
    assert member.memberships.count() == 1
    assert str(member) == f"Anonymised member #{member.pk}"
    after = (network_figures(registry.producers).as_row(), [row.as_row() for row in statistics_by_group()])
    assert after == before
    entry = ModelLogEntry.objects.get(action="networks.anonymise", object_id=str(member.pk))
    assert entry.user == safeguarding_officer


def test_anonymise_screen_is_for_safeguarding_only(client, registry, registry_officer, safeguarding_officer):
    url = reverse("networks_member:anonymise", args=[registry.survivor.pk])
    client.force_login(registry_officer)
    assert client.get(url).status_code in {302, 403}
    assert client.post(url, {"confirm": "on"}).status_code in {302, 403}
    registry.survivor.refresh_from_db()
    assert not registry.survivor.is_anonymised
    client.force_login(safeguarding_officer)
    assert client.get(url).status_code == 200
    response = client.post(url, {})  # the confirmation box is required
    assert response.status_code == 200
    registry.survivor.refresh_from_db()
    assert not registry.survivor.is_anonymised
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    registry.survivor.refresh_from_db()
    assert registry.survivor.is_anonymised and registry.survivor.name_latin == ""


def test_protected_members_are_never_named_by_str(registry):
    assert str(registry.adult) == "សុខ ចិន្តា"
    assert str(registry.minor) == f"Protected member #{registry.minor.pk}"
    assert str(registry.survivor) == f"Protected member #{registry.survivor.pk}"
    assert registry.survivor.display_name == "លី ស្រីពៅ / Ly Sreypov"
    assert set(Member.objects.protected()) == {registry.minor, registry.survivor}
    assert set(Member.objects.unprotected()) == {registry.adult}
