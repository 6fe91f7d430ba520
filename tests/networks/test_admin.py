import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from networks.models import Member
from tests.factories.networks import GroupFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _members(count, group):
    for _index in range(count):
        MembershipFactory(group=group, member=MemberFactory(village=group.village))


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        assert response.status_code == 200
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", [roles.REGISTRY_OFFICER, roles.SAFEGUARDING_OFFICER])
def test_member_listing_and_export_run_a_constant_number_of_queries(client, make_user, registry, role):
    client.force_login(make_user(role, is_staff=True))
    url = reverse("networks_member:index")
    _members(10, registry.group)
    _queries(client, url)  # warm caches (content types, session)
    few = (_queries(client, url), _queries(client, url, {"export": "csv"}))
    _members(40, GroupFactory(network=registry.producers, village=registry.village))
    many = (_queries(client, url), _queries(client, url, {"export": "csv"}))
    assert many == few


def test_report_runs_a_constant_number_of_queries_and_exports(client, registry_officer, registry):
    client.force_login(registry_officer)
    url = reverse("networks_statistics:index")
    _members(5, registry.group)
    _queries(client, url)  # warm caches (content types, session)
    few = [_queries(client, url, {"by": by}) for by in ("network", "group", "province", "district")]
    _members(30, GroupFactory(network=registry.producers, village=registry.village))
    many = [_queries(client, url, {"by": by}) for by in ("network", "group", "province", "district")]
    assert many == few
    response = client.get(url, {"by": "network", "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Network", "Groups", "Members"]
    members = {row[0]: int(row[2]) for row in body}
    # The report counts everyone (aggregates are not personal data); 2 + 1 + 5 + 30 producers.
    assert members[str(registry.producers)] == 2 + 5 + 30
    assert members[str(registry.happy_women)] == 1
    response = client.get(url, {"by": "district", "network": registry.producers.pk, "export": "xlsx"})
    assert response.status_code == 200


def test_filters_by_network_gender_age_band_and_place(client, safeguarding_officer, registry):
    client.force_login(safeguarding_officer)
    url = reverse("networks_member:index")

    def listed(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {member.pk for member in response.context["object_list"]}

    everyone = {registry.adult.pk, registry.minor.pk, registry.survivor.pk}
    assert listed() == everyone
    assert listed(network=registry.happy_women.pk) == {registry.survivor.pk}
    assert listed(group=registry.group.pk) == {registry.adult.pk, registry.minor.pk}
    assert listed(age_band="under_18") == {registry.minor.pk}
    assert listed(age_band="25_plus") == {registry.adult.pk, registry.survivor.pk}
    assert listed(gender="male") == set()
    district = registry.village.commune.district
    assert listed(district=district.pk) == everyone
    assert listed(province=district.province.pk) == everyone
    assert listed(q="Thida") == {registry.minor.pk}
    assert listed(q="012 777 003") == {registry.survivor.pk}


def test_member_create_with_inline_membership(client, registry_officer, registry):
    client.force_login(registry_officer)
    response = client.get(reverse("networks_member:add"))
    assert response.status_code == 200
    assert "memberships-TOTAL_FORMS" in response.content.decode()
    response = client.post(
        reverse("networks_member:add"),
        {
            "name_km": "គឹម សុខា",
            "name_latin": "Kim Sokha",
            "gender": "male",
            "birth_year": "1980",
            "village": registry.village.pk,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-group": registry.group.pk,
            "memberships-0-role": "deputy",
            "memberships-0-joined": "2024-01-01",
            "memberships-0-ORDER": "1",
        },
    )
    assert response.status_code == 302
    member = Member.objects.get(name_latin="Kim Sokha")
    assert member.memberships.get().role == "deputy"


def test_other_registry_screens_render(client, safeguarding_officer, registry):
    client.force_login(safeguarding_officer)
    for name in ("networks_group", "networks_network", "networks_meeting", "networks_village", "networks_province"):
        assert client.get(reverse(f"{name}:index")).status_code == 200, name
    assert client.get(reverse("networks_village:index"), {"q": "Phnum"}).status_code == 200
    assert client.get(reverse("networks_village_chooser:choose"), {"q": "1706"}).status_code == 200
    assert client.get(reverse("networks_member:inspect", args=[registry.minor.pk])).status_code == 200
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Statistics" in menu and "Members" in menu
