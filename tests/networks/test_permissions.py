"""Who sees which member: a matrix of roles × admin screens × members. Minors and Happy Women
Network members are for safeguarding officers (and administrators) only; nobody without a
registry role sees any member at all."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts import roles
from networks.models import Member

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "buyer": roles.BUYER,
    "producer": roles.PRODUCER,
    "trainer": roles.TRAINER,
    "editor": roles.EDITOR,
    "registry": roles.REGISTRY_OFFICER,
    "safeguarding": roles.SAFEGUARDING_OFFICER,
    "administrator": roles.ADMINISTRATOR,  # the role, without superuser status
}
# What each role may see: adult (ordinary member), minor, survivor (sensitive network).
SEES = {
    "anonymous": set(),
    "buyer": set(),
    "producer": set(),
    "trainer": set(),
    "editor": set(),
    "registry": {"adult"},
    "safeguarding": {"adult", "minor", "survivor"},
    "administrator": {"adult", "minor", "survivor"},
}
MEMBERS = ("adult", "minor", "survivor")


def _client_for(client, make_user, role_key):
    if ROLES[role_key]:
        client.force_login(make_user(ROLES[role_key], is_staff=role_key not in {"buyer", "producer"}))
    return client


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _shows(response, member: Member, query: str = "") -> bool:
    """Whether the response shows any of the member's personal fields (other than the query,
    which search forms echo back)."""
    if response.status_code != 200:
        return False
    body = _body(response)
    fields = [value for value in (member.name_latin, member.name_km, member.phone) if value and value != query]
    return any(value in body for value in fields)


@pytest.mark.parametrize("role_key", list(ROLES))
def test_listing_export_and_search_show_only_allowed_members(role_key, client, make_user, registry):
    client = _client_for(client, make_user, role_key)
    index = reverse("networks_member:index")
    for name in MEMBERS:
        member = getattr(registry, name)
        allowed = name in SEES[role_key]
        assert _shows(client.get(index), member) is allowed, (role_key, name, "list")
        assert _shows(client.get(index, {"export": "csv"}), member) is allowed, (role_key, name, "csv")
        query = member.name_latin
        assert _shows(client.get(index, {"q": query}), member, query) is allowed, (role_key, name, "search")
        query = member.phone
        assert _shows(client.get(index, {"q": query}), member, query) is allowed, (role_key, name, "phone")
        # The public site search never returns a person, whoever asks (it echoes the query, so
        # look for the member's other fields).
        assert not _shows(client.get("/en/search/", {"q": member.name_latin}), member, member.name_latin)
        assert not _shows(client.get("/km/search/", {"q": member.name_km}), member, member.name_km)


@pytest.mark.parametrize("role_key", list(ROLES))
@pytest.mark.parametrize("view", ["inspect", "edit", "history"])
def test_object_views_refuse_members_the_role_may_not_see(role_key, view, client, make_user, registry):
    client = _client_for(client, make_user, role_key)
    for name in MEMBERS:
        member = getattr(registry, name)
        response = client.get(reverse(f"networks_member:{view}", args=[member.pk]))
        allowed = name in SEES[role_key]
        if view == "history" and allowed:
            assert response.status_code == 200
            continue
        assert _shows(response, member) is allowed, (role_key, view, name)
        if not allowed and role_key in {"registry", "safeguarding", "administrator"}:
            # A 404 (LocaleMiddleware redirects unprefixed 404s to /km/…, which 404s too).
            assert response.status_code in {302, 404}
            assert client.get(response.url if response.status_code == 302 else "/", follow=True).status_code in {
                404,
                200,
            }
            assert client.get(reverse(f"networks_member:{view}", args=[member.pk]), follow=True).status_code == 404


@pytest.mark.parametrize("role_key", list(ROLES))
def test_xlsx_export_contains_only_allowed_rows(role_key, client, make_user, registry):
    import io

    from openpyxl import load_workbook

    client = _client_for(client, make_user, role_key)
    response = client.get(reverse("networks_member:index"), {"export": "xlsx"})
    if response.status_code != 200:
        assert not SEES[role_key]
        return
    data = b"".join(response.streaming_content) if response.streaming else response.content
    workbook = load_workbook(io.BytesIO(data))
    cells = {str(cell.value) for row in workbook.active.iter_rows() for cell in row}
    for name in MEMBERS:
        assert (getattr(registry, name).name_latin in cells) is (name in SEES[role_key]), (role_key, name)


def test_registry_officer_cannot_change_or_delete_protected_members(client, registry_officer, registry):
    client.force_login(registry_officer)
    for member in (registry.minor, registry.survivor):
        response = client.post(
            reverse("networks_member:edit", args=[member.pk]),
            {"name_latin": "Changed", "gender": "female", "memberships-TOTAL_FORMS": "0"},
        )
        assert response.status_code in {302, 404}  # 404, redirected by LocaleMiddleware to /km/…
        member.refresh_from_db()
        assert member.name_latin != "Changed"
        assert client.post(reverse("networks_member:delete", args=[member.pk])).status_code in {302, 403, 404}
        assert Member.objects.filter(pk=member.pk).exists()
        assert client.get(reverse("networks_member:usage", args=[member.pk]), follow=True).status_code == 404
    # Registry officers keep ordinary members but do not delete them (anonymise is for safeguarding).
    assert client.post(reverse("networks_member:delete", args=[registry.adult.pk])).status_code != 200
    assert Member.objects.filter(pk=registry.adult.pk).exists()


def test_registry_officer_cannot_make_a_member_protected(client, registry_officer, registry):
    client.force_login(registry_officer)
    data = {
        "name_km": "",
        "name_latin": "Sok Chenda",
        "gender": "female",
        "birth_year": "1990",
        "phone": "012777001",
        "village": registry.village.pk,
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": registry.adult.memberships.get().pk,
        "memberships-0-group": registry.group.pk,
        "memberships-0-role": "member",
        "memberships-0-joined": "2020-01-01",
        "memberships-0-ORDER": "1",
        "memberships-1-id": "",
        "memberships-1-group": registry.sensitive_group.pk,
        "memberships-1-role": "member",
        "memberships-1-joined": "2024-01-01",
        "memberships-1-ORDER": "2",
    }
    response = client.post(reverse("networks_member:edit", args=[registry.adult.pk]), data)
    assert response.status_code == 200
    assert "Only safeguarding officers" in response.content.decode()
    assert registry.adult.memberships.count() == 1
    # The same edit without the sensitive group goes through.
    data["memberships-TOTAL_FORMS"] = "1"
    data["name_latin"] = "Sok Chenda Updated"
    response = client.post(reverse("networks_member:edit", args=[registry.adult.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    registry.adult.refresh_from_db()
    assert registry.adult.name_latin == "Sok Chenda Updated"


def test_safeguarding_officer_reads_are_logged(client, safeguarding_officer, registry):
    client.force_login(safeguarding_officer)
    assert client.get(reverse("networks_member:inspect", args=[registry.minor.pk])).status_code == 200
    assert client.get(reverse("networks_member:edit", args=[registry.survivor.pk])).status_code == 200
    assert client.get(reverse("networks_member:inspect", args=[registry.adult.pk])).status_code == 200
    entries = ModelLogEntry.objects.filter(action="networks.view", user=safeguarding_officer)
    assert sorted(int(entry.object_id) for entry in entries) == sorted([registry.minor.pk, registry.survivor.pk])
    # The log label never names a protected member (registry officers can read the site history).
    assert all("Chan" not in entry.label and "Ly " not in entry.label for entry in entries)
    response = client.get(reverse("networks_member:index"), {"export": "csv"})
    b"".join(response.streaming_content)
    exported = ModelLogEntry.objects.filter(action="networks.export", user=safeguarding_officer)
    assert {int(entry.object_id) for entry in exported} == {registry.minor.pk, registry.survivor.pk}


def test_changes_to_protected_members_are_logged_with_who_and_when(client, safeguarding_officer, registry):
    client.force_login(safeguarding_officer)
    member = registry.minor
    membership = member.memberships.get()
    response = client.post(
        reverse("networks_member:edit", args=[member.pk]),
        {
            "name_km": member.name_km,
            "name_latin": "Chan Thida B",
            "gender": "female",
            "date_of_birth": member.date_of_birth.isoformat(),
            "birth_year": member.birth_year,
            "village": registry.village.pk,
            "guardian_name": "Chan Sophea",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": membership.pk,
            "memberships-0-group": registry.group.pk,
            "memberships-0-role": "member",
            "memberships-0-joined": "2020-01-01",
            "memberships-0-ORDER": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = ModelLogEntry.objects.filter(action="wagtail.edit", object_id=str(member.pk)).get()
    assert entry.user == safeguarding_officer and entry.timestamp
    assert "Chan" not in entry.label
    client.post(reverse("networks_member:delete", args=[registry.survivor.pk]))
    assert not Member.objects.filter(pk=registry.survivor.pk).exists()
    deleted = ModelLogEntry.objects.get(action="wagtail.delete", object_id=str(registry.survivor.pk))
    assert deleted.user == safeguarding_officer and "Ly" not in deleted.label


def test_report_needs_a_registry_role(client, make_user, registry):
    url = reverse("networks_statistics:index")
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(make_user(roles.TRAINER, is_staff=True))
    assert client.get(url).status_code != 200
    client.force_login(make_user(roles.REGISTRY_OFFICER, is_staff=True))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role_key", list(ROLES))
def test_delete_confirmation_only_for_safeguarding(role_key, client, make_user, registry):
    client = _client_for(client, make_user, role_key)
    for name in MEMBERS:
        member = getattr(registry, name)
        response = client.get(reverse("networks_member:delete", args=[member.pk]))
        # Only safeguarding officers (and administrators) delete members; registry officers
        # anonymise nothing and delete nothing.
        may_delete = role_key in {"safeguarding", "administrator"}
        assert (response.status_code == 200) is may_delete, (role_key, name)
        if member.is_protected or not may_delete:
            assert not _shows(response, member)  # a protected member is not named even here


# -- every admin URL of the member viewset, every role (issue 11 #3) -------------------------
def test_every_member_admin_url_follows_the_policy_for_every_role(client, make_user, registry):
    from tests.admin_walk import assert_can_reach, assert_cannot_reach

    def markers(member):
        return [member.name_latin, member.name_km, member.phone, f"Protected member #{member.pk}"]

    staff = (roles.TRAINER, roles.REGISTRY_OFFICER, roles.EDITOR)
    forbidden = [make_user(role, is_staff=True) for role in staff]
    forbidden += [make_user(role) for role in (roles.BUYER, roles.PRODUCER, roles.GROUP_COORDINATOR)]
    requests = 0
    for user in forbidden:
        for member in (registry.minor, registry.survivor):
            requests += assert_cannot_reach(client, user, "networks_member", member, markers(member))
    assert requests > 100
    assert not Member.objects.filter(is_anonymised=True).exists()
    for role in (roles.SAFEGUARDING_OFFICER, roles.ADMINISTRATOR):
        user = make_user(role, is_staff=True)
        for member in (registry.minor, registry.survivor):
            assert_can_reach(client, user, "networks_member", member, member.name_latin)
    registry_officer = make_user(roles.REGISTRY_OFFICER, is_staff=True)
    views = ("index", "edit", "history", "usage", "inspect")  # registry officers delete nothing
    assert_can_reach(client, registry_officer, "networks_member", registry.adult, registry.adult.name_latin, views)


# -- the audit trail about protected members (issue 11 #2) -----------------------------------
def test_log_entries_about_protected_members_only_for_those_who_may_see_them(
    client, registry, registry_officer, safeguarding_officer
):
    from wagtail.log_actions import log

    from tests.admin_walk import text_of
    from tests.factories.networks import MembershipFactory

    client.force_login(safeguarding_officer)
    assert client.get(reverse("networks_member:inspect", args=[registry.minor.pk])).status_code == 200
    assert client.get(reverse("networks_member:edit", args=[registry.survivor.pk])).status_code == 200
    text_of(client.get(reverse("networks_member:index"), {"export": "csv"}))
    log(instance=registry.minor, action="wagtail.edit", user=safeguarding_officer)
    # Sok Chenda's record was edited while she was an ordinary member; she then joins the Happy
    # Women Network: what was logged about her is now protected too.
    log(instance=registry.adult, action="wagtail.edit", user=registry_officer)
    MembershipFactory(member=registry.adult, group=registry.sensitive_group)
    ordinary = Member.objects.create(name_km="ហេង សុភា", name_latin="Heng Sophea", gender="female", birth_year=1980)
    log(instance=ordinary, action="wagtail.edit", user=registry_officer)
    protected = [registry.minor, registry.survivor, registry.adult]

    site_history = reverse("wagtailadmin_reports:site_history")
    pages = [
        site_history,
        reverse("wagtailadmin_reports:site_history_results"),
        f"{site_history}?export=csv",
        f"{site_history}?export=xlsx",
    ]
    client.force_login(registry_officer)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = text_of(response)
        assert "Heng Sophea" in text or "ហេង សុភា" in text, f"{url} hides an ordinary member's entry"
        for member in protected:
            assert f"Protected member #{member.pk}" not in text, url
            assert reverse("networks_member:edit", args=[member.pk]) not in text, url
        assert "Sok Chenda" not in text and "សុខ ចិន្តា" not in text, url
        assert "View protected member" not in text and "Export protected member" not in text, url
    # The member's own history (now protected) is not open to the registry officer either.
    assert client.get(reverse("networks_member:history", args=[registry.adult.pk])).status_code == 404

    client.force_login(safeguarding_officer)
    text = text_of(client.get(site_history))
    assert f"Protected member #{registry.minor.pk}" in text
    assert reverse("networks_member:edit", args=[registry.minor.pk]) in text
    assert "View protected member" in text
    csv_text = text_of(client.get(f"{site_history}?export=csv"))
    assert f"Protected member #{registry.survivor.pk}" in csv_text


def test_usage_pages_of_groups_and_villages_do_not_list_protected_members(client, registry, registry_officer):
    """A group's usage page lists the records that refer to it: protected members
    are not among them for a registry officer (issue 11 #2)."""
    from wagtail.models import ReferenceIndex

    from tests.admin_walk import text_of

    pages = [
        reverse("networks_group:usage", args=[registry.sensitive_group.pk]),
        reverse("networks_group:usage", args=[registry.group.pk]),
    ]
    # The admin's URLs are loaded now (so the viewsets registered their models for the
    # reference index): index the members the fixture made before that.
    for member in (registry.adult, registry.minor, registry.survivor):
        ReferenceIndex.create_or_update_for_object(member)
    assert ReferenceIndex.get_references_to(registry.sensitive_group).exists()
    client.force_login(registry_officer)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = text_of(response)
        for member in (registry.minor, registry.survivor):
            assert f"Protected member #{member.pk}" not in text, url
            assert reverse("networks_member:edit", args=[member.pk]) not in text, url
    assert registry.adult.name_km in text_of(client.get(pages[1]))  # ordinary members still listed
